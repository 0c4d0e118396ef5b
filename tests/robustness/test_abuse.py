"""Abuse: oversized and hostile input gets a clear 4xx, never a 500; headers and limits hold."""

import pytest
from sqlmodel import Session

from ratings import users
from ratings.db import make_engine, transaction


@pytest.fixture
def analyst_token(demo_url):
    engine = make_engine(demo_url)
    with Session(engine) as session, transaction(session):
        _, token = users.create_user(session, email=f"abuse-{id(session)}@example.org", role="analyst")
    engine.dispose()
    return token


PROBES = [
    "/v1/brands/' OR '1'='1",
    "/v1/brands/%27%3B%20DROP%20TABLE%20brand%3B--",
    "/v1/companies/..%2F..%2Fetc%2Fpasswd",
    "/v1/companies/../../etc/passwd",
    "/v1/brands/%ff%fe%fd",
    "/v1/brands/" + "a" * 10_000,
    "/v1/barcodes/" + "9" * 10_000,
    "/v1/barcodes/%ff%fe",
    "/v1/barcodes/1%00",
    "/v1/brands?q=" + "x" * 10_000,
    "/v1/brands?page_size=1000000",
    "/v1/brands?page=-1",
    "/v1/brands?grade_min=%00",
    "/v1/industries/%2e%2e",
    "/v1/changes?since=1e999",
    "/v1/methodologies/..%2Fmethodologies%2Ff2w-2026",
]


@pytest.mark.parametrize("path", PROBES)
def test_hostile_paths_and_queries_get_a_4xx_json_error(demo_client, path):
    response = demo_client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    body = response.get_json()
    assert {"status", "code", "message"} <= set(body)


@pytest.mark.parametrize("query", ["x' OR 1=1; DROP TABLE brand; --", "' UNION SELECT token_hash FROM apitoken --", "%FF%FE"])
def test_search_injection_is_just_text_that_finds_nothing(demo_client, query):
    body = demo_client.get("/v1/brands", query_string={"q": query}).get_json()
    assert body["total"] == 0  # a search box must accept apostrophes: it answers, it does not execute
    assert demo_client.get("/v1/brands?page_size=1").get_json()["total"] >= 30


def test_oversized_bodies_are_413(demo_url, make_app, analyst_token):
    client = make_app(demo_url, MAX_BODY_BYTES=10_000).test_client()
    response = client.post("/v1/companies", data="x" * 20_000, content_type="application/json",
                           headers={"Authorization": f"Bearer {analyst_token}"})
    assert (response.status_code, response.get_json()["code"]) == (413, "payload_too_large")


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_400(demo_client, analyst_token, depth):
    response = demo_client.post("/v1/companies", data="[" * depth + "]" * depth, content_type="application/json",
                                headers={"Authorization": f"Bearer {analyst_token}"})
    assert response.status_code == 400 and "nests deeper" in response.get_json()["message"]


@pytest.mark.parametrize("body", [b"\xff\xfe\x00", b"{", b'{"name": "x"', b"null"])
def test_malformed_json_is_a_4xx(demo_client, analyst_token, body):
    response = demo_client.post("/v1/companies", data=body, content_type="application/json",
                                headers={"Authorization": f"Bearer {analyst_token}"})
    assert response.status_code in (400, 422)


def test_repeated_bad_tokens_are_rate_limited(demo_url, make_app):
    client = make_app(demo_url, AUTH_FAILURE_LIMIT="5 per minute").test_client()
    statuses = [client.get("/v1/portal/scorecard", headers={"Authorization": f"Bearer guess-{n}"}).status_code for n in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_security_headers_on_every_response(demo_client):
    for path in ("/healthz", "/v1/brands", "/v1/no-such-thing", "/v1/barcodes/123"):
        headers = demo_client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert "Access-Control-Allow-Origin" not in headers  # no CORS unless configured


def test_cors_only_where_configured(demo_url, make_app):
    client = make_app(demo_url, CORS_ORIGINS=["https://app.example"]).test_client()
    allowed = client.get("/v1/industries", headers={"Origin": "https://app.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    other = client.get("/v1/industries", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
