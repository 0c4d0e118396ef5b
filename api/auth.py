"""Bearer-token authentication and role/scope checks for the authenticated endpoints."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_smorest import abort

from api import database
from api.rate_limits import too_many_auth_failures
from ratings.models import User
from ratings.users import authenticate

BEARER_AUTH = {"bearerAuth": []}  # the OpenAPI security requirement of every authenticated route


def current_user() -> User:
    """The authenticated user; 401 (the same for unknown and revoked tokens) otherwise."""
    if "user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = authenticate(database.session(), token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if user is None:
            if too_many_auth_failures():
                abort(429, code="too_many_auth_failures", message="Too many failed logins from your address; wait a minute.",
                      headers={"Retry-After": "60"})
            abort(401, code="invalid_token", message="Send a valid API token as 'Authorization: Bearer <token>'.",
                  headers={"WWW-Authenticate": "Bearer"})
        g.user = user
    return g.user


def roles(*allowed: str):
    """Let only these roles call the view (admins may do everything but publish others' work twice)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user.role not in allowed:
                abort(403, code="forbidden_role", message=f"This needs the role {' or '.join(allowed)}; you are {user.role}.")
            return view(*args, **kwargs)

        return wrapper

    return decorate
