"""The company research page's data: scope, sourcing per stage with risk-list matches, history."""

import pytest
from sqlmodel import select

from ratings import demo, publishing, research, users
from ratings.db import transaction
from ratings.errors import Forbidden
from ratings.models import Company


@pytest.fixture
def loaded(session):
    with transaction(session):
        demo.load_demo(session)
        demo.load_demo_users(session)
    return session


def test_a_company_user_sees_only_its_own_company(loaded):
    company_user = users.get_user(loaded, email="company@demo.example")
    assert research.company_research(loaded, viewer=company_user, slug="tidewren-apparel-co")["company"]["name"]
    with pytest.raises(Forbidden):
        research.company_research(loaded, viewer=company_user, slug="fernhollow-textiles")
    analyst = users.get_user(loaded, email="analyst@demo.example")
    assert research.company_research(loaded, viewer=analyst, slug="fernhollow-textiles")


def test_sourcing_shows_each_stage_with_its_risk_list_matches_and_the_scale(loaded):
    analyst = users.get_user(loaded, email="analyst@demo.example")
    page = research.company_research(loaded, viewer=analyst, slug="tidewren-apparel-co")
    stages = {s["id"]: s for s in page["sourcing"]["stages"]}
    cotton = {r["country"]: r["risk"] for r in stages["raw_materials"]["records"]}
    assert cotton["TM"]["forced_labor"] is True and cotton["US"] is None
    assert page["sourcing"]["scale"] == "high_risk" and any("Turkmenistan" in r for r in page["sourcing"]["reasons"])


def test_the_history_marks_current_superseded_and_withdrawn_ratings(loaded):
    tidewren = loaded.exec(select(Company).where(Company.slug == "tidewren-apparel-co")).one()
    history = publishing.rating_history(loaded, tidewren.id)
    with transaction(loaded):
        publishing.withdraw(loaded, history[0].id, reason="Test withdrawal", actor=None)
    analyst = users.get_user(loaded, email="analyst@demo.example")
    shown = research.company_research(loaded, viewer=analyst, slug="tidewren-apparel-co")["history"]
    assert shown[0]["status"] == "withdrawn" and shown[0]["withdrawn"]["reason"] == "Test withdrawal"
    if len(shown) > 1:
        assert shown[1]["status"] == "current" and all(h["status"] == "superseded" for h in shown[2:])
