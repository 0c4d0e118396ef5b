"""API fixtures (a pytest plugin): the demo dataset in a clean database, and clients on it."""

import shutil

import pytest

from tests.support import POSTGRES_STATE, truncate_all

from ratings import demo
from ratings.db import make_engine, transaction
from sqlmodel import Session


def load_demo(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session, transaction(session):
        demo.load_demo(session)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    load_demo(f"sqlite:///{path}")
    return path


@pytest.fixture
def writable_demo_url(database_url):
    """A clean test database with the demo loaded through the services, for tests that write."""
    load_demo(database_url)
    return database_url


@pytest.fixture
def postgres_demo_url(postgres_engine):
    """PostgreSQL only (several hosts share it), emptied, with the demo loaded: for tests that write."""
    truncate_all(postgres_engine)
    url = postgres_engine.url.render_as_string(hide_password=False)
    load_demo(url)
    return url


@pytest.fixture
def demo_url(backend, request, tmp_path):
    """The demo for tests that only read: a SQLite copy, or PostgreSQL loaded once per run of such tests."""
    if backend == "sqlite":
        path = tmp_path / "demo.db"
        shutil.copy(request.getfixturevalue("sqlite_demo_template"), path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("postgres_engine")
    url = engine.url.render_as_string(hide_password=False)
    if POSTGRES_STATE["holds"] != "demo":
        truncate_all(engine)
        load_demo(url)
        POSTGRES_STATE["holds"] = "demo"
    return url


@pytest.fixture
def demo_client(demo_url, make_app):
    return make_app(demo_url).test_client()
