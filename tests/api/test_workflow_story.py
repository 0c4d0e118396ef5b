"""The whole workflow through HTTP only: catalog, answers, four-eyes publishing, history, portal, replies."""

from sqlmodel import Session

from ratings import catalog, users
from ratings.db import make_engine, transaction


def make_people(url, industry=True):
    """Users (and an industry), through the services, as the CLI would; returns {role: token}."""
    engine = make_engine(url)
    tokens = {}
    with Session(engine) as session, transaction(session):
        if industry:
            catalog.create_industry(session, name="Apparel", slug="apparel")
        for role in ("analyst", "reviewer", "admin"):
            _, tokens[role] = users.create_user(session, email=f"{role}@example.org", role=role)
        _, tokens["second_analyst"] = users.create_user(session, email="analyst2@example.org", role="analyst")
    engine.dispose()
    return tokens


def auth(token):
    return {"Authorization": f"Bearer {token}"}


ANSWERS = [
    {"indicator": "POL-1", "value": "yes", "evidence": [{"url": "https://nordvik.example/policy.pdf", "source_type": "public"}],
     "note": "analyst-only working note"},
    {"indicator": "TT-1", "stage": "raw_materials", "value": 80},
    {"indicator": "TT-1", "stage": "inputs", "value": 40},
]


def test_the_whole_story_through_http(database_url, app_factory):
    tokens = make_people(database_url)
    client = app_factory().test_client()
    analyst, reviewer = auth(tokens["analyst"]), auth(tokens["reviewer"])

    def ok(response, status=200):
        assert response.status_code == status, response.get_json()
        return response

    ok(client.post("/v1/companies", json={"name": "Nordvik & Co", "country": "NO"}, headers=analyst), 201)
    ok(client.post("/v1/brands", json={"name": "Nordvik", "company": "nordvik-co", "industry": "apparel",
                                       "aliases": ["Nordvik and Co"]}, headers=analyst), 201)
    ok(client.patch("/v1/brands/nordvik", json={"aliases": ["Nordvik and Co", "Nordvik Wool"]}, headers=analyst))
    assert ok(client.get("/v1/brands?q=nordvik wool")).get_json()["items"][0]["slug"] == "nordvik"
    product = ok(client.post("/v1/products", json={"gtin": "4006381333931", "name": "Wool sweater", "brand": "nordvik"},
                             headers=analyst), 201).get_json()
    assert product["gtin"] == "04006381333931"
    records = [{"stage": s, "good": "Wool", "country": "NO"} for s in ("raw_materials", "inputs", "final_manufacturing")]
    ok(client.put("/v1/companies/nordvik-co/sourcing", json={"records": records}, headers=analyst))

    before = ok(client.get("/v1/barcodes/4006381333931")).get_json()
    assert before["status"] == "not_rated" and before["rating"] is None

    first = publish_assessment(client, analyst, reviewer, ANSWERS)
    after = ok(client.get("/v1/barcodes/4006381333931")).get_json()
    assert after["rating"]["grade"] == first["grade"] and after["status"] == "rated"

    better = ANSWERS + [{"indicator": "POL-2", "value": "full"}, {"indicator": "TT-1", "stage": "final_manufacturing", "value": 100}]
    second = publish_assessment(client, analyst, reviewer, better, cycle_year=2027)
    assert second["score"] > first["score"]
    scorecard = ok(client.get("/v1/brands/nordvik")).get_json()
    assert [h["id"] for h in scorecard["history"]] == [second["rating"], first["rating"]]
    assert scorecard["rating"]["score"] == second["score"]
    assert "analyst-only working note" not in str(scorecard)

    company_token = company_user(database_url, "nordvik-co")
    portal = ok(client.get("/v1/portal/scorecard", headers=auth(company_token))).get_json()
    assert portal["rating"]["id"] == second["rating"] and portal["roadmap"]["items"]
    assert "analyst-only working note" not in str(portal)
    reply = ok(client.post("/v1/portal/replies", json={"rating": second["rating"], "text": "We are tracing wool farms."},
                           headers=auth(company_token)), 201).get_json()
    assert ok(client.get("/v1/brands/nordvik")).get_json()["reply"] is None  # not until a reviewer accepts
    ok(client.post(f"/v1/replies/{reply['id']}/accept", headers=reviewer))
    assert ok(client.get("/v1/brands/nordvik")).get_json()["reply"]["text"] == "We are tracing wool farms."


def publish_assessment(client, analyst, reviewer, answers, cycle_year=2026):
    created = client.post("/v1/assessments", json={"company": "nordvik-co", "cycle_year": cycle_year}, headers=analyst)
    assert created.status_code == 201, created.get_json()
    assessment_id = created.get_json()["id"]
    written = client.put(f"/v1/assessments/{assessment_id}/answers", json={"answers": answers},
                         headers={**analyst, "If-Match": created.headers["ETag"]})
    assert written.status_code == 200, written.get_json()
    submitted = client.post(f"/v1/assessments/{assessment_id}/submit", headers={**analyst, "If-Match": written.headers["ETag"]})
    assert submitted.status_code == 200, submitted.get_json()
    reviewed = client.get(f"/v1/assessments/{assessment_id}/preview", headers=reviewer)
    preview = reviewed.get_json()
    assert reviewed.headers["ETag"] == submitted.headers["ETag"]
    assert client.post(f"/v1/assessments/{assessment_id}/publish", headers=reviewer).status_code == 428
    # The reviewer publishes exactly the version they saw.
    published = client.post(f"/v1/assessments/{assessment_id}/publish", headers={**reviewer, "If-Match": reviewed.headers["ETag"]})
    assert published.status_code == 201, published.get_json()
    body = published.get_json()
    assert (body["grade"], body["score"]) == (preview["grade"], preview["score"])
    return body


