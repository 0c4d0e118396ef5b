"""Evidence visibility: public sources show their URL; documents a company supplied in confidence show
as "company-provided document" with their type and date, never their URL or note."""

import json

import pytest
from sqlmodel import Session, select

from ratings import assessments, catalog, publishing, users
from ratings.db import make_engine, transaction
from ratings.models import Answer
from ratings.public import CONFIDENTIAL_LABEL, public_evidence

SECRET_URL = "https://www.nordvik.example/supplier-portal/confidential-audit.pdf"
SECRET_NOTE = "Audit report handed over under NDA"


def evidence_items(breakdown):
    return [e for category in breakdown for indicator in category["indicators"] for e in indicator["evidence"]]


def test_demo_scorecards_never_show_company_provided_urls_or_notes(demo_client):
    body = demo_client.get("/v1/brands/tidewren").get_json()
    text = json.dumps(body)
    assert "supplier-portal" not in text
    items = evidence_items(body["breakdown"])
    confidential = [e for e in items if e["visibility"] == "confidential"]
    public = [e for e in items if e["visibility"] == "public"]
    assert confidential and public
    assert all(e == {"label": CONFIDENTIAL_LABEL, "source_type": "company", "visibility": "confidential",
                     "date": "2026-02-16", "url": None, "note": None} for e in confidential)
    assert all(e["url"].startswith("https://") and e["label"] is None for e in public)


@pytest.fixture
def published_with_confidential_evidence(writable_demo_url):
    engine = make_engine(writable_demo_url)
    with Session(engine, expire_on_commit=False) as session, transaction(session):
        reviewer, _ = users.create_user(session, email="rev@example.org", role="reviewer")
        _, company_token = users.create_user(session, email="co@example.org", role="company", company="fernhollow-textiles")
        draft = assessments.create_assessment(session, company="fernhollow-textiles", cycle_year=2030)
        assessments.replace_answers(session, draft.id, entries=[
            {"indicator": "POL-1", "value": "yes", "evidence": [
                {"url": SECRET_URL, "source_type": "company", "date": "2026-03-01", "note": SECRET_NOTE},
                {"url": "https://www.nordvik.example/policy.pdf", "source_type": "company", "visibility": "public",
                 "note": "Published policy"},
                {"url": "https://ngo.example/report", "source_type": "third_party", "visibility": "confidential"}]}])
        assessments.submit(session, draft.id)
        publishing.publish(session, draft.id, reviewer=reviewer)
    engine.dispose()
    return writable_demo_url, company_token


def test_the_public_scorecard_and_the_company_portal_apply_the_visibility_rule(published_with_confidential_evidence, app_factory):
    url, company_token = published_with_confidential_evidence
    client = app_factory().test_client()
    engine = make_engine(url)
    with Session(engine) as session:
        slug = session.exec(select(catalog.Brand.slug).join(catalog.Company, catalog.Company.id == catalog.Brand.company_id)
                            .where(catalog.Company.slug == "fernhollow-textiles")).first()
        stored = session.exec(select(Answer.evidence).where(Answer.indicator_id == "POL-1").order_by(Answer.id.desc())).first()
    engine.dispose()
    assert stored[0]["visibility"] == "confidential" and stored[0]["url"] == SECRET_URL  # kept, for analysts
    public = client.get(f"/v1/brands/{slug}").get_json()
    portal = client.get("/v1/portal/scorecard", headers={"Authorization": f"Bearer {company_token}"}).get_json()
    for body in (public, portal):
        text = json.dumps(body)
        assert SECRET_URL not in text and SECRET_NOTE not in text and "ngo.example" not in text
        pol1 = next(i for c in body["breakdown"] for i in c["indicators"] if i["indicator"] == "POL-1")
        assert pol1["evidence"] == [
            {"label": CONFIDENTIAL_LABEL, "source_type": "company", "visibility": "confidential", "date": "2026-03-01",
             "url": None, "note": None},
            {"label": None, "source_type": "company", "visibility": "public", "date": None,
             "url": "https://www.nordvik.example/policy.pdf", "note": "Published policy"},
            {"label": CONFIDENTIAL_LABEL, "source_type": "third_party", "visibility": "confidential", "date": None,
             "url": None, "note": None},
        ]


@pytest.mark.parametrize(("item", "visibility"), [
    ({"url": "https://a.example", "source_type": "company"}, "confidential"),
    ({"url": "https://a.example", "source_type": "public"}, "public"),
    ({"url": "https://a.example", "source_type": "third_party"}, "public"),
])
def test_evidence_stored_before_visibility_existed_follows_its_source_type(item, visibility):
    assert public_evidence(item)["visibility"] == visibility
    assert (public_evidence(item)["url"] is None) == (visibility == "confidential")
