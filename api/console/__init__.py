"""The web console under /console/: server-rendered pages (Jinja2 + htmx, plain CSS) for analysts,
reviewers, companies and admins, on the same `ratings` services as the JSON API.

Sessions are Flask-Login cookie sessions (Secure in production, HttpOnly, SameSite=Lax); every form
carries a CSRF token (Flask-WTF). The JSON API under /v1 is bearer-token or anonymous, never
cookie-authenticated, so it is exempt from CSRF and never reads the session.
"""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from api.errors import STATUS_OF
from ratings.errors import DomainError

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

csrf = CSRFProtect()

# Pages load only their own scripts, styles and images; forms post only here.
CONSOLE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class ConsoleSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions for the console only: any other path (the JSON API, probes) gets the null
    session, so it never reads, refreshes or sets the cookie, and its responses never vary on it."""

    def open_session(self, app, request):
        if not (request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/")):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_console(app: Flask) -> None:
    """Bind the console to the app. Call after every other blueprint is registered (see exemptions)."""
    from api.console import (  # noqa: F401  (register the routes on bp)
        admin_views,
        assessment_views,
        catalog_views,
        portal_views,
        views,
    )
    from api.console.auth import login_manager

    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.config.setdefault("WTF_CSRF_SSL_STRICT", app.config.get("SESSION_COOKIE_SECURE", False))
    if not app.config.get("SESSION_COOKIE_PATH"):  # Flask's default is None (= "/")
        app.config["SESSION_COOKIE_PATH"] = bp.url_prefix  # browsers send the cookie to the console only
    app.session_interface = ConsoleSessions()
    app.register_blueprint(bp)
    login_manager.init_app(app)
    csrf.init_app(app)
    for name, blueprint in app.blueprints.items():
        if name != bp.name:  # the JSON API (/v1), probes and docs: no cookies, so no CSRF
            csrf.exempt(blueprint)


@bp.context_processor
def _console_helpers():
    def own_company_slug():
        from flask_login import current_user

        from api import database
        from ratings.research import own_company_slug as slug_of

        return slug_of(database.session(), current_user.record) if current_user.is_authenticated else None

    return {"own_company_slug": own_company_slug}


@bp.after_request
def _console_headers(response):
    response.headers["Content-Security-Policy"] = CONSOLE_CSP
    response.headers.setdefault("Cache-Control", "no-store")  # pages show private work; static files keep theirs
    return response


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError):
    return render_template("console/error.html", status=400, title="The form expired",
                           message=f"{error.description} Reload the page and send the form again."), 400


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    status = next((s for cls, s in STATUS_OF.items() if isinstance(error, cls)), 400)
    return render_template("console/error.html", status=status, title=_TITLES.get(status, "Something is wrong"),
                           message=error.message), status


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    return render_template("console/error.html", status=status, title=_TITLES.get(status, error.name),
                           message=error.description), status


_TITLES = {400: "Bad request", 403: "Not yours to see", 404: "Not found", 409: "Conflict", 422: "Check the form",
           429: "Slow down"}