def company_user(url, slug):
    engine = make_engine(url)
    with Session(engine) as session, transaction(session):
        _, token = users.create_user(session, email=f"contact@{slug}.example", role="company", company=slug)
    engine.dispose()
    return token


def test_the_author_publishing_their_own_assessment_gets_403_and_nothing_changes(database_url, app_factory):
    tokens = make_people(database_url)
    client = app_factory().test_client()
    analyst = auth(tokens["analyst"])
    client.post("/v1/companies", json={"name": "Nordvik"}, headers=analyst)
    created = client.post("/v1/assessments", json={"company": "nordvik"}, headers=analyst)
    assessment_id = created.get_json()["id"]
    client.post(f"/v1/assessments/{assessment_id}/submit", headers={**analyst, "If-Match": created.headers["ETag"]})
    # The author, even holding a reviewer token as well, may not publish: four eyes.
    engine = make_engine(database_url)
    with Session(engine) as session, transaction(session):
        from ratings.models import User
        from sqlmodel import select

        author = session.exec(select(User).where(User.email == "analyst@example.org")).one()
        author.role = "reviewer"
    engine.dispose()
    current = client.get(f"/v1/assessments/{assessment_id}", headers=analyst).headers["ETag"]
    response = client.post(f"/v1/assessments/{assessment_id}/publish", headers={**analyst, "If-Match": current})
    assert (response.status_code, response.get_json()["code"]) == (403, "four_eyes")
    status = client.get(f"/v1/assessments/{assessment_id}", headers=auth(tokens["reviewer"])).get_json()["status"]
    assert status == "submitted"


def test_two_writes_with_the_same_if_match_one_wins_one_gets_412(database_url, app_factory):
    tokens = make_people(database_url)
    client = app_factory().test_client()
    analyst = auth(tokens["analyst"])
    client.post("/v1/companies", json={"name": "Nordvik"}, headers=analyst)
    created = client.post("/v1/assessments", json={"company": "nordvik"}, headers=analyst)
    url = f"/v1/assessments/{created.get_json()['id']}/answers"
    etag = created.headers["ETag"]
    first = client.put(url, json={"answers": ANSWERS[:1]}, headers={**analyst, "If-Match": etag})
    second = client.put(url, json={"answers": ANSWERS[1:]}, headers={**auth(tokens["second_analyst"]), "If-Match": etag})
    assert (first.status_code, second.status_code) == (200, 412)
    assert client.put(url, json={"answers": []}, headers=analyst).status_code == 428
    kept = client.get(url.removesuffix("/answers"), headers=analyst).get_json()["answers"]
    assert [a["indicator"] for a in kept] == ["POL-1"]


def test_invalid_answers_are_each_named_and_nothing_is_saved(database_url, app_factory):
    tokens = make_people(database_url)
    client = app_factory().test_client()
    analyst = auth(tokens["analyst"])
    client.post("/v1/companies", json={"name": "Nordvik"}, headers=analyst)
    created = client.post("/v1/assessments", json={"company": "nordvik"}, headers=analyst)
    bad = [{"indicator": "NOPE"}, {"indicator": "POL-1", "stage": "inputs", "value": "yes"}, {"indicator": "TT-1", "stage": "inputs", "value": 101}]
    response = client.put(f"/v1/assessments/{created.get_json()['id']}/answers", json={"answers": bad},
                          headers={**analyst, "If-Match": created.headers["ETag"]})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_answers"
    assert {p["index"] for p in body["errors"]["answers"]} == {0, 1, 2}
    assert client.get(f"/v1/assessments/{created.get_json()['id']}", headers=analyst).get_json()["answers"] == []


def test_bulk_import_over_http_is_all_or_nothing_and_idempotent(database_url, app_factory):
    tokens = make_people(database_url)
    client = app_factory().test_client()
    analyst = auth(tokens["analyst"])
    document = {"companies": [{"slug": "nordvik", "name": "Nordvik"}],
                "brands": [{"slug": "nordvik", "name": "Nordvik", "company": "nordvik", "industry": "apparel"}]}
    first = client.post("/v1/imports", json=document, headers=analyst)
    assert first.status_code == 200 and first.get_json()["counts"]["brands"]["created"] == 1
    again = client.post("/v1/imports", json=document, headers=analyst).get_json()
    assert again["counts"]["brands"] == {"unchanged": 1}
    csv = "gtin,name,brand\n4006381333931,Sweater,nordvik\n4006381333932,Broken,nordvik\n"
    bad = client.post("/v1/imports?kind=products", data=csv, content_type="text/csv", headers=analyst)
    assert bad.status_code == 422
    assert [r["where"] for r in bad.get_json()["errors"]["rows"]] == ["line 3"]
    assert client.get("/v1/barcodes/4006381333931").status_code == 404  # nothing written
    good = client.post("/v1/imports?kind=products", data=csv.splitlines(True)[0] + csv.splitlines(True)[1],
                       content_type="text/csv", headers=analyst)
    assert good.status_code == 200
    assert client.get("/v1/barcodes/4006381333931").get_json()["brand"]["slug"] == "nordvik"
    assert client.post("/v1/imports", data="{nope", content_type="application/json", headers=analyst).status_code == 400
