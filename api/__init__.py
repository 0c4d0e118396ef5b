"""The Flask application: `create_app()` binds extensions, blueprints and error handlers."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, jsonify, request
from flask_compress.flask_compress import _compress_data  # private, but the bytes must be flask-compress's own

from api import database, docs_assets, openapi
from api.catalog_version import init_catalog_version
from api.config import ConfigError, finalize, settings_from_env
from api.errors import RatingsApi, error_body, register_error_handlers
from api.fast_path import FastPath
from api.public import barcodes
from api.hardening import harden, security_headers, trust_proxies
from api.console import init_console
from api.extensions import cache, compress
from api.rate_limits import init_rate_limits
from api.upstream_lookup import init_upstream
from ratings.db import database_ready

_ALWAYS_SERVED = {"/healthz", "/readyz", "/v1/openapi.json", "/docs"}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    settings = settings_from_env()
    settings.update(config or {})
    settings = finalize(settings)  # every path absolute from here on
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.config.update(
        API_TITLE="Forced-labour ratings API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",  # nullable objects as anyOf [$ref, null], which generated clients type
        API_SPEC_OPTIONS={"info": {"description": openapi.DESCRIPTION}},
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="v1/openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=docs_assets.ASSETS_URL,  # Swagger UI from the installed package, no CDN
        JSON_SORT_KEYS=False,
        COMPRESS_EVALUATE_CONDITIONAL_REQUEST=False,  # ETags and 304s are ours (api/caching.py)
    )

    harden(app)
    database.init_database(app)
    init_catalog_version(app, database.engine_of(app))
    cache.init_app(app)
    compress.init_app(app)
    init_upstream(app)
    init_rate_limits(app)
    api = RatingsApi(app)  # one per app: an Api object remembers the single app it is bound to
    register_error_handlers(app)
    app.register_blueprint(docs_assets.blp)
    _register_blueprints(api)
    init_console(app)  # after the API's blueprints: it exempts them from CSRF
    _refuse_unmigrated_database(app)
    if app.config["RATINGS_ENV"] == "production":
        _refuse_demo_users(app)
    _install_fast_path(app)
    trust_proxies(app)  # outermost: the fast path's limiter sees the real client too
    return app


def _install_fast_path(app: Flask) -> None:
    """Repeat public lookups answered in front of Flask (api/fast_path.py); FAST_PATH_ENABLED=false turns it off."""
    if not app.config.get("FAST_PATH_ENABLED", True):
        return

    def rate_limited(description: str):
        body = app.json.body(error_body(429, "rate_limited", description))
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Vary", "Accept-Encoding"),
                   *security_headers(app)]
        return "429 TOO MANY REQUESTS", headers, body

    def compress(body: bytes, algorithm: str) -> bytes:
        return _compress_data(app, body, algorithm)  # flask-compress's own, with this app's settings

    limits = app.config["RATE_LIMIT_DEFAULT"] if app.config["RATE_LIMITS_ENABLED"] else None
    app.wsgi_app = FastPath(app.wsgi_app, version=app.extensions["catalog_version_feed"].current, limits=limits,
                            rate_limited=rate_limited, routes=[barcodes.front_route(app)], compress=compress,
                            compress_min_size=app.config["COMPRESS_MIN_SIZE"],
                            on_error=lambda error: app.logger.error("A lookup built in front of Flask failed", exc_info=error))


def _refuse_demo_users(app: Flask) -> None:
    """Production never runs with the demo logins (their passwords are in the README)."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from ratings.demo import demo_users_present

    try:
        with Session(app.extensions["ratings_engine"]) as session:
            present = demo_users_present(session)
    except SQLAlchemyError:  # unreachable or not migrated yet: the readiness gate answers for that
        return
    if present:
        raise ConfigError(
            "Refusing to start in production: this database holds the demo console logins "
            f"({', '.join(present)}), whose passwords are published. Production must not run on the demo data: "
            "use a database where `ratings demo load` never ran."
        )


def _register_blueprints(api: RatingsApi) -> None:
    from api import health
    from api.manage import assessments, catalog, imports, portal, proposals, replies
    from api.public import barcodes, brands, companies, export, industries, methodologies, rating_requests, ratings

    public = (health.blp, barcodes.blp, brands.blp, companies.blp, industries.blp, methodologies.blp, ratings.blp,
              export.blp)
    manage = (catalog.blp, assessments.blp, portal.blp, replies.blp, imports.blp, proposals.blp)
    manage += (rating_requests.blp,)  # POST anonymous, GET for analysts
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (*public, *manage):
        api.register_blueprint(blueprint)


def _refuse_unmigrated_database(app: Flask) -> None:
    """Serve nothing but the probes until the schema is at head, and say which command fixes it."""
    state = app.extensions["ratings_schema_checked"] = {"ready": False}  # a warmed worker (api/workers.py) sets it

    @app.before_request
    def _check_schema():
        if state["ready"] or request.path in _ALWAYS_SERVED or request.path.startswith(docs_assets.ASSETS_URL):
            return None
        ok, reason = database_ready(database.engine())
        if ok:
            state["ready"] = True
            return None
        response = jsonify({"status": 503, "code": "database_not_ready", "message": f"The database is not ready: {reason}."})
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response
