"""The public API's read models, one per process and catalog version: rebuilt only after a change.

Built from the database by `ratings`, holding nothing a change could make wrong while the version stays
the same: the brand search index (ratings/search.py) and the lookup read model's industry rankings
(ratings/lookup_model.py). A fresh worker builds them before its first request (api/workers.py); a gunicorn
master builds them before forking, so workers inherit them.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app
from sqlmodel import Session

from api import database
from api.catalog_version import current_version
from ratings import lookup_model
from ratings.search import BrandIndex

T = TypeVar("T")


def brand_index() -> BrandIndex:
    return _per_version("brand_index", BrandIndex.build)


def build_all(session: Session, version: int) -> None:
    """The read models at `version`, held as requests hold them (a gunicorn master builds them before forking)."""
    current_app.extensions["brand_index"] = (version, BrandIndex.build(session))
    lookup_model.warm(session)


def lookup_rankings() -> None:
    """Each industry's ranked alternatives for lookups (ratings/lookup_model.py), held per process and catalog
    version by ratings itself: built here before a worker's first request, kept if inherited at this version."""
    lookup_model.warm(database.session())


def _per_version(name: str, build: Callable[[Session], T]) -> T:
    current = current_version()
    held = current_app.extensions.get(name)
    if held is None or held[0] != current:  # two threads may both build at a change; either result is right
        held = (current, build(database.session()))
        current_app.extensions[name] = held
    return held[1]
