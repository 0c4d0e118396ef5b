"""Rating requests (issue 13, point 8): anonymous, counted once per client per target per day, ranked by demand
for analysts, rate-limited, and no client address kept (only a hash under a salt of the day)."""

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from api.public.rating_requests import daily_salt
from ratings import changes, rating_requests, users
from ratings.db import make_engine, transaction
from ratings.imports import rows_from_json, run_import
from ratings.models import RatingRequest, RatingRequestGtin, RatingRequestHit

UNKNOWN = "5907303498518"  # under no prefix, no product (data/demo/README.md)
UNDER_PREFIX = "7391234873656"  # orrisdale-holdings-ab's prefix, not a product
JUMPER = "5091997966733"  # a Brindlecourt product
ADDRESSES = ("203.0.113.7", "198.51.100.23", "192.0.2.200")


def ask(client, body, address=ADDRESSES[0]):
    return client.post("/v1/rating-requests", json=body, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def demo(writable_demo_url, app_factory):
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        _, token = users.create_user(session, email="analyst@example.org", role="analyst")
    yield app_factory().test_client(), engine, {"Authorization": f"Bearer {token}"}
    engine.dispose()


def listed(client, headers, **query):
    response = client.get("/v1/rating-requests", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_client_counts_once_per_target_per_day(demo):
    client, _, headers = demo
    first, again = ask(client, {"gtin": UNKNOWN}), ask(client, {"gtin": f" {UNKNOWN[:4]}-{UNKNOWN[4:]} "})
    assert (first.status_code, first.get_json()) == (202, {"target": {"type": "gtin", "key": UNKNOWN.zfill(14)}, "counted": True})
    assert (again.status_code, again.get_json()["counted"]) == (202, False)
    assert listed(client, headers)["items"][0]["count"] == 1
    assert ask(client, {"gtin": UNKNOWN}, ADDRESSES[1]).get_json()["counted"] is True
    # A different X-Forwarded-For is not a different client (no trusted proxy is configured).
    spoofed = client.post("/v1/rating-requests", json={"gtin": UNKNOWN}, headers={"X-Forwarded-For": "10.9.9.9"},
                          environ_base={"REMOTE_ADDR": ADDRESSES[0]})
    assert spoofed.get_json()["counted"] is False
    item = listed(client, headers)["items"][0]
    assert item["count"] == 2 and item["barcodes"] == [{"gtin": UNKNOWN.zfill(14), "count": 2}]
    assert item["first_requested_at"] <= item["last_requested_at"]


def test_barcodes_count_for_what_they_identify_and_are_listed_with_it(demo):
    client, _, headers = demo
    assert ask(client, {"gtin": JUMPER}).get_json()["target"] == {"type": "brand", "key": "brindlecourt"}
    assert ask(client, {"gtin": UNDER_PREFIX}).get_json()["target"] == {"type": "company", "key": "orrisdale-holdings-ab"}
    assert ask(client, {"brand": "brindlecourt"}).get_json()["counted"] is False  # the same target, the same day
    items = {(i["target"]["type"], i["target"]["key"]): i for i in listed(client, headers)["items"]}
    assert items[("brand", "brindlecourt")]["barcodes"] == [{"gtin": JUMPER.zfill(14), "count": 1}]
    assert items[("brand", "brindlecourt")]["company"]["slug"] == "brindlecourt-group-plc"
    assert items[("company", "orrisdale-holdings-ab")]["barcodes"][0]["gtin"] == UNDER_PREFIX.zfill(14)


def test_analysts_see_requests_ranked_by_demand(demo):
    client, _, headers = demo
    for n, address in enumerate(ADDRESSES):
        ask(client, {"brand": "tidewren"}, address)
        if n < 2:
            ask(client, {"company": "fernhollow-textiles"}, address)
        if n < 1:
            ask(client, {"gtin": UNKNOWN}, address)
    page = listed(client, headers)
    assert [(i["target"]["key"], i["count"]) for i in page["items"]] == [
        ("tidewren", 3), ("fernhollow-textiles", 2), (UNKNOWN.zfill(14), 1)]
    assert page["total"] == 3
    assert [i["target"]["key"] for i in listed(client, headers, type="company")["items"]] == ["fernhollow-textiles"]
    assert listed(client, headers, page=2, page_size=2)["items"][0]["count"] == 1


def test_rating_requests_are_rate_limited_per_client(writable_demo_url, app_factory):
    client = app_factory(RATING_REQUEST_LIMIT="3 per minute").test_client()
    answers = [ask(client, {"brand": slug}).status_code for slug in ("tidewren", "fernhollow", "quorvex", "lumenhart")]
    assert answers == [202, 202, 202, 429]
    refused = ask(client, {"brand": "hartwatt"})
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert ask(client, {"brand": "hartwatt"}, ADDRESSES[1]).status_code == 202  # another client is not limited


def test_no_client_address_is_stored(demo):
    client, engine, _ = demo
    for address in ADDRESSES:
        ask(client, {"gtin": UNKNOWN}, address)
        ask(client, {"brand": "tidewren"}, address)
    with Session(engine) as session:
        rows = [*session.exec(select(RatingRequest)), *session.exec(select(RatingRequestGtin)),
                *session.exec(select(RatingRequestHit))]
    stored = " ".join(repr(row.model_dump()) for row in rows)
    hashes = [row.client_hash for row in rows if isinstance(row, RatingRequestHit)]
    assert len(hashes) == 6 and len(set(hashes)) == 3
    for address in ADDRESSES:
        assert address not in stored
        # Not a plain hash either: that could be reversed by hashing every address.
        assert hashlib.sha256(address.encode()).hexdigest() not in stored
        assert hashlib.md5(address.encode()).hexdigest() not in stored


def test_rating_requests_never_move_the_catalog_version(demo):
    client, engine, _ = demo
    with Session(engine) as session:
        before = changes.current_version(session)
    cached = client.get(f"/v1/barcodes/{UNKNOWN}")
    for address in ADDRESSES:
        assert ask(client, {"gtin": UNKNOWN}, address).status_code == 202
    with Session(engine) as session:
        assert changes.current_version(session) == before
    assert client.get(f"/v1/barcodes/{UNKNOWN}", headers={"If-None-Match": cached.headers.get("ETag") or ""}).status_code == 404


def test_the_salt_is_one_per_day_and_another_the_next_day(app):
    now = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
    with app.app_context():
        today = daily_salt(now)
        assert daily_salt(now.replace(hour=0)) == today
        assert daily_salt(now + timedelta(minutes=2)) != today
    assert rating_requests.client_hash(ADDRESSES[0], today) != rating_requests.client_hash(ADDRESSES[0], "other salt")


def test_a_request_must_name_exactly_one_known_target(demo):
    client, _, _ = demo
    for body in ({}, {"gtin": UNKNOWN, "brand": "tidewren"}, {"gtin": None}):
        response = ask(client, body)
        assert response.status_code == 422, body
    assert ask(client, {"brand": "no-such-brand"}).get_json()["code"] == "brand_not_found"
    assert (ask(client, {"gtin": "123"}).status_code, ask(client, {"gtin": "123"}).get_json()["code"]) == (400, "invalid_barcode")


def test_unknown_barcodes_and_unrated_brands_link_to_a_rating_request(demo):
    client, engine, _ = demo
    missing = client.get(f"/v1/barcodes/{UNKNOWN}").get_json()
    assert missing["code"] == "barcode_not_found"
    assert missing["rating_request"] == {"href": "/v1/rating-requests", "method": "POST", "body": {"gtin": UNKNOWN.zfill(14)}}
    with Session(engine) as session, transaction(session):
        run_import(session, rows_from_json({
            "companies": [{"slug": "unrated-co", "name": "Unrated Co", "gs1_prefixes": ["6290001"]}],
            "brands": [{"slug": "unrated", "name": "Unrated", "company": "unrated-co", "industry": "apparel",
                        "category": "knitwear"}],
            "products": [{"gtin": "6290001000015", "name": "Wool jumper", "brand": "unrated", "category": "knitwear"}],
        }))
    product = client.get("/v1/barcodes/6290001000015").get_json()
    assert (product["status"], product["rating"], product["brand"]["slug"]) == ("not_rated", None, "unrated")
    assert product["rating_request"]["body"] == {"gtin": "06290001000015"}
    assert product["alternatives"][0]["reason"] == "A- vs not rated in apparel, knitwear"
    prefix_only = client.get("/v1/barcodes/6290001000022").get_json()
    assert (prefix_only["match"], prefix_only["company"]["slug"], prefix_only["rating"]) == ("gs1_prefix", "unrated-co", None)
    assert prefix_only["rating_request"]["body"] == {"gtin": "06290001000022"}
    scorecard = client.get("/v1/brands/unrated").get_json()
    assert scorecard["rating_request"]["body"] == {"brand": "unrated"}
    assert client.get("/v1/companies/unrated-co").get_json()["rating_request"]["body"] == {"company": "unrated-co"}
    rated = client.get(f"/v1/barcodes/{JUMPER}").get_json()
    assert rated["rating"] is not None and rated["rating_request"] is None


def test_counting_starts_again_the_next_day_and_old_hashes_are_deleted(session):
    from ratings import catalog

    with transaction(session):
        catalog.create_industry(session, name="Apparel")
        catalog.create_company(session, name="Acme", country="GB")
    day_one = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    day_two = day_one + timedelta(days=1)
    for now, client in ((day_one, "hash-a"), (day_one, "hash-a"), (day_one, "hash-b"), (day_two, "hash-a")):
        with transaction(session):
            rating_requests.request_rating(session, client=client, company="acme", now=now)
    request = session.exec(select(RatingRequest)).one()
    session.refresh(request)
    assert request.count == 3
    assert (request.first_requested_at, request.last_requested_at) == (day_one, day_two)
    assert [h.day for h in session.exec(select(RatingRequestHit))] == [day_two.date()]
