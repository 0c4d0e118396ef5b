"""State and helpers shared by the conftest files (a plain module, so there is one copy of the state)."""

from sqlalchemy import text
from sqlmodel import SQLModel

# What the shared PostgreSQL test database holds now: "empty" after a truncation, "demo" after a
# read-only demo load (so consecutive read-only tests load the demo only once).
POSTGRES_STATE = {"holds": None}


def truncate_all(engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    POSTGRES_STATE["holds"] = "empty"


def eventually(check, within: float | None = None):
    """Retry `check` until it stops raising AssertionError, for at most the catalog version's freshness bound
    (README: "The catalog version"): SQLite answers at once, PostgreSQL within POLL_SECONDS of a commit."""
    import time

    from ratings.version_feed import POLL_SECONDS

    deadline = time.monotonic() + (POLL_SECONDS if within is None else within)
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)
