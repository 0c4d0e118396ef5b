"""The catalog version for a serving process, without a database round trip per request.

- SQLite (one host): the version is read on every call from a connection kept per thread; a local
  file read of one index entry, so every request sees every committed change.
- PostgreSQL: writers NOTIFY on commit (ratings/changes.py); a thread per process LISTENs and re-reads
  the version on each notice, and at least every POLL_SECONDS in case a notice was missed, so a change
  committed by any writer on any host is served within that bound (README: "The catalog version").
  `refresh()` after a process's own write makes it read its own writes at once.
While the database is unreachable the last version seen is kept, so cached answers keep being served.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from ratings.changes import NOTIFY_CHANNEL

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0  # the freshness bound on PostgreSQL when notices are lost
_QUERY = "SELECT coalesce(max(id), 0) FROM catalogchange"


class VersionFeed:
    def __init__(self, engine: Engine):
        url = make_url(engine.url)
        self._engine = engine
        self._sqlite = url.get_backend_name() == "sqlite"
        self._target = url.database if self._sqlite else url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._version: int | None = None
        self._local = threading.local()
        self._pid: int | None = None  # the process the listener runs in (a fork needs its own)
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._closed = False
        # The listener's connection lives as long as the engine: disposing the engine (app teardown, tests) ends it.
        event.listen(engine, "engine_disposed", self.close)

    def after_fork(self) -> None:
        """In a forked child (a gunicorn worker of a preloaded app): nothing of the parent's is this process's,
        neither its connections nor its version (read when it was loaded, maybe long ago). The next
        `current()` starts this process's listener and waits for its first version."""
        self._version, self._pid, self._closed = None, None, False  # disposing the engine in the child closed it
        self._local, self._lock, self._ready = threading.local(), threading.Lock(), threading.Event()

    def close(self, *_args) -> None:
        """Stop listening (within POLL_SECONDS) and close the listener's connection."""
        self._closed = True

    def current(self) -> int | None:
        """The newest committed catalog version known to this process; None while none ever was (database down)."""
        if self._sqlite:
            return self._read_sqlite()
        self._ensure_listener()
        if self._version is None:
            self._ready.wait(timeout=2)
            self.refresh()
        return self._version

    def read_now(self) -> int | None:
        """The version in the database now, on a pooled connection, starting nothing (a gunicorn master's
        warm-up, before it forks: no thread and no per-thread connection of its may reach a worker)."""
        try:
            with self._engine.connect() as connection:
                return connection.execute(text(_QUERY)).scalar_one()
        except SQLAlchemyError:
            return None

    def refresh(self) -> None:
        """Read the version now (after this process's own write), on a pooled connection."""
        if not self._sqlite:
            try:
                with self._engine.connect() as connection:
                    self._version = connection.execute(text(_QUERY)).scalar_one()
            except SQLAlchemyError:
                pass

    # SQLite

    def _read_sqlite(self) -> int | None:
        connection = getattr(self._local, "connection", None)
        try:
            if connection is None:
                connection = self._local.connection = sqlite3.connect(f"file:{self._target}?mode=ro", uri=True)
            self._version = connection.execute(_QUERY).fetchone()[0]
        except sqlite3.Error:
            self._local.connection = None
        return self._version

    # PostgreSQL

    def _ensure_listener(self) -> None:
        if self._pid == os.getpid() or self._closed:
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._ready.clear()
            threading.Thread(target=self._listen_forever, name="catalog-version-feed", daemon=True).start()

    def _listen_forever(self) -> None:
        pid, backoff = os.getpid(), 0.5
        while self._pid == pid and not self._closed:
            try:
                with psycopg.connect(self._target, autocommit=True, connect_timeout=2) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    backoff = 0.5
                    while self._pid == pid and not self._closed:
                        self._version = connection.execute(_QUERY).fetchone()[0]
                        self._ready.set()
                        for _ in connection.notifies(timeout=POLL_SECONDS, stop_after=1):
                            pass
            except psycopg.Error as error:
                log.warning("catalog version feed: %s; retrying in %.1f s", error.__class__.__name__, backoff)
                time.sleep(backoff)
                backoff = min(backoff * 2, POLL_SECONDS * 5)
