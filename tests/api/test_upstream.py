"""Unknown barcodes fall back to the upstream product database, tested against a real local HTTP server."""

import time

import pytest
from stdnum import ean
from werkzeug import Response

from ratings.upstream import USER_AGENT

UNKNOWN = "5907303498518"  # valid, under no registered prefix, not a demo product (data/demo/README.md)


def off_body(brands, name="Dark chocolate 70%"):
    return {"status": 1, "code": UNKNOWN, "product": {"brands": brands, "product_name": name}}


@pytest.fixture
def upstream_app(writable_demo_url, make_app, httpserver):
    return make_app(writable_demo_url, UPSTREAM_PRODUCT_URL=httpserver.url_for("/api/v2/product/{gtin}.json"))


def path(code=UNKNOWN):
    return f"/api/v2/product/{code.zfill(14)}.json"


def test_a_known_brand_upstream_is_stored_and_the_next_lookup_is_local(upstream_app, httpserver):
    httpserver.expect_oneshot_request(path(), headers={"User-Agent": USER_AGENT}).respond_with_json(
        off_body("Fernhollow, Someone Else")
    )
    client = upstream_app.test_client()
    first = client.get(f"/v1/barcodes/{UNKNOWN}").get_json()
    assert first["match"] == "upstream"
    assert first["product"] == {"gtin": UNKNOWN.zfill(14), "name": "Dark chocolate 70%", "source": "upstream"}
    assert first["brand"]["slug"] == "fernhollow"
    second = client.get(f"/v1/barcodes/{UNKNOWN}").get_json()
    assert second["match"] == "product" and second["product"]["source"] == "upstream"
    assert len(httpserver.log) == 1  # the second lookup never left the building


def test_a_fuzzy_upstream_brand_match_answers_not_rated_and_waits_for_an_analyst(upstream_app, httpserver):
    httpserver.expect_oneshot_request(path()).respond_with_json(off_body("Cafe Solvan"))  # a typo: a guess, not a match
    client = upstream_app.test_client()
    for _ in range(2):  # the upstream answer, then the stored product: neither shows a grade
        body = client.get(f"/v1/barcodes/{UNKNOWN}").get_json()
        assert body["brand"]["slug"] == "cafe-solvane"
        assert (body["status"], body["rating"], body["brand"]["grade"]) == ("not_rated", None, None)
        assert body["product"]["source"] == "upstream_fuzzy"
    assert len(httpserver.log) == 1


def test_an_analyst_confirming_a_fuzzy_upstream_match_makes_it_show_the_grade(upstream_app, httpserver, writable_demo_url):
    from sqlmodel import Session

    from ratings import users
    from ratings.db import make_engine, transaction

    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        _, token = users.create_user(session, email="analyst@example.org", role="analyst")
    engine.dispose()
    analyst = {"Authorization": f"Bearer {token}"}
    httpserver.expect_oneshot_request(path()).respond_with_json(off_body("Cafe Solvan"))
    client = upstream_app.test_client()
    assert client.get(f"/v1/barcodes/{UNKNOWN}").get_json()["rating"] is None
    confirmed = client.post(f"/v1/products/{UNKNOWN}/confirm", json={}, headers=analyst)
    assert confirmed.status_code == 200 and confirmed.get_json()["source"] == "upstream"
    again = client.post(f"/v1/products/{UNKNOWN}/confirm", json={}, headers=analyst)
    assert (again.status_code, again.get_json()["code"]) == (409, "not_awaiting_confirmation")
    body = client.get(f"/v1/barcodes/{UNKNOWN}").get_json()
    assert body["status"] == "rated" and body["brand"]["slug"] == "cafe-solvane"


def test_an_upstream_brand_exact_on_an_alias_shows_the_grade(upstream_app, httpserver):
    httpserver.expect_oneshot_request(path()).respond_with_json(off_body("tide wren"))  # an alias, any case
    body = upstream_app.test_client().get(f"/v1/barcodes/{UNKNOWN}").get_json()
    assert body["brand"]["slug"] == "tidewren" and body["product"]["source"] == "upstream"
    assert body["status"] == "rated" and body["rating"]["grade"]


@pytest.mark.parametrize(
    "answer",
    [
        Response('{"status": 0, "status_verbose": "product not found"}', status=404, content_type="application/json"),
        Response('{"status": 0, "status_verbose": "product not found"}', status=200, content_type="application/json"),
    ],
)
def test_not_found_upstream_is_404_and_remembered(upstream_app, httpserver, answer):
    httpserver.expect_request(path()).respond_with_response(answer)
    client = upstream_app.test_client()
    for _ in range(3):
        response = client.get(f"/v1/barcodes/{UNKNOWN}")
        assert (response.status_code, response.get_json()["code"]) == (404, "barcode_not_found")
    assert len(httpserver.log) == 1


def test_an_unknown_brand_upstream_is_404_and_not_stored(upstream_app, httpserver):
    httpserver.expect_request(path()).respond_with_json(off_body("Totally Unknown Brand Inc"))
    client = upstream_app.test_client()
    assert client.get(f"/v1/barcodes/{UNKNOWN}").status_code == 404
    assert client.get(f"/v1/barcodes/{UNKNOWN}").status_code == 404
    assert len(httpserver.log) == 1


def test_a_slow_upstream_times_out_and_the_lookup_still_answers_quickly(upstream_app, httpserver):
    def slow(_request):
        time.sleep(2.3)  # past the 2 s read timeout
        return Response("{}", content_type="application/json")

    httpserver.expect_request(path()).respond_with_handler(slow)
    started = time.monotonic()
    response = upstream_app.test_client().get(f"/v1/barcodes/{UNKNOWN}")
    elapsed = time.monotonic() - started
    assert response.status_code == 404
    assert elapsed < 2.5


def test_malformed_json_upstream_is_a_404_not_a_500(upstream_app, httpserver):
    httpserver.expect_request(path()).respond_with_data("{not json", content_type="application/json")
    response = upstream_app.test_client().get(f"/v1/barcodes/{UNKNOWN}")
    assert (response.status_code, response.get_json()["code"]) == (404, "barcode_not_found")


def test_repeated_failures_open_the_breaker_which_closes_later(upstream_app, httpserver):
    codes = []
    for n in range(8):
        body = f"59073034985{n:02d}"[:12]
        codes.append(body + str(ean.calc_check_digit(body)))
    for code in codes:
        httpserver.expect_request(path(code)).respond_with_data("oops", status=500)
    client = upstream_app.test_client()
    for code in codes[:5]:  # five failing lookups (each tried twice: one retry)
        assert client.get(f"/v1/barcodes/{code}").status_code == 404
    calls = len(httpserver.log)
    assert calls == 10
    assert client.get(f"/v1/barcodes/{codes[5]}").status_code == 404
    assert len(httpserver.log) == calls  # open: upstream skipped
    breaker = upstream_app.extensions["upstream_products"].breaker
    breaker.reset_timeout = 0.2  # instead of 60 s of waiting
    time.sleep(0.3)
    httpserver.clear()
    httpserver.expect_request(path(codes[6])).respond_with_json(off_body("Fernhollow"))
    assert client.get(f"/v1/barcodes/{codes[6]}").get_json()["match"] == "upstream"  # half-open, then closed
    assert breaker.current_state == "closed"
