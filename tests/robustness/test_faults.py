"""Dependency faults with real servers: PostgreSQL or Redis stopped mid-traffic, and back again."""

import logging
import time

import pytest

from api import fallback_cache
from ratings import migrations
from ratings.db import make_engine
from tests.fixtures_api import load_demo
from tests.robustness.servers import Postgres, Redis



@pytest.fixture
def postgres():
    server = Postgres()
    server.start()
    engine = make_engine(server.url)
    migrations.upgrade(engine)
    engine.dispose()
    load_demo(server.url)
    yield server
    server.destroy()


@pytest.fixture
def redis():
    server = Redis()
    server.start()
    yield server
    server.stop()


def demo_gtins(client, n):
    import json

    products = json.loads(open("data/demo/catalog.json", encoding="utf-8").read())["products"]
    return [p["gtin"] for p in products[:n]]


def test_postgres_stopped_mid_traffic_cached_lookups_answer_others_get_503_then_recovery(postgres, make_app, caplog):
    client = make_app(postgres.url).test_client()
    warm, cold = demo_gtins(client, 6)[:3], demo_gtins(client, 6)[3:]
    bodies = {gtin: client.get(f"/v1/barcodes/{gtin}").get_json() for gtin in warm}

    postgres.stop()
    for gtin in warm:  # served from the cache without touching the database
        response = client.get(f"/v1/barcodes/{gtin}")
        assert response.status_code == 200 and response.get_json() == bodies[gtin]
    down = client.get(f"/v1/barcodes/{cold[0]}")
    assert down.status_code == 503
    assert down.get_json()["code"] == "database_unavailable" and int(down.headers["Retry-After"]) > 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # an outage is a warning, not a traceback
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200

    postgres.start()
    deadline = time.monotonic() + 15
    while client.get(f"/v1/barcodes/{cold[0]}").status_code != 200:  # the pool pre-pings and reconnects by itself
        assert time.monotonic() < deadline, "did not recover"
        time.sleep(0.2)
    assert client.get(f"/v1/barcodes/{cold[1]}").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_redis_stopped_the_app_serves_from_memory_logs_once_and_returns_to_redis(demo_url, make_app, redis, caplog, monkeypatch):
    monkeypatch.setattr(fallback_cache, "RETRY_AFTER", 0.3)
    app = make_app(demo_url, CACHE_REDIS_URL=redis.url)
    client = app.test_client()
    gtins = demo_gtins(client, 4)
    assert all(client.get(f"/v1/barcodes/{g}").status_code == 200 for g in gtins)

    redis.stop()
    caplog.set_level(logging.WARNING, logger="api.fallback_cache")
    for _ in range(3):
        for gtin in gtins:
            assert client.get(f"/v1/barcodes/{gtin}").status_code == 200
        assert client.get("/v1/brands?q=tidewren").status_code == 200
    unreachable = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(unreachable) == 1  # logged once, not once per request
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "Redis" in ready.get_json()["errors"]["cache"]

    redis.start()
    time.sleep(0.4)
    # A request that reaches Flask's response cache (repeats are replayed in front of it, api/fast_path.py).
    assert client.get("/v1/brands?q=after-the-outage").status_code == 200
    with app.app_context():
        from api.extensions import cache

        assert cache.cache.using_redis
        assert cache.cache.redis._write_client.dbsize() > 0  # writing to Redis again
    assert client.get("/readyz").status_code == 200
    assert any("Redis is back" in r.getMessage() for r in caplog.records)
