"""Four eyes in the services (SQLite and PostgreSQL): no path around a proposal, fuzzy upstream products hidden."""

import pytest
from sqlmodel import select

from ratings import assessments, catalog, changes, export, lookup, proposals, publishing, users
from ratings.db import transaction
from ratings.errors import Conflict, Forbidden
from ratings.models import Brand, Proposal
from ratings.upstream import UpstreamProduct
from tests.factories import STAGES, make_brand


@pytest.fixture
def rated(session):
    """Acme (brand of Acme Textiles) with a published rating, an ungraded Other Co, and people."""
    make_brand(session)
    with transaction(session):
        analyst, _ = users.create_user(session, email="analyst@example.org", role="analyst")
        reviewer, _ = users.create_user(session, email="reviewer@example.org", role="reviewer")
        catalog.create_company(session, name="Other Co")
        catalog.replace_sourcing(session, company="acme-textiles", stages=STAGES,
                                 records=[{"stage": s, "good": "Wool", "country": "GB"} for s in STAGES])
        draft = assessments.create_assessment(session, company="acme-textiles", author=analyst)
        assessments.replace_answers(session, draft.id, entries=[{"indicator": "POL-1", "value": "yes"}], actor=analyst)
        assessments.submit(session, draft.id, actor=analyst)
        rating = publishing.publish(session, draft.id, reviewer=reviewer)
    return {"analyst": analyst, "reviewer": reviewer, "rating": rating}


def test_the_catalog_service_refuses_to_move_a_brand_without_an_approved_proposal(session, rated):
    with pytest.raises(Conflict) as raised, transaction(session):
        catalog.update_brand(session, "acme", changes={"company": "other-co"})
    assert raised.value.code == "owner_change_needs_approval"
    assert session.exec(select(Brand)).one().company_id == rated["rating"].company_id


def test_the_catalog_service_refuses_a_prefix_for_a_graded_company_without_an_approved_proposal(session, rated):
    with pytest.raises(Conflict) as raised, transaction(session):
        catalog.register_gs1_prefix(session, company="acme-textiles", prefix="5012345")
    assert raised.value.code == "prefix_needs_approval"
    with transaction(session):
        row, proposal = proposals.register_gs1_prefix(session, company="acme-textiles", prefix="5012345", actor=rated["analyst"])
    assert row is None and proposal.status == "pending"


def test_an_outdated_brand_move_cannot_be_approved(session, rated):
    with transaction(session):
        catalog.create_company(session, name="Third Co")
        _, first = proposals.update_brand(session, "acme", changes={"company": "other-co"}, actor=rated["analyst"])
    with transaction(session):
        proposals.approve(session, first.id, actor=rated["reviewer"])
        _, back = proposals.update_brand(session, "acme", changes={"company": "third-co"}, actor=rated["analyst"])
    with transaction(session):  # the brand moves on before this older-looking proposal is decided
        catalog.move_brand(session, session.exec(select(Brand)).one(), catalog.get_company(session, "acme-textiles"))
    with pytest.raises(Conflict) as raised, transaction(session):
        proposals.approve(session, back.id, actor=rated["reviewer"])
    assert raised.value.code == "proposal_outdated"
    assert session.get(Proposal, back.id).status == "pending"


def test_a_proposal_appends_no_catalog_version_and_its_approval_does(session, rated):
    version = changes.current_version(session)
    with transaction(session):
        proposal = proposals.propose_withdrawal(session, rated["rating"].id, reason="Retracted", actor=rated["analyst"])
    assert changes.current_version(session) == version
    assert publishing.current_rating(session, rated["rating"].company_id) is not None
    with pytest.raises(Forbidden), transaction(session):
        proposals.approve(session, proposal.id, actor=rated["analyst"])  # the proposer, and an analyst
    with transaction(session):
        proposals.approve(session, proposal.id, actor=rated["reviewer"])
    assert changes.current_version(session) > version
    assert publishing.current_rating(session, rated["rating"].company_id) is None


def test_a_fuzzy_upstream_product_is_stored_for_an_analyst_and_shows_no_grade_online_or_offline(session, rated):
    product = lookup.store_upstream_product(session, UpstreamProduct(gtin="05907303498518", name="Wool hat", brands=("Acme Co",)))
    assert product.source == "upstream_fuzzy"
    found = lookup.lookup_barcode(session, code="5907303498518")
    assert found.brand.slug == "acme" and found.rating is None
    assert not [r for r in export.records(session) if r["type"] == "gtin" and r["gtin"] == "05907303498518"]
    exact = lookup.store_upstream_product(session, UpstreamProduct(gtin="05907303498525", name="Wool scarf", brands=("ACME",)))
    assert exact.source == "upstream"
    assert lookup.lookup_barcode(session, code="5907303498525").rating.id == rated["rating"].id
