"""What a barcode lookup that misses every cache costs in round trips, on PostgreSQL and Redis as in production:
a known product is one autocommit query on the reader (ratings.db.make_reader) and one Redis script per rate
limit; no ping, BEGIN or ROLLBACK, and no shared response cache (api/caching.py, read_model_first)."""

from __future__ import annotations

import psycopg
import pytest
import redis
from sqlalchemy import event, text

from api import database
from tests.api.test_fast_path import ENCODINGS, answer

KNOWN = "5091997966733"  # a demo product (data/demo/catalog.json)
SAME_INDUSTRY = "5013891654776"  # another of the same brand
UNKNOWN = "4006381333931"  # a valid GTIN nobody knows: the general path, then the shared cache


class Counted:
    """Statements on each engine (as the driver runs them: the reader's lookup bypasses SQLAlchemy's Connection),
    checkouts of the main pool, and Redis commands, while it is active."""

    def __init__(self, app, monkeypatch):
        self.statements = {"engine": 0, "reader": 0}
        self.checkouts = 0
        self.redis: list[str] = []
        with app.app_context():
            engines = {"engine": database.engine(), "reader": database.reader()}
        pool_of: dict[int, str] = {}  # driver connection -> the engine whose pool it is in
        for name, engine in engines.items():
            event.listen(engine.pool, "checkout", lambda dbapi, *a, name=name: pool_of.__setitem__(id(dbapi), name))
        event.listen(engines["engine"].pool, "checkout", lambda *a: self._checkout())
        execute = psycopg.Cursor.execute

        def counted_execute(cursor, *args, **options):
            if id(cursor.connection) in pool_of:
                self._statement(pool_of[id(cursor.connection)])
            return execute(cursor, *args, **options)

        monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
        original = redis.Redis.execute_command

        def counted(client, *args, **options):
            self.redis.append(str(args[0]))
            return original(client, *args, **options)

        monkeypatch.setattr(redis.Redis, "execute_command", counted)

    def _statement(self, name):
        self.statements[name] += 1

    def _checkout(self):
        self.checkouts += 1

    def reset(self):
        self.statements = {"engine": 0, "reader": 0}
        self.checkouts, self.redis = 0, []


@pytest.fixture
def production_like(postgres_demo_url, make_app, redis_url):
    app = make_app(postgres_demo_url, CACHE_REDIS_URL=redis_url, RATE_LIMIT_DEFAULT="600 per minute;20 per second",
                   FAST_PATH_ENABLED=False)
    return app


def test_a_known_product_is_one_query_on_the_reader_and_one_redis_script_per_limit(production_like, monkeypatch):
    client = production_like.test_client()
    client.get(f"/v1/barcodes/{SAME_INDUSTRY}")  # the catalog version and the industry's ranking are held from here on
    counted = Counted(production_like, monkeypatch)
    response = client.get(f"/v1/barcodes/{KNOWN}")
    assert response.status_code == 200 and response.get_json()["match"] == "product"
    assert counted.statements == {"engine": 0, "reader": 1} and counted.checkouts == 0
    assert counted.redis == ["EVALSHA", "EVALSHA"]  # the two limits; their headers come back with the counts
    with production_like.app_context():
        with database.reader().connect() as connection:
            assert connection.connection.driver_connection.autocommit  # so psycopg sends no BEGIN nor ROLLBACK


def test_an_unknown_barcode_still_goes_through_the_shared_cache(production_like, monkeypatch):
    client = production_like.test_client()
    counted = Counted(production_like, monkeypatch)
    assert client.get(f"/v1/barcodes/{UNKNOWN}").status_code == 404
    assert "SET" in counted.redis  # negative caching: the general path's answer is shared
    counted.reset()
    assert client.get(f"/v1/barcodes/{UNKNOWN}").status_code == 404
    assert "GET" in counted.redis and "SET" not in counted.redis and counted.statements["engine"] == 0


def test_a_reader_connection_found_dead_is_answered_by_the_general_path_then_replaced(production_like, postgres_engine):
    client = production_like.test_client()
    first = [answer(client.get(f"/v1/barcodes/{KNOWN}", headers=h)) for h in ENCODINGS]
    with postgres_engine.connect() as admin:  # the database restarts, say: every reader connection is cut
        admin.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    assert [answer(client.get(f"/v1/barcodes/{KNOWN}", headers=h)) for h in ENCODINGS] == first


def test_a_known_product_built_in_front_of_flask_is_one_query_and_no_redis_command(postgres_demo_url, make_app, redis_url,
                                                                                   monkeypatch):
    app = make_app(postgres_demo_url, CACHE_REDIS_URL=redis_url, RATE_LIMIT_DEFAULT="600 per minute;20 per second")
    client = app.test_client()
    client.get(f"/v1/barcodes/{SAME_INDUSTRY}")  # through Flask: how it sends a lookup is learned (api/fast_path.py)
    counted = Counted(app, monkeypatch)
    response = client.get(f"/v1/barcodes/{KNOWN}")
    assert response.status_code == 200 and response.get_json()["match"] == "product"
    assert counted.statements == {"engine": 0, "reader": 1} and counted.checkouts == 0
    assert counted.redis == []  # limits counted in this process (api/hit_limiter.py), the catalog version pushed


def test_the_readers_prepared_lookup_binds_the_gtin_alone(production_like):
    """A bound LIMIT in the lookup made PostgreSQL plan the prepared statement afresh on every run on a large catalog
    (its generic plan cannot know the limit), at more of the database's time than running it (BENCHMARKS.md). Plan
    choice depends on table statistics, so this checks the cause: the statement's only parameter is the GTIN."""
    client = production_like.test_client()
    for _ in range(8):  # each a query (read_model_first); psycopg prepares a statement from its 5th run
        assert client.get(f"/v1/barcodes/{KNOWN}").status_code == 200
    with production_like.app_context():
        connection = database.reader().raw_connection()  # the one the lookups used: one thread, a pool of one
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT parameter_types::text[] FROM pg_prepared_statements "
                           "WHERE statement LIKE %s", ("%JOIN lookupbrand%",))
            prepared = cursor.fetchall()
        finally:
            connection.close()
    assert [types for (types,) in prepared] == [["character varying"]], prepared
