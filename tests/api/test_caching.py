"""Caching is never stale: a change through one app instance is served by another on its next request."""

import json

from sqlalchemy import text
from sqlmodel import Session

from ratings import assessments, catalog, changes
from ratings.db import make_engine, transaction
from tests.support import eventually

DEMO = json.loads(open("data/demo/catalog.json", encoding="utf-8").read())
PRODUCT = DEMO["products"][0]


def rename_brand(url, slug, name):
    engine = make_engine(url)
    with Session(engine) as session, transaction(session):
        catalog.update_brand(session, slug, changes={"name": name})
    engine.dispose()


def test_a_change_by_any_writer_is_served_by_every_instance_next(writable_demo_url, make_app, redis_url):
    """The write goes straight to the database (as the CLI does): no instance is told, the change log is the signal."""
    a = make_app(writable_demo_url, CACHE_REDIS_URL=redis_url)
    b = make_app(writable_demo_url, CACHE_REDIS_URL=redis_url)
    a_client, b_client = a.test_client(), b.test_client()
    before = b_client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()
    assert b_client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json() == before  # now recorded by b's fast path
    a_client.get("/v1/brands", query_string={"q": "Renamed Brand"})  # a's search index is built
    rename_brand(writable_demo_url, PRODUCT["brand"], "Renamed Brand")

    def served_everywhere():
        after = b_client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()
        assert after["brand"]["name"] == "Renamed Brand" != before["brand"]["name"]
        search = a_client.get("/v1/brands", query_string={"q": "Renamed Brand"}).get_json()
        assert search["items"][0]["slug"] == PRODUCT["brand"]
        assert search["items"][0]["name"] == "Renamed Brand"  # the summary the index holds is as new as the index

    eventually(served_everywhere)


def test_a_cached_response_is_served_until_the_catalog_version_moves(writable_demo_url, make_app):
    app = make_app(writable_demo_url)
    client = app.test_client()
    first = client.get(f"/v1/barcodes/{PRODUCT['gtin']}")
    engine = make_engine(writable_demo_url)
    with engine.begin() as connection:  # behind the change log's back: only a cache would still answer "before"
        connection.execute(text("UPDATE brand SET name = 'Sneaky' WHERE slug = :slug"), {"slug": PRODUCT["brand"]})
    engine.dispose()
    assert client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json() == first.get_json()  # the cache is really used
    rename_brand(writable_demo_url, PRODUCT["brand"], "Renamed Brand")  # a logged change moves the version
    eventually(lambda: _assert_equal(client.get(f"/v1/barcodes/{PRODUCT['gtin']}").get_json()["brand"]["name"], "Renamed Brand"))


def test_an_unknown_barcode_cached_as_404_resolves_once_the_product_is_added(writable_demo_url, make_app):
    client = make_app(writable_demo_url).test_client()
    gtin = "05012345678900"
    assert client.get(f"/v1/barcodes/{gtin}").status_code == 404
    assert client.get(f"/v1/barcodes/{gtin}").status_code == 404  # served from the negative cache
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        catalog.create_product(session, gtin=gtin, name="New jumper", brand=PRODUCT["brand"])
    engine.dispose()

    def resolved():
        found = client.get(f"/v1/barcodes/{gtin}")
        assert found.status_code == 200 and found.get_json()["product"]["name"] == "New jumper"

    eventually(resolved)


def test_drafts_and_audit_rows_do_not_move_the_catalog_version(writable_demo_url):
    engine = make_engine(writable_demo_url)
    with Session(engine) as session:
        before = changes.current_version(session)
        with transaction(session):
            assessments.create_assessment(session, company=DEMO["companies"][0]["slug"], cycle_year=2030)
        assert changes.current_version(session) == before
    engine.dispose()


def _assert_equal(actual, expected):
    assert actual == expected


def test_rate_limits_answer_429_in_the_error_contract(demo_url, make_app):
    client = make_app(demo_url, RATE_LIMIT_DEFAULT="3 per minute").test_client()
    statuses = [client.get("/v1/industries").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/v1/industries")
    assert limited.get_json()["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200  # probes are never limited


def test_rate_limits_are_shared_through_redis(demo_url, make_app, redis_url):
    """Requests that reach Flask share Redis's counters; replayed cache hits are limited per worker (api/fast_path.py)."""
    a = make_app(demo_url, CACHE_REDIS_URL=redis_url, RATE_LIMIT_DEFAULT="2 per minute").test_client()
    b = make_app(demo_url, CACHE_REDIS_URL=redis_url, RATE_LIMIT_DEFAULT="2 per minute").test_client()
    assert [a.get("/v1/brands?q=a").status_code, b.get("/v1/brands?q=b").status_code] == [200, 200]
    assert b.get("/v1/brands?q=c").status_code == 429
