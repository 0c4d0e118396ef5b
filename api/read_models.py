"""The public API's read models, one of each per process and catalog version: rebuilt only after a change.

Both are built from the database by `ratings` and hold nothing a change could make wrong while the
version stays the same: the brand search index (ratings/search.py) and the lookup read model
(ratings/read_model.py). A fresh worker builds them before its first request (api/workers.py).
"""

from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app
from sqlmodel import Session

from api import database
from api.catalog_version import current_version
from ratings.read_model import LookupModel
from ratings.search import BrandIndex

T = TypeVar("T")


def brand_index() -> BrandIndex:
    return _per_version("brand_index", BrandIndex.build)


def lookup_model() -> LookupModel:
    return _per_version("lookup_model", LookupModel.build)


def build_all(session: Session, version: int) -> None:
    """Both read models at `version`, held as requests hold them (a gunicorn master builds them before forking)."""
    current_app.extensions["brand_index"] = (version, BrandIndex.build(session))
    model = LookupModel.build(session)
    model.warm(session)
    current_app.extensions["lookup_model"] = (version, model)


def _per_version(name: str, build: Callable[[Session], T]) -> T:
    current = current_version()
    held = current_app.extensions.get(name)
    if held is None or held[0] != current:  # two threads may both build at a change; either result is right
        held = (current, build(database.session()))
        current_app.extensions[name] = held
    return held[1]
