"""The catalog version a request serves (ratings/version_feed.py), read once per request.

Every cache (responses, the search index, the export) is keyed on it, so a change committed by any
writer (the API on any host, the CLI, an import, a restore) is served without any signal to send:
on SQLite on the next request, on PostgreSQL within the feed's bound (at most 1 s; at once in the
process that wrote). While the database is unreachable the last version seen is used, so cached
answers keep being served.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from werkzeug.exceptions import ServiceUnavailable

from ratings.version_feed import VersionFeed

_WRITES = ("POST", "PUT", "PATCH", "DELETE")


def init_catalog_version(app: Flask, engine) -> None:
    app.extensions["catalog_version_feed"] = VersionFeed(engine)

    @app.after_request
    def _read_own_writes(response):
        if request.method in _WRITES and response.status_code < 400:
            app.extensions["catalog_version_feed"].refresh()
        return response


def feed() -> VersionFeed:
    return current_app.extensions["catalog_version_feed"]


def current_version() -> int:
    if "catalog_version" not in g:
        version = feed().current()
        if version is None:
            unavailable = ServiceUnavailable("The database is unavailable; retry shortly.")
            unavailable.data = {"code": "database_unavailable", "headers": {"Retry-After": "5"}}
            raise unavailable
        g.catalog_version = version
    return g.catalog_version
