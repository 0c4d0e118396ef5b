"""Rate limits (flask-limiter): generous per-client defaults, in memory or in Redis when configured."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

_EXEMPT = ("/healthz", "/readyz")


def init_rate_limits(app: Flask) -> Limiter:
    app.config.setdefault("RATELIMIT_DEFAULT", app.config["RATE_LIMIT_DEFAULT"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("CACHE_REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_ENABLED", app.config["RATE_LIMITS_ENABLED"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)  # Retry-After on a 429
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["CACHE_KEY_PREFIX"] + "limits")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)  # Redis down: limit per process
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # One Limiter per app: it keeps its storage on itself, like the Api.
    limiter = Limiter(get_remote_address, app=app, default_limits_exempt_when=lambda: request.path in _EXEMPT)
    app.extensions["ratings_limiter"] = limiter
    return limiter


def too_many_auth_failures() -> bool:
    """Count a failed authentication for this client; True once it has failed too often (brute force)."""
    limiter: Limiter = current_app.extensions["ratings_limiter"]
    if not current_app.config["RATELIMIT_ENABLED"]:
        return False
    limit = parse(current_app.config["AUTH_FAILURE_LIMIT"])
    try:
        return not limiter.limiter.hit(limit, "auth-failures", get_remote_address())
    except Exception:  # the limits store is down: do not lock everyone out
        return False
