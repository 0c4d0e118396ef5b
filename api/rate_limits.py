"""Rate limits (flask-limiter): generous per-client defaults, in memory or in Redis when configured."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

_EXEMPT = ("/healthz", "/readyz")


def init_rate_limits(app: Flask) -> Limiter:
    app.config.setdefault("RATELIMIT_DEFAULT", app.config["RATE_LIMIT_DEFAULT"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("CACHE_REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_ENABLED", app.config["RATE_LIMITS_ENABLED"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)  # Retry-After on a 429
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["CACHE_KEY_PREFIX"] + "limits")
    # One Limiter per app: it keeps its storage on itself, like the Api.
    limiter = Limiter(get_remote_address, app=app, default_limits_exempt_when=lambda: request.path in _EXEMPT)
    return limiter
