"""Repeat public lookups answered in front of Flask (api/fast_path.py): byte-identical, current, rate-limited."""

import gzip
import logging
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


# --- first lookups of known products, built in front of Flask -----------------------------------------------

class FlaskCalls:
    """How many requests reached Flask behind the fast path."""

    def __init__(self, fast_path):
        self.count = 0
        inner = fast_path.wsgi_app

        def counted(environ, start_response):
            self.count += 1
            return inner(environ, start_response)

        fast_path.wsgi_app = counted


@pytest.mark.parametrize("origin", [None, "https://app.example"])
def test_first_lookups_built_in_front_of_flask_are_byte_identical_to_flasks(demo_url, make_app, tmp_path, origin):
    cors = {"CORS_ORIGINS": ["https://app.example"]}
    fast_app = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path / "a"), **cors)
    full_app = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path / "b"), FAST_PATH_ENABLED=False, **cors)
    fast, full = fast_app.test_client(), full_app.test_client()
    calls = FlaskCalls(fast_app.wsgi_app)
    codes = [p["gtin"] for p in DEMO["products"]]
    # what is Flask's to answer: unknown, wrong check digit, other forms of a known code, a query string
    others = ["05012345678900", "5091997966734", "509-1997-966733", " 5091997966733", "5091997966733?x=1"]
    for headers in ENCODINGS:
        headers = {**headers, **({"Origin": origin} if origin else {})}
        for code in [*codes, *others]:
            built, reference = fast.get(f"/v1/barcodes/{code}", headers=headers), full.get(f"/v1/barcodes/{code}", headers=headers)
            assert answer(built) == answer(reference), code
    # Flask answered the first known product per set of request headers (how it sends them is learned from it)
    # and the others; every other known product was built in front of it
    assert calls.count == len(ENCODINGS) * (1 + len(others))


def test_a_conditional_first_request_is_flasks(demo_url, make_app, tmp_path):
    app = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path))
    client, calls = app.test_client(), FlaskCalls(app.wsgi_app)
    first, second = DEMO["products"][0]["gtin"], DEMO["products"][1]["gtin"]
    client.get(f"/v1/barcodes/{first}")
    etag = app.test_client().get(f"/v1/barcodes/{second}").headers["ETag"]  # built in front of Flask
    assert calls.count == 1
    app.wsgi_app.store._entries.clear()
    assert client.get(f"/v1/barcodes/{second}", headers={"If-None-Match": etag}).status_code == 304
    assert calls.count == 2


def test_rate_limits_hold_on_lookups_built_in_front_of_flask(demo_url, make_app, tmp_path):
    app = make_app(demo_url, RATE_LIMIT_DEFAULT="3 per minute", EXPORT_DIR=str(tmp_path))
    client, calls = app.test_client(), FlaskCalls(app.wsgi_app)
    paths = [f"/v1/barcodes/{p['gtin']}" for p in DEMO["products"][:5]]
    statuses = [client.get(path).status_code for path in paths]
    assert statuses == [200, 200, 200, 429, 429]  # each a different product: counted on from Flask's first answer
    assert calls.count == 1
    limited = client.get(paths[0])
    assert limited.get_json() == {"status": 429, "code": "rate_limited", "message": "3 per 1 minute"}
    assert client.get(paths[4], environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200  # per client


def test_a_first_lookup_built_in_front_of_flask_serves_a_committed_change(writable_demo_url, make_app, tmp_path):
    client = make_app(writable_demo_url, EXPORT_DIR=str(tmp_path)).test_client()
    brand = DEMO["products"][0]["brand"]
    first, *others = [p["gtin"] for p in DEMO["products"] if p["brand"] == brand]
    client.get(f"/v1/barcodes/{first}")  # how Flask sends them is learned
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):  # as the CLI writes: no request, no signal
        catalog.update_brand(session, brand, changes={"name": "Renamed Behind Its Back"})
    engine.dispose()
    pending = iter(others * 50)

    def renamed():
        assert client.get(f"/v1/barcodes/{next(pending)}").get_json()["brand"]["name"] == "Renamed Behind Its Back"

    eventually(renamed)


def test_a_failure_building_in_front_of_flask_is_answered_by_flask(demo_url, make_app, tmp_path, caplog):
    app = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path))
    client, calls = app.test_client(), FlaskCalls(app.wsgi_app)
    client.get(f"/v1/barcodes/{DEMO['products'][0]['gtin']}")
    route = app.wsgi_app.routes["barcodes.Barcode"]

    def broken(code):
        raise RuntimeError("the read model's connection broke")

    app.wsgi_app.routes["barcodes.Barcode"] = type(route)(route.endpoint, route.argument, broken)
    response = client.get(f"/v1/barcodes/{DEMO['products'][1]['gtin']}")
    assert response.status_code == 200 and response.get_json()["barcode"]["input"] == DEMO["products"][1]["gtin"]
    assert calls.count == 2
    assert "built in front of Flask failed" in caplog.text


def test_a_database_outage_met_building_in_front_of_flask_is_flasks_503_without_a_traceback(
        demo_url, make_app, tmp_path, caplog, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from api.public import barcodes

    app = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path))
    client, calls = app.test_client(), FlaskCalls(app.wsgi_app)
    client.get(f"/v1/barcodes/{DEMO['products'][0]['gtin']}")

    def database_down(*_args):
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(barcodes, "read_model_body", database_down)  # for the front route and the view alike
    response = client.get(f"/v1/barcodes/{DEMO['products'][1]['gtin']}")
    assert response.status_code == 503 and response.get_json()["code"] == "database_unavailable"
    assert calls.count == 2  # tried in front, then answered by Flask
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_request_headers_learned_are_bounded(demo_url, make_app, tmp_path, monkeypatch):
    from api import fast_path

    monkeypatch.setattr(fast_path, "MAX_TEMPLATES", 3)
    app = make_app(demo_url, RATE_LIMIT_DEFAULT=GENEROUS, EXPORT_DIR=str(tmp_path))
    client, calls = app.test_client(), FlaskCalls(app.wsgi_app)
    first, second = DEMO["products"][0]["gtin"], DEMO["products"][1]["gtin"]
    for n in range(10):  # a client inventing Accept-Encoding values
        client.get(f"/v1/barcodes/{first}", headers={"Accept-Encoding": f"gzip;q=0.{n}"})
    assert len(app.wsgi_app.templates) == 3
    assert client.get(f"/v1/barcodes/{second}", headers={"Accept-Encoding": "gzip;q=0.9"}).status_code == 200
    assert calls.count == 11  # not learned: Flask answers it
