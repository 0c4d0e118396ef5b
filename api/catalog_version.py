"""The catalog version a request serves: the database's change log, read once per request.

Every cache (responses, the search index, the export) is keyed on it, so a change committed by any
writer (the API on any host, the CLI, an import, a restore) is served on the next request, with no
signal to send. While the database is unreachable the last version this process saw is used, so
cached answers keep being served.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from api import database
from ratings import changes

_LAST_SEEN = "ratings_catalog_version"


def current_version() -> int:
    if "catalog_version" not in g:
        session = database.session()
        try:
            g.catalog_version = changes.current_version(session)
        except SQLAlchemyError:
            session.rollback()
            last = current_app.extensions.get(_LAST_SEEN)
            if last is None:
                raise
            g.catalog_version = last
        else:
            current_app.extensions[_LAST_SEEN] = g.catalog_version
    return g.catalog_version
