"""Migrations bring an empty database to head, and match the tables the code declares."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from ratings import migrations
from ratings.db import database_ready, make_engine


def _empty(engine):
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        SQLModel.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))


def test_upgrading_an_empty_database_reaches_head_with_every_table(engine):
    _empty(engine)
    ok, reason = database_ready(engine)
    assert not ok and "ratings db upgrade" in reason
    migrations.upgrade(engine)
    assert database_ready(engine) == (True, "ok")
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrations_match_the_declared_tables(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_a_missing_database_file_is_created_on_upgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/nested/dir/ratings.db")
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()
