"""Engines, sessions and the migration state of a database."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

import ratings.changes  # noqa: F401  (every session logs catalog changes; see that module)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases, in-memory ones and `file:` URIs)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def absolute_database_url(url: str) -> str:
    """The URL with a relative SQLite path made absolute (relative to the working directory now): resolve
    once, at startup, so that nothing later depends on the directory a process runs in."""
    path = sqlite_file(url)
    if path is None or (path.is_absolute() and str(path) == make_url(url).database):
        return url
    return make_url(url).set(database=str(path.resolve())).render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; in-memory SQLite shares one connection or each sees an empty db."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return _sqlite_file_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def make_reader(url: str) -> Engine | None:
    """An engine for reads of one statement (the lookup read model, ratings/lookup_model.py), in autocommit: on a
    client-server database a read is then one round trip, not four (the pool's ping, BEGIN, the query, ROLLBACK);
    on an SQLite file, the read skips a session's transaction, which costs more CPU than the query. A connection
    found dead fails its read and leaves the pool (`is_disconnect`); the caller then answers as if the read model
    had no row."""
    if make_url(url).get_backend_name() == "sqlite":
        if sqlite_file(url) is None:  # in memory (or a `file:` URI, which may be): the sessions' connection only
            return None
        return _sqlite_file_engine(url, isolation_level="AUTOCOMMIT")
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=5, max_overflow=10)


def create_sqlite_folder(engine: Engine) -> None:
    """Make the folder of an SQLite database file: only creating the database (`ratings db upgrade`) does this."""
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_file_engine(url: str, **options) -> Engine:
    """An engine on an SQLite file, the sessions' or the reader's: shared by threads, waiting for a writer's lock.
    The folder is made by `create_sqlite_folder` (db upgrade), never as a side effect of reading."""
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.close()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll everything back when it raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def database_ready(engine: Engine) -> tuple[bool, str]:
    """(ok, reason) for /readyz and `ratings serve`: reachable and migrated to head."""
    from ratings.migrations import current_revision, head_revision

    missing = sqlite_file(engine.url.render_as_string(hide_password=False))
    if missing is not None and not missing.exists():  # connecting would create an empty file
        return False, f"there is no database at {missing}: run `ratings db upgrade` to create it"
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        return False, f"database unreachable: {exc.__class__.__name__}"
    head = head_revision()
    if current != head:
        return False, f"database schema is at {current or 'nothing'}, not {head}: run `ratings db upgrade`"
    return True, "ok"


# Every session keeps the lookup read model current (see that module); imported last, as it imports services.
import ratings.lookup_model  # noqa: E402,F401
