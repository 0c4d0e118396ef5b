"""Production refuses unsafe configurations; development starts with embedded defaults, every path
absolute and in one data location (Flask's instance folder) whatever the working directory."""

import os
import stat
import threading
from pathlib import Path

import pytest
from flask import Flask

from api import create_app
from api.config import ConfigError, database_url, development_secret_key, finalize, flask_instance_folder, settings_from_env

ROOT = Path(__file__).resolve().parents[2]


def test_development_defaults_need_nothing(tmp_path):
    settings = finalize(settings_from_env({"INSTANCE_PATH": str(tmp_path)}))
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


def test_the_default_data_location_is_flasks_instance_folder_of_the_api_package():
    assert flask_instance_folder() == Path(Flask("api").instance_path)
    assert flask_instance_folder() == ROOT / "instance"  # a source checkout; a wheel: <prefix>/var/api-instance
    assert database_url({}) == f"sqlite:///{ROOT / 'instance' / 'ratings.db'}"


def test_default_database_and_exports_live_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path / "..")  # the working directory plays no part
    settings = finalize(settings_from_env({"INSTANCE_PATH": str(tmp_path / "data")}))
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'data' / 'ratings.db'}"
    assert settings["EXPORT_DIR"] == str(tmp_path / "data" / "exports")
    assert settings["INSTANCE_PATH"] == str(tmp_path / "data")


def test_relative_paths_are_resolved_once_against_the_start_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = finalize(settings_from_env({"INSTANCE_PATH": "inst", "DATABASE_URL": "sqlite:///rel/r.db",
                                           "EXPORT_DIR": "out/exports"}))
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'rel' / 'r.db'}"
    assert settings["EXPORT_DIR"] == str(tmp_path / "out" / "exports")
    assert settings["INSTANCE_PATH"] == str(tmp_path / "inst")
    app = create_app({"DATABASE_URL": "sqlite:///rel/r.db", "EXPORT_DIR": "out/exports", "TESTING": True})
    assert app.config["EXPORT_DIR"] == str(tmp_path / "out" / "exports") and Path(app.config["EXPORT_DIR"]).is_absolute()
    app.extensions["ratings_engine"].dispose()


def test_the_development_secret_key_is_generated_once_and_kept_owner_only(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://", "TESTING": True})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://", "TESTING": True})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32  # sessions survive a restart
    assert first.instance_path == str(tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert finalize(settings_from_env({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40}))["SECRET_KEY"] == "x" * 40


def test_workers_starting_together_agree_on_one_development_secret_key(tmp_path):
    keys, barrier = [], threading.Barrier(8)

    def start():
        barrier.wait()
        keys.append(development_secret_key(tmp_path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert os.listdir(tmp_path) == ["secret_key"]  # no temporary files left behind


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_trusted_proxy_count_that_is_not_a_count_is_refused(value):
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_COUNT"):
        settings_from_env({"TRUSTED_PROXY_COUNT": value})


def test_production_starts_when_configured():
    settings = finalize(settings_from_env({
        "RATINGS_ENV": "production", "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgresql+psycopg://db/r", "CACHE_REDIS_URL": "redis://r:6379/0",
    }))
    assert settings["CACHE_TYPE"] == "api.fallback_cache.FallbackRedisCache"
