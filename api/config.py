"""Settings, read from the environment in this one place (see README: Configuration).

Every path is resolved once, here, at startup, to an absolute path: the server, its workers and the
command line agree on where the data lives whatever directory they were started from.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from datetime import timedelta
from typing import Any, Mapping

from flask import Flask

from ratings.db import absolute_database_url

SECRET_KEY_FILE = "secret_key"  # the development SECRET_KEY, generated once in the instance folder


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


@lru_cache(maxsize=1)
def flask_instance_folder() -> Path:
    """Flask's instance folder of the `api` package, by Flask's own rule (`Flask.auto_find_instance_path`):
    `<checkout>/instance` for a source checkout, `<prefix>/var/api-instance` for an installed wheel."""
    return Path(Flask("api").instance_path).resolve()


def instance_path(environ: Mapping[str, str] | None = None) -> Path:
    """The default data location: `INSTANCE_PATH` if set, else Flask's instance folder. Absolute."""
    env = os.environ if environ is None else environ
    configured = env.get("INSTANCE_PATH")
    return Path(configured).expanduser().resolve() if configured else flask_instance_folder()


def default_database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'ratings.db'}"


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL`, or the SQLite file in the instance folder; a relative SQLite path made absolute."""
    env = os.environ if environ is None else environ
    return absolute_database_url(env.get("DATABASE_URL") or default_database_url(instance_path(env)))


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    redis_url = env.get("CACHE_REDIS_URL") or None
    return {
        "RATINGS_ENV": env.get("RATINGS_ENV", "development"),
        "INSTANCE_PATH": str(instance_path(env)),
        "DATABASE_URL": env.get("DATABASE_URL") or None,  # None: the instance folder's SQLite file (finalize)
        "CACHE_REDIS_URL": redis_url,
        "UPSTREAM_PRODUCT_URL": env.get("UPSTREAM_PRODUCT_URL") or None,
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "CACHE_DEFAULT_TIMEOUT": int(env.get("CACHE_DEFAULT_TIMEOUT", "300")),
        "EXPORT_DIR": env.get("EXPORT_DIR") or None,  # None: <instance>/exports (finalize)
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "ratings:"),
        **({"CACHE_TYPE": env["CACHE_TYPE"]} if env.get("CACHE_TYPE") else {}),  # e.g. NullCache: no response cache (benchmarks)
        "MAX_BODY_BYTES": int(env.get("MAX_BODY_BYTES", str(10 * 1024 * 1024))),
        "CORS_ORIGINS": [o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()],
        "AUTH_FAILURE_LIMIT": env.get("AUTH_FAILURE_LIMIT", "20 per minute"),
        "RATE_LIMIT_DEFAULT": env.get("RATE_LIMIT_DEFAULT", "600 per minute;20 per second"),
        "FAST_PATH_ENABLED": env.get("FAST_PATH_ENABLED", "true").lower() != "false",
        "RATE_LIMITS_ENABLED": env.get("RATE_LIMITS_ENABLED", "true").lower() != "false",
        "TRUSTED_PROXY_COUNT": _count(env.get("TRUSTED_PROXY_COUNT", "0"), "TRUSTED_PROXY_COUNT"),
        "RATING_REQUEST_LIMIT": env.get("RATING_REQUEST_LIMIT", "10 per minute;100 per day"),  # POST /v1/rating-requests
        # The console (api/console/): session lifetime, failed-login limits, and the cookie's Secure flag.
        "CONSOLE_SESSION_HOURS": float(env.get("CONSOLE_SESSION_HOURS", "8")),
        "LOGIN_FAILURE_LIMIT": env.get("LOGIN_FAILURE_LIMIT", "10 per minute"),
        **({"SESSION_COOKIE_SECURE": env["SESSION_COOKIE_SECURE"].lower() != "false"} if env.get("SESSION_COOKIE_SECURE") else {}),
    }


def _count(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return number


def finalize(settings: dict[str, Any]) -> dict[str, Any]:
    """Resolve paths to absolute ones, fill in derived settings, refuse unsafe production configurations."""
    instance = Path(settings.get("INSTANCE_PATH") or flask_instance_folder()).expanduser().resolve()
    settings["INSTANCE_PATH"] = str(instance)
    settings["DATABASE_URL"] = absolute_database_url(settings.get("DATABASE_URL") or default_database_url(instance))
    settings["EXPORT_DIR"] = str(Path(settings.get("EXPORT_DIR") or instance / "exports").expanduser().resolve())
    production = settings["RATINGS_ENV"] == "production"
    if production:
        problems = []
        if not settings.get("SECRET_KEY"):
            problems.append("SECRET_KEY is not set")
        if settings["DATABASE_URL"].startswith("sqlite"):
            problems.append("DATABASE_URL points at SQLite; use PostgreSQL")
        if not settings.get("CACHE_REDIS_URL"):
            problems.append("CACHE_REDIS_URL is not set; workers and hosts must share one cache")
        if problems:
            raise ConfigError("Refusing to start in production: " + "; ".join(problems) + ".")
    # Console cookies: HttpOnly and SameSite=Lax always; Secure in production (development serves plain http).
    settings.setdefault("SESSION_COOKIE_SECURE", production)
    settings.setdefault("SESSION_COOKIE_HTTPONLY", True)
    settings.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    settings.setdefault("SESSION_COOKIE_NAME", "ratings_console")
    settings.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=settings.get("CONSOLE_SESSION_HOURS", 8)))
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = development_secret_key(instance)
    if settings.get("CACHE_REDIS_URL"):
        # Redis, falling back to an in-process cache while Redis is down (api/fallback_cache.py).
        settings.setdefault("CACHE_TYPE", "api.fallback_cache.FallbackRedisCache")
    else:
        settings.setdefault("CACHE_TYPE", "SimpleCache")
    # The in-process cache keeps 500 responses by default: fewer than the products people scan (BENCHMARKS.md).
    settings.setdefault("CACHE_THRESHOLD", 50_000)
    return settings


def development_secret_key(instance: Path) -> str:
    """The development SECRET_KEY: generated once and kept in the instance folder (owner-only), so console
    sessions survive restarts and every worker signs with the same key. Safe when workers race to create it."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        temporary = instance / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # atomic, and refuses to replace a key another worker wrote first
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"{path} holds no usable SECRET_KEY; delete it to have a new one generated, or set SECRET_KEY.")
    return key
