"""GET /v1/barcodes/{code}: the Barcodes contract over HTTP, on SQLite and PostgreSQL."""

import json
import threading

import pytest
import requests
from stdnum import ean
from werkzeug.serving import make_server

from ratings.datafiles import grade_letters


DEMO = json.loads(open("data/demo/catalog.json", encoding="utf-8").read())


def demo_product(length):
    return next(p for p in DEMO["products"] if len(p["gtin"]) == length)


def forms(code):
    gtin14 = code.zfill(14)
    return {code, gtin14, gtin14[1:], " ".join([code[:4], code[4:]]), "-".join([code[:3], code[3:8], code[8:]])}


@pytest.mark.parametrize("length", [13, 12, 8])
def test_every_barcode_form_of_a_demo_product_returns_the_same_body(demo_client, length):
    product = demo_product(length)
    bodies = []
    for printed in forms(product["gtin"]):
        response = demo_client.get(f"/v1/barcodes/{printed}")
        assert response.status_code == 200, printed
        body = response.get_json()
        assert body["barcode"]["input"] == printed
        body.pop("barcode")
        bodies.append(body)
    assert all(body == bodies[0] for body in bodies)
    assert bodies[0]["match"] == "product"
    assert bodies[0]["product"]["gtin"] == product["gtin"].zfill(14)
    assert bodies[0]["brand"]["slug"] == product["brand"]
    rating = bodies[0]["rating"]
    assert {"grade", "score", "scale", "categories", "stages", "methodology", "published_at"} <= set(rating)
    assert bodies[0]["status"] == "rated"


def test_alternatives_are_better_graded_brands_of_the_same_industry_best_first(demo_client):
    product = next(p for p in DEMO["products"] if p["brand"] == "tidewren")
    body = demo_client.get(f"/v1/barcodes/{product['gtin']}").get_json()
    order = grade_letters()
    alternatives = body["alternatives"]
    assert 1 <= len(alternatives) <= 3
    assert all(a["industry"] == "apparel" for a in alternatives)
    ranks = [order.index(a["grade"]) for a in alternatives]
    assert ranks == sorted(ranks) and max(ranks) < order.index(body["rating"]["grade"])


@pytest.mark.parametrize(
    ("code", "company"),
    [("7391234575406", "brightloam-devices-ab"), ("7391234873656", "orrisdale-holdings-ab"), ("071834247060", "tidewren-apparel-co")],
)
def test_unlisted_codes_resolve_by_the_longest_gs1_prefix(demo_client, code, company):
    body = demo_client.get(f"/v1/barcodes/{code}").get_json()
    assert (body["match"], body["product"], body["brand"]) == ("gs1_prefix", None, None)
    assert body["company"]["slug"] == company


@pytest.mark.parametrize(
    ("code", "reason"),
    [("12345", "length"), ("40063813339x1", "non_digit"), ("5907303498519", "check_digit"), ("%F0%9F%8D%AB", "non_digit"),
     ("1" * 300, "length"), ("%00", "non_digit")],
)
def test_malformed_codes_are_400_with_the_reason(demo_client, code, reason):
    response = demo_client.get(f"/v1/barcodes/{code}")
    assert response.status_code == 400
    body = response.get_json()
    assert (body["code"], body["errors"]["reason"]) == ("invalid_barcode", reason)


def test_restricted_codes_are_422(demo_client):
    code = "200123456789"
    code += str(ean.calc_check_digit(code))
    response = demo_client.get(f"/v1/barcodes/{code}")
    assert (response.status_code, response.get_json()["code"]) == (422, "restricted_barcode")


@pytest.mark.parametrize("code", ["5907303498518", "3804927223682", "6293557664359"])
def test_unknown_valid_codes_are_404_with_a_rating_request_link(demo_client, code):
    response = demo_client.get(f"/v1/barcodes/{code}")
    assert response.status_code == 404
    assert response.get_json() == {
        "status": 404, "code": "barcode_not_found",
        "message": f"No product or brand is known for barcode {code.zfill(14)}.",
        "rating_request": {"href": "/v1/rating-requests", "method": "POST", "body": {"gtin": code.zfill(14)}},
    }


def test_a_matching_if_none_match_gets_304_without_a_body(demo_client):
    code = demo_product(13)["gtin"]
    first = demo_client.get(f"/v1/barcodes/{code}")
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    assert "stale-while-revalidate" in first.headers["Cache-Control"]
    second = demo_client.get(f"/v1/barcodes/{code}", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304 and second.get_data() == b""
    other = demo_client.get(f"/v1/barcodes/{code}", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_barcode_lookup_through_a_real_http_server(demo_url, make_app):
    server = make_server("127.0.0.1", 0, make_app(demo_url), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        product = demo_product(12)
        found = requests.get(f"{base}/v1/barcodes/{product['gtin']}", timeout=5)
        assert found.status_code == 200 and found.json()["brand"]["slug"] == product["brand"]
        bad = requests.get(f"{base}/v1/barcodes/not-a-code", timeout=5)
        assert bad.status_code == 400 and bad.headers["Content-Type"].startswith("application/json")
        cached = requests.get(f"{base}/v1/barcodes/{product['gtin']}", headers={"If-None-Match": found.headers["ETag"]}, timeout=5)
        assert cached.status_code == 304
    finally:
        server.shutdown()


def test_304_also_for_a_compressed_response_whose_etag_carries_the_encoding(demo_client):
    code = demo_product(13)["gtin"]
    first = demo_client.get(f"/v1/barcodes/{code}", headers={"Accept-Encoding": "gzip"})
    assert first.headers.get("Content-Encoding") == "gzip" and first.headers["ETag"].endswith(':gzip"')
    again = demo_client.get(f"/v1/barcodes/{code}", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
