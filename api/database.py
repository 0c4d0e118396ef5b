"""One database session per request, opened lazily and closed in teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlmodel import Session

from ratings.db import make_engine, make_reader


def init_database(app: Flask) -> None:
    app.extensions["ratings_engine"] = make_engine(app.config["DATABASE_URL"])
    app.extensions["ratings_reader"] = make_reader(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return engine_of(current_app)


def engine_of(app: Flask) -> Engine:
    return app.extensions["ratings_engine"]


def reader() -> Engine | None:
    """Autocommit reads of one statement, one round trip each (ratings.db.make_reader); None on in-memory SQLite."""
    return reader_of(current_app)


def reader_of(app: Flask) -> Engine | None:
    return app.extensions["ratings_reader"]


def engines_of(app: Flask) -> list[Engine]:
    """Every engine of the app (api/workers.py disposes them after a fork)."""
    return [e for e in (engine_of(app), reader_of(app)) if e is not None]


def session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
