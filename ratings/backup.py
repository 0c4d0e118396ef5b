"""Backups: pg_dump/pg_restore for PostgreSQL, SQLite's online backup API for SQLite files."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ratings import changes
from ratings.db import make_engine, transaction
from ratings.errors import Invalid


def backup(database_url: str, path: Path) -> None:
    """Write a consistent copy of the database to `path`, while it keeps serving."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(_sqlite_file(url)) as source, sqlite3.connect(path) as target:
            source.backup(target)  # page by page, consistent even with writers
        return
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), _libpq(url)])


def restore(database_url: str, path: Path) -> int:
    """Replace the database's contents with the backup at `path`, all at once; returns the new catalog version.

    The restored log is older than the one it replaces: a new epoch moves the catalog version above any
    version the replaced database issued, so no cache or offline bundle mistakes old state for new."""
    if not path.exists():
        raise Invalid(f"No backup at {path}.", code="backup_not_found")
    url = make_url(database_url)
    issued = _issued_version(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(path) as source, sqlite3.connect(_sqlite_file(url)) as target:
            source.backup(target)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", _libpq(url), str(path)])
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, transaction(session):
            return changes.start_epoch(session, above=issued)
    finally:
        engine.dispose()


def _issued_version(database_url: str) -> int:
    """The newest catalog version the database about to be replaced has issued (0 if it has no log yet)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return changes.current_version(session)
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _sqlite_file(url) -> str:
    if not url.database or url.database == ":memory:":
        raise Invalid("An in-memory SQLite database cannot be backed up.", code="backup_unsupported")
    return url.database


def _libpq(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise Invalid(f"{command[0]} is not installed; install the PostgreSQL client tools.", code="tool_missing")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise Invalid(f"{command[0]} failed: {result.stderr.strip()[:500]}", code="backup_failed")
