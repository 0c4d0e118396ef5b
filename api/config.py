"""Settings, read from the environment in this one place (see README: Configuration)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any, Mapping

from ratings.db import DEFAULT_DATABASE_URL


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    redis_url = env.get("CACHE_REDIS_URL") or None
    return {
        "RATINGS_ENV": env.get("RATINGS_ENV", "development"),
        "DATABASE_URL": env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        "CACHE_REDIS_URL": redis_url,
        "UPSTREAM_PRODUCT_URL": env.get("UPSTREAM_PRODUCT_URL") or None,
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "CACHE_DEFAULT_TIMEOUT": int(env.get("CACHE_DEFAULT_TIMEOUT", "300")),
        "EXPORT_DIR": env.get("EXPORT_DIR", "instance/exports"),
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "ratings:"),
        **({"CACHE_TYPE": env["CACHE_TYPE"]} if env.get("CACHE_TYPE") else {}),  # e.g. NullCache: no response cache (benchmarks)
        "MAX_BODY_BYTES": int(env.get("MAX_BODY_BYTES", str(10 * 1024 * 1024))),
        "CORS_ORIGINS": [o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()],
        "AUTH_FAILURE_LIMIT": env.get("AUTH_FAILURE_LIMIT", "20 per minute"),
        "RATE_LIMIT_DEFAULT": env.get("RATE_LIMIT_DEFAULT", "600 per minute;20 per second"),
        "RATE_LIMITS_ENABLED": env.get("RATE_LIMITS_ENABLED", "true").lower() != "false",
        # The console (api/console/): session lifetime, failed-login limits, and the cookie's Secure flag.
        "CONSOLE_SESSION_HOURS": float(env.get("CONSOLE_SESSION_HOURS", "8")),
        "LOGIN_FAILURE_LIMIT": env.get("LOGIN_FAILURE_LIMIT", "10 per minute"),
        **({"SESSION_COOKIE_SECURE": env["SESSION_COOKIE_SECURE"].lower() != "false"} if env.get("SESSION_COOKIE_SECURE") else {}),
    }


def finalize(settings: dict[str, Any]) -> dict[str, Any]:
    """Fill in derived settings and refuse unsafe production configurations."""
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
        settings["SECRET_KEY"] = secrets.token_hex(32)  # development only: a new one every start
    if settings.get("CACHE_REDIS_URL"):
        # Redis, falling back to an in-process cache while Redis is down (api/fallback_cache.py).
        settings.setdefault("CACHE_TYPE", "api.fallback_cache.FallbackRedisCache")
    else:
        settings.setdefault("CACHE_TYPE", "SimpleCache")
    # The in-process cache keeps 500 responses by default: fewer than the products people scan (BENCHMARKS.md).
    settings.setdefault("CACHE_THRESHOLD", 50_000)
    return settings
