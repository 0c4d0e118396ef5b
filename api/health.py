"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import uuid

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from api.errors import ErrorSchema
from api.public.schemas import HealthOut, ReadyOut

from api import database
from api.openapi import example
from api.extensions import cache
from ratings.db import database_ready

blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, HealthOut, example=example("health"))
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, ReadyOut, example=example("ready"))
    @blp.alt_response(503, schema=ErrorSchema, description="A dependency is not ready; `checks` says which and why")
    def get(self):
        """The database is reachable and migrated, and the cache answers."""
        db_ok, db_reason = database_ready(database.engine())
        cache_ok, cache_reason = _cache_ready()
        checks = {"database": db_reason, "cache": cache_reason}
        if db_ok and cache_ok:
            return {"status": "ok", "checks": checks}
        reason = "; ".join(r for ok, r in ((db_ok, db_reason), (cache_ok, cache_reason)) if not ok)
        response = jsonify(
            {"status": 503, "code": "not_ready", "message": f"Not ready: {reason}.", "errors": checks}
        )
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response


def _cache_ready() -> tuple[bool, str]:
    probe = uuid.uuid4().hex
    try:
        cache.set("readyz-probe", probe, timeout=10)
        if cache.get("readyz-probe") != probe:
            return False, "cache did not return what was stored"
    except Exception as exc:  # any backend failure means not ready
        return False, f"cache unreachable: {exc.__class__.__name__}"
    if not getattr(cache.cache, "using_redis", True):
        # Still serving from the in-process fallback, but workers no longer share invalidations.
        return False, "cache unreachable: Redis is down; serving from the in-process fallback"
    return True, "ok"
