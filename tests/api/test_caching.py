"""Caching is never stale: a change through one app instance is served by another on its next request."""

import json

from sqlmodel import Session

from api.caching import bump_generation
from ratings import catalog
from ratings.db import make_engine, transaction

DEMO = json.loads(open("data/demo/catalog.json", encoding="utf-8").read())
PRODUCT = DEMO["products"][0]


def rename_brand(url, slug, name):
    engine = make_engine(url)
    with Session(engine) as session, transaction(session):
        catalog.update_brand(session, slug, changes={"name": name})
    engine.dispose()


def test_a_change_through_instance_a_is_served_by_instance_b_next(writable_demo_url, make_app, redis_url):
    a = make_app(writable_demo_url, CACHE_REDIS_URL=redis_url)
    b = make_app(writable_demo_url, CACHE_REDIS_URL=redis_url)
    a_client, b_client = a.test_client(), b.test_client()
    before = b_client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()
    assert b_client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json() == before  # now cached in Redis
    rename_brand(writable_demo_url, PRODUCT["brand"], "Renamed Brand")
    with a.app_context():
        bump_generation()  # what every write through instance A does after it commits
    after = b_client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()
    assert after["brand"]["name"] == "Renamed Brand" != before["brand"]["name"]
    search = a_client.get("/v1/brands", query_string={"q": "Renamed Brand"}).get_json()
    assert search["items"][0]["slug"] == PRODUCT["brand"]


def test_without_a_bump_the_cached_response_is_served(writable_demo_url, make_app):
    app = make_app(writable_demo_url)
    client = app.test_client()
    before = client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()
    rename_brand(writable_demo_url, PRODUCT["brand"], "Renamed Brand")
    assert client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json() == before  # the cache is really used
    with app.app_context():
        bump_generation()
    assert client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()["brand"]["name"] == "Renamed Brand"


def test_rate_limits_answer_429_in_the_error_contract(demo_url, make_app):
    client = make_app(demo_url, RATE_LIMIT_DEFAULT="3 per minute").test_client()
    statuses = [client.get("/v1/industries").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/v1/industries")
    assert limited.get_json()["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200  # probes are never limited


def test_rate_limits_are_shared_through_redis(demo_url, make_app, redis_url):
    a = make_app(demo_url, CACHE_REDIS_URL=redis_url, RATE_LIMIT_DEFAULT="2 per minute").test_client()
    b = make_app(demo_url, CACHE_REDIS_URL=redis_url, RATE_LIMIT_DEFAULT="2 per minute").test_client()
    assert [a.get("/v1/industries").status_code, b.get("/v1/industries").status_code] == [200, 200]
    assert b.get("/v1/industries").status_code == 429
