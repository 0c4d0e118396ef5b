"""Shared fixtures: one parametrized database (SQLite and PostgreSQL), Redis, apps and clients.

PostgreSQL and Redis variants read RATINGS_TEST_DATABASE_URL / RATINGS_TEST_REDIS_URL. When unset they
skip with a reason, except under CI=true, where a skip would hide a failure and so fails instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlmodel import Session

from ratings import migrations
from ratings.db import make_engine
from tests.openapi_contract import ContractClient
from tests.support import truncate_all

IN_CI = os.environ.get("CI") == "true"

# Machines here have two shared cores: time-based checks would make property tests flaky, not stricter.
settings.register_profile("shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared-machine")
PG_URL = os.environ.get("RATINGS_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("RATINGS_TEST_REDIS_URL")


def require(url: str | None, variable: str) -> str:
    if url:
        return url
    if IN_CI:
        pytest.fail(f"{variable} is not set; under CI=true the PostgreSQL/Redis tests must run.")
    pytest.skip(f"{variable} is not set: set it to run this variant (see README).")


def pytest_configure(config) -> None:
    """Tests never write into a developer's instance folder: the default data location (development
    SECRET_KEY, default database, exports) is a temporary one, set before collection (some test modules
    build apps at import). tests/usage/ runs the real default, in a copy of the source tree."""
    config._ratings_instance = (os.environ.get("INSTANCE_PATH"), tempfile.mkdtemp(prefix="ratings-instance-"))
    os.environ["INSTANCE_PATH"] = config._ratings_instance[1]


def pytest_unconfigure(config) -> None:
    previous, path = getattr(config, "_ratings_instance", (None, None))
    if path is None:
        return
    if previous is None:
        os.environ.pop("INSTANCE_PATH", None)
    else:
        os.environ["INSTANCE_PATH"] = previous
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def instance_folder() -> Path:
    """The temporary default data location of this test run."""
    return Path(os.environ["INSTANCE_PATH"])


@pytest.fixture(scope="session", autouse=True)
def responses_match_the_openapi_document():
    """Every Flask test client of every app checks each response against the OpenAPI document."""
    from flask import Flask

    before, Flask.test_client_class = Flask.test_client_class, ContractClient
    yield
    Flask.test_client_class = before


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file made once; each test copies it (fast, and still the real migrations)."""
    path = tmp_path_factory.mktemp("template") / "ratings.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine():
    url = require(PG_URL, "RATINGS_TEST_DATABASE_URL")
    engine = make_engine(url)
    with engine.begin() as connection:  # start from nothing, whatever an earlier run left
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path) -> str:
    """The URL of a clean, migrated database: a fresh SQLite copy or an emptied PostgreSQL."""
    if backend == "sqlite":
        path = tmp_path / "ratings.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("postgres_engine")
    truncate_all(engine)
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def redis_url() -> str:
    return require(REDIS_URL, "RATINGS_TEST_REDIS_URL")


@pytest.fixture
def make_app():
    """Build apps on a given database URL; each test gets its own cache key prefix."""
    from api import create_app

    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    apps = []

    def build(url, **config):
        settings = {"DATABASE_URL": url, "TESTING": True, "CACHE_KEY_PREFIX": prefix}
        settings.update(config)
        app = create_app(settings)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["ratings_engine"].dispose()


@pytest.fixture
def app_factory(database_url, make_app):
    """Build apps on this test's clean database."""
    return lambda **config: make_app(database_url, **config)


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()
