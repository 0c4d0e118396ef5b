"""Backups: pg_dump/pg_restore for PostgreSQL, SQLite's online backup API for SQLite files.

A backup holds every user's e-mail and every token hash: it is written readable by its owner only (0600),
through a temporary file renamed into place, so a failed backup never leaves a half-written file behind.
Passwords go to pg_dump/pg_restore in the environment (PGPASSWORD), never on a command line, where every
user of the machine could read them (`ps`, /proc/PID/cmdline).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ratings import changes
from ratings.db import make_engine, sqlite_file, transaction
from ratings.errors import Invalid

OWNER_ONLY = 0o600


def backup(database_url: str, path: Path) -> None:
    """Write a consistent copy of the database to `path` (mode 0600), while it keeps serving."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source_file = _sqlite_file(database_url)
        if not source_file.exists():
            raise Invalid(f"There is no database at {source_file} to back up: run `ratings db upgrade` first.",
                          code="database_missing")
        with _owner_only_file(path) as (temporary, _out), closing(sqlite3.connect(source_file)) as source, \
                closing(sqlite3.connect(temporary)) as target:
            source.backup(target)  # page by page, consistent even with writers
        return
    with _owner_only_file(path) as (_temporary, out):
        _run(["pg_dump", "--format=custom", "--no-owner", "--dbname", _libpq(url)], url, stdout=out)


def restore(database_url: str, path: Path) -> int:
    """Replace the database's contents with the backup at `path`, all at once; returns the new catalog version.

    The restored log is older than the one it replaces: a new epoch moves the catalog version above any
    version the replaced database issued, so no cache or offline bundle mistakes old state for new."""
    if not path.exists():
        raise Invalid(f"No backup at {path}.", code="backup_not_found")
    url = make_url(database_url)
    issued = _issued_version(database_url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(_sqlite_file(database_url))) as target:
            source.backup(target)
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", _libpq(url), str(path)], url)
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


class _owner_only_file:
    """A new temporary file beside `path`, mode 0600 from its creation; renamed to `path` on success."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self) -> tuple[Path, BinaryIO]:
        handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part")
        os.fchmod(handle, OWNER_ONLY)  # mkstemp makes 0600 already; say it, whatever the platform
        self.temporary = Path(name)
        self.out = os.fdopen(handle, "wb")
        return self.temporary, self.out

    def __exit__(self, kind, _error, _trace) -> None:
        self.out.close()
        if kind is None:
            os.replace(self.temporary, self.path)
            os.chmod(self.path, OWNER_ONLY)
        else:
            self.temporary.unlink(missing_ok=True)


def _sqlite_file(database_url: str) -> Path:
    path = sqlite_file(database_url)
    if path is None:
        raise Invalid("An in-memory SQLite database cannot be backed up.", code="backup_unsupported")
    return path


def _libpq(url: URL) -> str:
    """A libpq connection URI without the password (that goes in PGPASSWORD)."""
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query)
    return bare.render_as_string(hide_password=False)


def _run(command: list[str], url: URL, stdout: BinaryIO | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise Invalid(f"{command[0]} is not installed; install the PostgreSQL client tools.", code="tool_missing")
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    result = subprocess.run(command, stdout=stdout if stdout is not None else subprocess.PIPE,
                            stderr=subprocess.PIPE, env=environment)
    if result.returncode != 0:
        stderr = " ".join(result.stderr.decode("utf-8", "replace").split())  # one line
        raise Invalid(f"{command[0]} failed: {stderr[:500]}", code="backup_failed")
