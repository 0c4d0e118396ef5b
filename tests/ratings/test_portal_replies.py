"""Replies and the audit log's filters, as services: a reply names indicators of its rating's methodology
and evidence links; a reviewer accepts it or rejects it with a reason; the audit log filters by actor,
entity, action and dates."""

from datetime import timedelta

import pytest
from sqlmodel import select

from ratings import audit, demo, portal, users
from ratings.db import transaction
from ratings.errors import Conflict, Forbidden, Invalid, NotFound
from ratings.models import Company, PublishedRating
from ratings.types import utcnow


@pytest.fixture
def loaded(session):
    with transaction(session):
        demo.load_demo(session)
        demo.load_demo_users(session)
    return session


def tidewren_rating(session) -> int:
    company = session.exec(select(Company).where(Company.slug == "tidewren-apparel-co")).one()
    return session.exec(select(PublishedRating.id).where(PublishedRating.company_id == company.id)).first()


def test_a_reply_keeps_its_indicators_in_methodology_order_and_its_links(loaded):
    company_user = users.get_user(loaded, email="company@demo.example")
    with transaction(loaded):
        reply = portal.create_reply(loaded, user=company_user, rating_id=tidewren_rating(loaded), text="See our list.",
                                    indicators=["POL-2", "POL-1", "POL-2"], evidence=[" https://example.org/list ", ""])
    assert portal.reply_dict(reply)["indicators"] == ["POL-1", "POL-2"]
    assert reply.evidence == ["https://example.org/list"] and reply.status == "pending"
    for bad in ({"indicators": ["NOPE-1"]}, {"evidence": ["ftp://example.org/x"]}, {"evidence": ["https://e.org"] * 21}):
        with pytest.raises(Invalid):
            portal.create_reply(loaded, user=company_user, rating_id=tidewren_rating(loaded), text="x", **bad)


def test_a_reviewer_rejects_a_reply_with_a_reason_once(loaded):
    company_user = users.get_user(loaded, email="company@demo.example")
    reviewer = users.get_user(loaded, email="reviewer@demo.example")
    with transaction(loaded):
        reply = portal.create_reply(loaded, user=company_user, rating_id=tidewren_rating(loaded), text="Hello.")
    with pytest.raises(Invalid):
        portal.reject_reply(loaded, reply.id, reviewer=reviewer, reason="  ")
    with pytest.raises(Forbidden):
        portal.reject_reply(loaded, reply.id, reviewer=company_user, reason="Mine.")
    with transaction(loaded):
        portal.reject_reply(loaded, reply.id, reviewer=reviewer, reason=" No source. ")
    card = portal.scorecard(loaded, user=company_user)
    assert card["replies"][0]["status"] == "rejected" and card["replies"][0]["reason"] == "No source."
    with pytest.raises(Conflict):
        portal.accept_reply(loaded, reply.id, reviewer=reviewer)
    with pytest.raises(NotFound):
        portal.reject_reply(loaded, 999_999, reviewer=reviewer, reason="Gone.")


def test_the_portal_refuses_another_companys_slug(loaded):
    company_user = users.get_user(loaded, email="company@demo.example")
    assert portal.scorecard(loaded, user=company_user, company="tidewren-apparel-co")["company"]["slug"] == "tidewren-apparel-co"
    with pytest.raises(Forbidden):
        portal.scorecard(loaded, user=company_user, company="fernhollow-textiles")
    with pytest.raises(NotFound):
        portal.scorecard(loaded, user=company_user, company="no-such-company")


def test_the_audit_log_filters_by_actor_entity_action_and_dates(loaded):
    company_user = users.get_user(loaded, email="company@demo.example")
    with transaction(loaded):
        reply = portal.create_reply(loaded, user=company_user, rating_id=tidewren_rating(loaded), text="Hello.")
    mine = audit.list_events(loaded, actor="company@demo.example")
    assert [e["action"] for e in mine["items"]] == ["reply.create"] and mine["items"][0]["entity"] == f"CompanyResponse:{reply.id}"
    assert audit.list_events(loaded, entity=f"CompanyResponse:{reply.id}")["total"] == 1
    assert audit.list_events(loaded, action="reply.")["total"] == 1
    assert audit.list_events(loaded, action="reply")["total"] == 0  # exact unless it ends with a dot
    assert audit.list_events(loaded, actor="nobody@example.org")["total"] == 0
    assert audit.list_events(loaded, actor="system")["total"] > 0  # the demo load has no actor
    today = utcnow().date()
    assert audit.list_events(loaded, since=today.isoformat(), until=today)["total"] == audit.list_events(loaded)["total"]
    assert audit.list_events(loaded, until=today - timedelta(days=1))["total"] == 0
    for bad in ({"since": "yesterday"}, {"since": today, "until": today - timedelta(days=1)}):
        with pytest.raises(Invalid):
            audit.list_events(loaded, **bad)
