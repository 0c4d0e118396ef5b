"""Every rating in a public response is explained: named categories and stages, cycle year, staleness and
an explanation whose sentences agree with the rating's own numbers (issue 13, points 3-5)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from sqlmodel import Session, select

from ratings import datafiles
from ratings.db import make_engine
from ratings.models import Assessment, PublishedRating
from ratings.public import rating_dict
from tests.scoring.builders import DATA

CATALOG = json.loads((DATA / "demo" / "catalog.json").read_text(encoding="utf-8"))


def ratings_in(body) -> list[dict]:
    """Every value under a "rating" key, anywhere in a response body."""
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "rating" and isinstance(value, dict):
                found.append(value)
            found.extend(ratings_in(value))
    elif isinstance(body, list):
        for value in body:
            found.extend(ratings_in(value))
    return found


def public_responses(client) -> dict[str, list]:
    """The bodies of every barcode, brand, company, industry and search response over the demo catalog."""
    bodies: dict[str, list] = {"barcode": [], "brand": [], "company": [], "industry": [], "search": []}
    for product in CATALOG["products"]:
        response = client.get(f"/v1/barcodes/{product['gtin']}")
        assert response.status_code == 200, response.get_json()
        bodies["barcode"].append(response.get_json())
    page = 1
    while True:
        body = client.get(f"/v1/brands?page={page}&page_size=100").get_json()
        bodies["search"].append(body)
        if page * 100 >= body["total"]:
            break
        page += 1
    for query in ("a", "tide", "cafe"):
        bodies["search"].append(client.get("/v1/brands", query_string={"q": query}).get_json())
    for brand in CATALOG["brands"]:
        bodies["brand"].append(client.get(f"/v1/brands/{brand['slug']}").get_json())
    for company in CATALOG["companies"]:
        bodies["company"].append(client.get(f"/v1/companies/{company['slug']}").get_json())
    for industry in client.get("/v1/industries").get_json()["items"]:
        bodies["industry"].append(client.get(f"/v1/industries/{industry['slug']}").get_json())
    return bodies


def test_every_public_rating_is_named_dated_and_explained(demo_url, make_app):
    demo_client = make_app(demo_url, RATE_LIMITS_ENABLED=False).test_client()  # some 300 requests in a row
    methodology = demo_client.get("/v1/methodologies/f2w-2026").get_json()
    category_order = [c["id"] for c in methodology["categories"]]
    category_names = {c["id"]: c["name"] for c in methodology["categories"]}
    stage_names = {s["id"]: s["name"] for s in methodology["stages"]}
    engine = make_engine(demo_url)
    with Session(engine) as session:
        roadmaps = {r.id: r.result["roadmap"] for r in session.exec(select(PublishedRating))}
        cycles = {r.id: a.cycle_year for r, a in session.exec(
            select(PublishedRating, Assessment).join(Assessment, Assessment.id == PublishedRating.assessment_id))}
    engine.dispose()

    bodies = public_responses(demo_client)
    seen = {kind: 0 for kind in bodies}
    for kind, responses in bodies.items():
        for rating in (r for body in responses for r in ratings_in(body)):
            seen[kind] += 1
            # named categories and stages
            assert rating["categories"] and rating["stages"]
            for cid, category in rating["categories"].items():
                assert category == {"id": cid, "name": category_names[cid], "score": category["score"],
                                    "grade": category["grade"]}
            for sid, stage in rating["stages"].items():
                assert stage == {"id": sid, "name": stage_names[sid], "score": stage["score"]}
            # dates
            assert rating["cycle_year"] == cycles[rating["id"]]
            # the demo's ratings have fixed dates: they turn stale as the calendar passes their stale_after
            assert rating["stale"] is (date.fromisoformat(rating["stale_after"]) <= datetime.now(timezone.utc).date())
            assert rating["evidence_cutoff"] is None or rating["evidence_cutoff"] < rating["published_at"][:10]
            # the explanation
            explanation = rating["explanation"]
            assert explanation["language"] == "en" and explanation["summary"] and len(explanation["text"]) >= 5
            scored = [(cid, rating["categories"][cid]["score"]) for cid in category_order
                      if rating["categories"].get(cid, {}).get("score") is not None]
            lowest = min(score for _, score in scored)
            weakest = next(cid for cid, score in scored if score == lowest)
            assert explanation["weakest"]["id"] == weakest
            assert category_names[weakest] in explanation["weakest"]["text"]
            assert explanation["weakest"]["text"] in explanation["text"]
            assert len(explanation["most_missed"]) == 3
            roadmap = roadmaps[rating["id"]]
            if roadmap["next_grade"] is not None:
                steps = explanation["next_grade"]["steps"]
                assert [s["points"] for s in steps] == [item["gain"] for item in roadmap["to_next_grade"]]
                assert [s["indicator"] for s in steps] == [item["indicator"] for item in roadmap["to_next_grade"]]
                assert explanation["next_grade"]["grade"] == roadmap["next_grade"]
    assert seen["barcode"] and seen["brand"] and seen["company"], seen


def test_a_rating_explains_the_same_on_every_read(demo_client):
    first = demo_client.get("/v1/companies/brindlecourt-group-plc").get_json()["rating"]["explanation"]
    again = demo_client.get("/v1/companies/brindlecourt-group-plc").get_json()["rating"]["explanation"]
    assert first == again
    assert any("Supplier names only" in sentence for sentence in first["text"])  # option labels, not codes
    assert all("names_only" not in sentence for sentence in first["text"])


def test_stale_is_decided_by_the_day_of_the_answer(demo_url):
    engine = make_engine(demo_url)
    months = datafiles.methodology("f2w-2026").stale_after_months
    with Session(engine) as session:
        rating = session.exec(select(PublishedRating)).first()
        session.expunge(rating)  # a published rating is immutable: change only a detached copy
        rating.published_at = datetime(2024, 1, 31, 12, 0, tzinfo=timezone.utc)
        fresh = rating_dict(rating, today=date(2024 + months // 12, 1, 30))
        stale = rating_dict(rating, today=date(2024 + months // 12, 1, 31))
    engine.dispose()
    assert months == 24
    assert fresh["stale"] is False and stale["stale"] is True
    assert fresh["stale_after"] == date(2026, 1, 31)


def test_openapi_describes_the_explained_rating(demo_client):
    spec = demo_client.get("/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    rating = next(s for name, s in schemas.items() if name.startswith("Rating") and "explanation" in s.get("properties", {}))
    for field in ("cycle_year", "stale", "stale_after", "explanation"):
        assert field in rating["properties"]
    category = next(s for name, s in schemas.items() if name.startswith("CategoryScore"))
    assert {"id", "name", "score", "grade"} <= set(category["properties"])
    assert any(name.startswith("Explanation") for name in schemas)


def test_cached_responses_turn_stale_on_the_day_the_rating_does(demo_client, monkeypatch):
    import api.caching
    import ratings.public

    path = "/v1/companies/brindlecourt-group-plc"
    assert demo_client.get(path).get_json()["rating"]["stale"] is False  # now cached for today
    later = datetime(2040, 1, 1, tzinfo=timezone.utc)
    monkeypatch.setattr(ratings.public, "utcnow", lambda: later)
    assert demo_client.get(path).get_json()["rating"]["stale"] is False  # same day key: the cached answer
    monkeypatch.setattr(api.caching, "utcnow", lambda: later)
    rating = demo_client.get(path).get_json()["rating"]
    assert rating["stale"] is True and rating["stale_after"] < "2040-01-01"


def test_the_offline_bundle_carries_the_public_rating_summary(demo_url, make_app, tmp_path):
    import gzip

    client = make_app(demo_url, EXPORT_DIR=str(tmp_path / "exports")).test_client()
    lines = [json.loads(line) for line in gzip.decompress(client.get("/v1/export").get_data()).splitlines()]
    companies = {r["slug"]: r for r in lines[1:] if r["type"] == "company"}
    rated = [slug for slug, r in companies.items() if r["rating"] is not None]
    assert rated
    for slug in rated:
        public = client.get(f"/v1/companies/{slug}").get_json()["rating"]
        offline = companies[slug]["rating"]
        # Everything but `stale`, which depends on the day the bundle is read: apps compare `stale_after`.
        assert "stale" not in offline
        for field in ("id", "grade", "score", "scale", "categories", "stages", "methodology", "cycle_year",
                      "stale_after", "explanation"):
            assert offline[field] == public[field], field
        assert datetime.fromisoformat(offline["published_at"]) == datetime.fromisoformat(public["published_at"])
    brand = next(r for r in lines[1:] if r["type"] == "brand" and r["company"] == rated[0])
    assert brand["rating"] == companies[rated[0]]["rating"]
