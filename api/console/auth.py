"""Console logins: Flask-Login sessions over `ratings.users` (argon2 passwords), failed-login limits,
logout everywhere on a password change, and an absolute session lifetime.

The session names the user as "<id>:<session generation>". Setting a password bumps the generation, so
every session made before it stops loading its user: the person is logged out on every device.
"""

from __future__ import annotations

import time
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from limits import parse

from api import database
from ratings import users
from ratings.models import User

login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = "Log in to see this page."
login_manager.login_message_category = "info"


class ConsoleUser:
    """The logged-in person as Flask-Login wants it; `record` is the User row the services take."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, record: User):
        self.record = record

    def get_id(self) -> str:
        return f"{self.record.id}:{self.record.session_generation}"

    def __getattr__(self, name):  # email, role, company_id... read through to the row
        return getattr(self.record, name)


@login_manager.user_loader
def _load_user(identity: str) -> ConsoleUser | None:
    user_id, _, generation = identity.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    login_at = session.get("login_at")
    if not isinstance(login_at, (int, float)) or time.time() - login_at > _lifetime_seconds():
        return None  # absolute expiry: a session lives at most PERMANENT_SESSION_LIFETIME from login
    record = users.session_user(database.session(), user_id=int(user_id), generation=int(generation))
    return ConsoleUser(record) if record is not None else None


def _lifetime_seconds() -> float:
    return current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()


def log_in(email: str, password: str) -> ConsoleUser | None:
    """Check the password and start a fresh session; None for a wrong email or password."""
    record = users.verify_login(database.session(), email=email, password=password)
    if record is None:
        return None
    session.clear()  # nothing from before the login survives it
    session.permanent = True  # the cookie expires with PERMANENT_SESSION_LIFETIME
    session["login_at"] = time.time()
    person = ConsoleUser(record)
    login_user(person)
    return person


def log_out() -> None:
    logout_user()
    session.clear()


def console_user() -> User:
    """The User row of the logged-in person (views pass it to services)."""
    return current_user.record


def login_required(*allowed_roles: str):
    """Logged in (else to the login page, coming back here after), and of one of `allowed_roles` if given."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
            if allowed_roles and current_user.role not in allowed_roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


# --- Failed-login limits (flask-limiter's storage: Redis when configured, shared by every worker) -----

def login_blocked(email: str) -> bool:
    """True when this address or this account failed too often lately (checked before hashing anything)."""
    try:
        return any(not _limiter().limiter.test(limit, *key) for limit, key in _login_keys(email))
    except Exception:  # the limits store is down: do not lock everyone out
        return False


def count_failed_login(email: str) -> None:
    for limit, key in _login_keys(email):
        try:
            _limiter().limiter.hit(limit, *key)
        except Exception:  # the limits store is down: do not lock everyone out
            pass


def _login_keys(email: str):
    if not current_app.config["RATELIMIT_ENABLED"]:
        return []
    limit = parse(current_app.config["LOGIN_FAILURE_LIMIT"])
    return [(limit, ("console-login-address", get_remote_address())),
            (limit, ("console-login-email", (email or "").strip().lower()[:320]))]


def _limiter():
    return current_app.extensions["ratings_limiter"]
