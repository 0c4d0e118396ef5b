"""Empty changes are no changes: a PATCH that changes nothing writes no audit event and no catalog version."""

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from ratings import users
from ratings.db import make_engine, transaction
from ratings.models import AuditEvent, Brand, CatalogChange, Company


@pytest.fixture
def writer(writable_demo_url, app_factory):
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        _, token = users.create_user(session, email="patcher@example.org", role="analyst")
    engine.dispose()
    client = app_factory().test_client()
    return client, {"Authorization": f"Bearer {token}", "If-Match": "*"}, writable_demo_url


def counts(url):
    engine = make_engine(url)
    with Session(engine) as session:
        found = (session.exec(select(func.count()).select_from(AuditEvent)).one(),
                 session.exec(select(func.count()).select_from(CatalogChange)).one(),
                 [c.updated_at for c in session.exec(select(Company).order_by(Company.id))],
                 [b.updated_at for b in session.exec(select(Brand).order_by(Brand.id))])
    engine.dispose()
    return found


def test_patching_a_company_with_its_own_values_or_nothing_writes_nothing(writer):
    client, auth, url = writer
    current = client.get("/v1/companies/tidewren-apparel-co").get_json()
    before = counts(url)
    for body in ({}, {"name": current["name"]}, {"name": f"  {current['name']} "}, {"country": current["country"].lower()},
                 {"website": current["website"], "parent": current["parent"]["slug"]}):
        response = client.patch("/v1/companies/tidewren-apparel-co", json=body, headers=auth)
        assert response.status_code == 200, response.get_json()
    assert counts(url) == before
    assert client.patch("/v1/companies/tidewren-apparel-co", json={"name": "Tidewren Renamed"}, headers=auth).status_code == 200
    after = counts(url)
    assert after[0] == before[0] + 1 and after[1] > before[1]  # a real change: one audit event, a new catalog version


def test_patching_a_brand_with_its_own_values_or_nothing_writes_nothing(writer):
    client, auth, url = writer
    brand = client.get("/v1/brands/tidewren").get_json()["brand"]
    before = counts(url)
    for body in ({}, {"name": brand["name"]}, {"aliases": brand["aliases"]}, {"industry": brand["industry"]},
                 {"company": brand["company"]["slug"]}, {"aliases": [*brand["aliases"], *brand["aliases"]]}):
        response = client.patch("/v1/brands/tidewren", json=body, headers=auth)
        assert response.status_code == 200, response.get_json()
    assert counts(url) == before
    assert client.patch("/v1/brands/tidewren", json={"aliases": ["Tide Wren"]}, headers=auth).status_code == 200
    after = counts(url)
    assert after[0] == before[0] + 1 and after[1] > before[1]
