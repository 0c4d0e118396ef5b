"""Repeat public lookups answered in front of Flask (api/fast_path.py): byte-identical, current, rate-limited."""

import gzip
import json

import pytest
from sqlmodel import Session

from ratings import catalog
from ratings.db import make_engine, transaction
from tests.support import eventually

DEMO = json.loads(open("data/demo/catalog.json", encoding="utf-8").read())
ENCODINGS = ({}, {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "br"}, {"Accept-Encoding": "gzip, deflate, br"})
LIMIT_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"}
GENEROUS = "1000000 per second"


def answer(response):
    """Status, headers in order (the rate-limit counters' values aside: they count per limiter), body.
    A gzip stream carries the second it was made in; what it holds is compared."""
    headers = [(k, "<counter>" if k in LIMIT_HEADERS else v) for k, v in response.headers]
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = (body[:4], gzip.decompress(body))
    return response.status, headers, body


@pytest.fixture
def fast_and_full(demo_url, make_app, tmp_path):
    fast = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path / "a"))
    full = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path / "b"), FAST_PATH_ENABLED=False)
    return fast, full


def test_replayed_answers_are_byte_identical_to_flasks_for_every_demo_barcode(fast_and_full):
    fast_app, full_app = fast_and_full
    fast, full = fast_app.test_client(), full_app.test_client()
    paths = [f"/v1/barcodes/{p['gtin']}" for p in DEMO["products"]]
    paths += ["/v1/barcodes/05012345678900", "/v1/brands?q=cafe", "/v1/industries", f"/v1/brands/{DEMO['brands'][0]['slug']}"]
    for path in paths:
        for headers in ENCODINGS:
            fast.get(path, headers=headers)  # recorded
            replayed, reference = fast.get(path, headers=headers), full.get(path, headers=headers)
            assert answer(replayed) == answer(reference), path
            assert LIMIT_HEADERS <= set(replayed.headers.keys())
            if replayed.headers.get("ETag"):  # a 304, recorded once, then replayed
                conditional = {**headers, "If-None-Match": replayed.headers["ETag"]}
                fast.get(path, headers=conditional)
                not_modified = fast.get(path, headers=conditional)
                assert not_modified.status_code == 304
                assert answer(not_modified) == answer(full.get(path, headers=conditional))
    assert len(fast_app.wsgi_app.store._entries) >= len(paths)  # the answers really were replayed


def test_a_committed_change_is_served_by_the_fast_path_on_the_next_request(writable_demo_url, make_app, tmp_path):
    client = make_app(writable_demo_url, EXPORT_DIR=str(tmp_path)).test_client()
    product = DEMO["products"][0]
    for _ in range(3):
        client.get(f"/v1/barcodes/{product['gtin']}")
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):  # as the CLI writes: no request, no signal
        catalog.update_brand(session, product["brand"], changes={"name": "Renamed Behind Its Back"})
    engine.dispose()

    def renamed():
        assert client.get(f"/v1/barcodes/{product['gtin']}").get_json()["brand"]["name"] == "Renamed Behind Its Back"

    eventually(renamed)


def test_rate_limits_hold_on_replayed_hits(demo_url, make_app, tmp_path):
    app = make_app(demo_url, RATE_LIMIT_DEFAULT="3 per minute", EXPORT_DIR=str(tmp_path))
    client = app.test_client()
    path = f"/v1/barcodes/{DEMO['products'][0]['gtin']}"
    assert client.get(path).status_code == 200  # through Flask (its limiter counts it), recorded
    other = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = [client.get(path).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # replayed hits, counted on from Flask's answer by the in-process limiter
    limited = client.get(path)
    assert limited.get_json() == {"status": 429, "code": "rate_limited", "message": "3 per 1 minute"}
    assert int(limited.headers["Retry-After"]) > 0 and limited.headers["X-RateLimit-Remaining"] == "0"
    assert client.get(path, environ_base=other).status_code == 200  # per client


def test_clients_the_limiter_has_no_room_for_are_limited_by_flask(demo_url, make_app, tmp_path):
    app = make_app(demo_url, RATE_LIMIT_DEFAULT="3 per minute", EXPORT_DIR=str(tmp_path))
    app.wsgi_app.limiter.max_clients = 0  # as when MAX_CLIENTS clients are live (api/hit_limiter.py)
    client = app.test_client()
    path = f"/v1/barcodes/{DEMO['products'][0]['gtin']}"
    assert [client.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]  # flask-limiter's verdicts
    assert len(app.wsgi_app.store._entries) == 1  # recorded all the same


def test_requests_with_credentials_never_take_the_fast_path(demo_url, make_app, tmp_path):
    app = make_app(demo_url, EXPORT_DIR=str(tmp_path))
    client = app.test_client()
    path = f"/v1/barcodes/{DEMO['products'][0]['gtin']}"
    client.get(path)
    garbage = client.get(path, headers={"Authorization": "Bearer not-a-token"})
    assert garbage.status_code in (200, 401)  # whatever Flask decides, Flask decides it
    assert len(app.wsgi_app.store._entries) == 1
