"""Every authenticated route against no token, a revoked token, every role, and another company's user."""

import pytest
from sqlmodel import Session, select

from ratings import users
from ratings.db import make_engine, transaction
from ratings.models import PublishedRating

ROLES = ("analyst", "reviewer", "admin", "company")

# (method, path, body, roles allowed). Bodies are valid enough to pass validation where that matters.
ROUTES = [
    ("POST", "/v1/companies", {"name": "Matrix Co"}, {"analyst"}),
    ("PATCH", "/v1/companies/tidewren-apparel-co", {"website": "https://tw.example"}, {"analyst"}),
    ("POST", "/v1/brands", {"name": "Matrix", "company": "tidewren-apparel-co"}, {"analyst"}),
    ("PATCH", "/v1/brands/tidewren", {"aliases": ["Tide Wren", "TW"]}, {"analyst"}),
    ("POST", "/v1/products", {"gtin": "96385074", "name": "Thing", "brand": "tidewren"}, {"analyst"}),
    ("DELETE", "/v1/products/96385074", None, {"analyst"}),
    ("POST", "/v1/products/96385074/confirm", {}, {"analyst"}),
    ("POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "963850"}, {"analyst"}),
    ("PUT", "/v1/companies/tidewren-apparel-co/sourcing", {"records": []}, {"analyst"}),
    ("POST", "/v1/assessments", {"company": "tidewren-apparel-co"}, {"analyst"}),
    ("GET", "/v1/assessments", None, {"analyst", "reviewer"}),
    ("GET", "/v1/assessments/1", None, {"analyst", "reviewer"}),
    ("PUT", "/v1/assessments/1/answers", {"answers": []}, {"analyst"}),
    ("PUT", "/v1/assessments/1/answers/POL-1", {"value": None}, {"analyst"}),
    ("PUT", "/v1/assessments/1/answers/POL-3/inputs", {"value": None}, {"analyst"}),
    ("GET", "/v1/assessments/1/preview", None, {"analyst", "reviewer"}),
    ("POST", "/v1/assessments/1/submit", None, {"analyst"}),
    ("POST", "/v1/assessments/1/return", {"comment": "More evidence"}, {"reviewer"}),
    ("POST", "/v1/assessments/1/publish", None, {"reviewer"}),
    ("POST", "/v1/ratings/1/withdraw", {"reason": "Test"}, {"admin"}),
    ("GET", "/v1/proposals?status=pending", None, {"reviewer", "admin"}),
    ("GET", "/v1/proposals/1", None, {"reviewer", "admin"}),
    ("POST", "/v1/proposals/1/approve", None, {"reviewer", "admin"}),
    ("POST", "/v1/proposals/1/reject", {"reason": "Not this one"}, {"reviewer", "admin"}),
    ("GET", "/v1/portal/scorecard", None, {"company"}),
    ("POST", "/v1/portal/replies", {"rating": 1, "text": "Hello"}, {"company"}),
    ("GET", "/v1/replies?status=pending", None, {"reviewer"}),
    ("POST", "/v1/replies/1/accept", None, {"reviewer"}),
    ("POST", "/v1/replies/1/reject", {"reason": "No source"}, {"reviewer"}),
    ("POST", "/v1/imports", {"industries": [{"slug": "toys", "name": "Toys"}]}, {"analyst"}),
    ("GET", "/v1/rating-requests", None, {"analyst", "reviewer", "admin"}),
]


@pytest.fixture
def matrix(writable_demo_url, app_factory):
    engine = make_engine(writable_demo_url)
    tokens = {}
    with Session(engine) as session, transaction(session):
        for role in ROLES:
            company = "tidewren-apparel-co" if role == "company" else None
            _, tokens[role] = users.create_user(session, email=f"{role}@example.org", role=role, company=company)
        _, tokens["other_company"] = users.create_user(
            session, email="other@example.org", role="company", company="fernhollow-textiles"
        )
        _, tokens["revoked"] = users.create_user(session, email="gone@example.org", role="analyst")
        users.revoke_tokens(session, email="gone@example.org")
    engine.dispose()
    return app_factory().test_client(), tokens


def call(client, method, path, body, token=None):
    headers = {"If-Match": "*"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.open(path, method=method, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_every_route_checks_token_and_role(matrix, method, path, body, allowed):
    client, tokens = matrix
    anonymous = call(client, method, path, body)
    revoked = call(client, method, path, body, tokens["revoked"])
    garbage = call(client, method, path, body, "not-a-real-token")
    assert anonymous.status_code == revoked.status_code == garbage.status_code == 401
    assert anonymous.get_json() == revoked.get_json() == garbage.get_json()  # unknown and revoked look alike
    for role in ROLES:
        response = call(client, method, path, body, tokens[role])
        if role in allowed:
            assert response.status_code not in (401, 403) or response.get_json()["code"] == "four_eyes", (role, response.get_json())
        else:
            assert (response.status_code, response.get_json()["code"]) == (403, "forbidden_role"), role


def test_a_company_user_sees_only_its_own_company(matrix):
    client, tokens = matrix
    own = call(client, "GET", "/v1/portal/scorecard", None, tokens["company"]).get_json()
    other = call(client, "GET", "/v1/portal/scorecard", None, tokens["other_company"]).get_json()
    assert own["company"]["slug"] == "tidewren-apparel-co"
    assert other["company"]["slug"] == "fernhollow-textiles"
    assert "tidewren" not in str(other)


def test_a_company_cannot_reply_to_another_companys_rating_whatever_id_it_tries(matrix, writable_demo_url, app_factory):
    _, tokens = matrix
    client = app_factory(RATE_LIMITS_ENABLED=False).test_client()  # one request per demo rating, in a burst
    engine = make_engine(writable_demo_url)
    with Session(engine) as session:
        ratings = session.exec(select(PublishedRating)).all()
        mine = {r.id for r in ratings if r.company_id == ratings[0].company_id}
    engine.dispose()
    own_company = call(client, "GET", "/v1/portal/scorecard", None, tokens["company"]).get_json()["history"]
    own_ids = {h["id"] for h in own_company}
    for rating_id in [r.id for r in ratings] + [0, 10_000]:
        response = call(client, "POST", "/v1/portal/replies", {"rating": rating_id, "text": "Ours?"}, tokens["company"])
        if rating_id in own_ids:
            assert response.status_code == 201
        else:
            assert (response.status_code, response.get_json()["code"]) == (404, "rating_not_found")
    assert mine  # the demo has ratings of several companies


def test_company_users_never_see_drafts_or_assessments(matrix):
    client, tokens = matrix
    for path in ("/v1/assessments/1", "/v1/assessments/1/preview"):
        assert call(client, "GET", path, None, tokens["company"]).status_code == 403
