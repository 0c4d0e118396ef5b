"""Authenticated endpoints for analysts, reviewers, companies and admins."""

from __future__ import annotations

from api.auth import BEARER_AUTH
from api.errors import ErrorSchema


def error_docs(blp, role: str, *errors: tuple[int, str]):
    """Document what an authenticated route can answer besides success: 401, 403 for other roles, `errors`."""

    def decorate(view):
        for status, description in ((401, "No token, or an unknown or revoked one"), (403, f"Not {role}"), *errors):
            view = blp.alt_response(status, schema=ErrorSchema, description=description)(view)
        return blp.doc(security=[BEARER_AUTH])(view)

    return decorate
