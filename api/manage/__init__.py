"""Authenticated endpoints for analysts, reviewers, companies and admins."""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint

from api.caching import bump_generation


def invalidate_after_writes(blueprint) -> None:
    """Any successful write may change what the public sees: bump the catalog generation after it."""

    @blueprint.after_request
    def _bump(response):
        if response.status_code < 400 and blueprint_write():
            bump_generation()
        return response


def blueprint_write() -> bool:
    from flask import request

    return request.method in ("POST", "PUT", "PATCH", "DELETE")
