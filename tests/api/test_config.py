"""Production refuses unsafe configurations; development starts with embedded defaults."""

import pytest

from api.config import ConfigError, finalize, settings_from_env


def test_development_defaults_need_nothing():
    settings = finalize(settings_from_env({}))
    assert settings["DATABASE_URL"].startswith("sqlite") and settings["CACHE_TYPE"] == "SimpleCache"
    assert len(settings["SECRET_KEY"]) >= 32


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"DATABASE_URL": "postgresql+psycopg://db/r", "CACHE_REDIS_URL": "redis://r"}, "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 40, "CACHE_REDIS_URL": "redis://r"}, "SQLite"),
        ({"SECRET_KEY": "s" * 40, "DATABASE_URL": "postgresql+psycopg://db/r"}, "CACHE_REDIS_URL"),
    ],
)
def test_production_refuses_to_start_unsafely(environ, missing):
    with pytest.raises(ConfigError, match=missing):
        finalize(settings_from_env({"RATINGS_ENV": "production", **environ}))


def test_production_starts_when_configured():
    settings = finalize(settings_from_env({
        "RATINGS_ENV": "production", "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgresql+psycopg://db/r", "CACHE_REDIS_URL": "redis://r:6379/0",
    }))
    assert settings["CACHE_TYPE"] == "api.fallback_cache.FallbackRedisCache"
