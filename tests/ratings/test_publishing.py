"""Assessments through to immutable published ratings, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from ratings import assessments, catalog, publishing, users
from ratings.db import transaction
from ratings.errors import Conflict, Forbidden, Invalid, Stale
from ratings.models import Answer, PublishedRating
from tests.factories import make_brand


@pytest.fixture
def people(session):
    with transaction(session):
        analyst, _ = users.create_user(session, email="analyst@example.org", role="analyst")
        reviewer, _ = users.create_user(session, email="reviewer@example.org", role="reviewer")
    return analyst, reviewer


@pytest.fixture
def draft(session, people):
    make_brand(session)
    stages = ("raw_materials", "inputs", "final_manufacturing")
    records = [{"stage": s, "good": "Cotton", "country": "US"} for s in stages]
    with transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", records=records, stages=stages)
        return assessments.create_assessment(session, company="acme-textiles", cycle_year=2026, author=people[0])


def test_bad_answers_are_each_named_and_nothing_is_saved(session, draft, people):
    entries = [
        {"indicator": "POL-1", "value": "yes"},
        {"indicator": "NOPE-9", "value": "yes"},
        {"indicator": "POL-1", "stage": "inputs", "value": "yes"},
        {"indicator": "TT-1", "stage": "inputs", "value": 140},
    ]
    with pytest.raises(Invalid) as raised, transaction(session):
        assessments.replace_answers(session, draft.id, entries=entries, actor=people[0])
    problems = raised.value.errors["answers"]
    assert {p["index"] for p in problems} >= {1, 3}
    assert session.exec(select(func.count()).select_from(Answer)).one() == 0


def test_author_cannot_publish_own_assessment(session, draft, people):
    analyst, _ = people
    with transaction(session):
        assessments.replace_answers(session, draft.id, entries=[{"indicator": "POL-1", "value": "yes"}], actor=analyst)
        assessments.submit(session, draft.id, actor=analyst)
    with pytest.raises(Forbidden) as raised, transaction(session):
        publishing.publish(session, draft.id, reviewer=analyst)
    assert raised.value.code == "four_eyes"
    assert session.exec(select(func.count()).select_from(PublishedRating)).one() == 0
    assert assessments.get_assessment(session, draft.id).status == "submitted"


def test_publishing_stores_the_engines_result_and_the_rating_is_immutable(session, draft, people):
    analyst, reviewer = people
    with transaction(session):
        assessments.replace_answers(session, draft.id, entries=[{"indicator": "POL-1", "value": "yes"}], actor=analyst)
        assessments.submit(session, draft.id, actor=analyst)
        rating = publishing.publish(session, draft.id, reviewer=reviewer)
    expected = assessments.preview(session, draft.id)
    assert (rating.score, rating.grade, rating.scale, rating.inputs_hash) == (
        expected.score, expected.grade, expected.scale, expected.inputs_hash,
    )
    assert publishing.current_rating(session, rating.company_id).id == rating.id
    rating.grade = "A+"
    with pytest.raises(Conflict):
        session.commit()
    session.rollback()
    with pytest.raises(Conflict):
        session.delete(session.get(PublishedRating, rating.id))
        session.commit()
    session.rollback()
    assert session.get(PublishedRating, rating.id).grade == expected.grade


def test_only_a_submitted_assessment_can_be_published(session, draft, people):
    with pytest.raises(Conflict), transaction(session):
        publishing.publish(session, draft.id, reviewer=people[1])


def test_a_stale_version_is_refused(session, draft, people):
    with transaction(session):
        assessments.replace_answers(session, draft.id, entries=[], expected_version=draft.version, actor=people[0])
    with pytest.raises(Stale), transaction(session):
        assessments.replace_answers(session, draft.id, entries=[], expected_version=1, actor=people[0])


def test_withdrawn_rating_leaves_lookups_and_stays_in_history(session, draft, people):
    analyst, reviewer = people
    with transaction(session):
        assessments.submit(session, draft.id, actor=analyst)
        rating = publishing.publish(session, draft.id, reviewer=reviewer)
        publishing.withdraw(session, rating.id, reason="Evidence retracted", actor=reviewer)
    assert publishing.current_rating(session, rating.company_id) is None
    assert [r.id for r in publishing.rating_history(session, rating.company_id)] == [rating.id]


def test_not_applicable_is_refused_at_a_stage_the_company_does_not_disclose(session, draft, people):
    analyst, reviewer = people
    records = [{"stage": "raw_materials", "good": "Cotton", "country": "US"}, {"stage": "inputs", "disclosed": False},
               {"stage": "final_manufacturing", "good": "Garments", "country": "US"}]
    with transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", records=records,
                                 stages=("raw_materials", "inputs", "final_manufacturing"))
    with pytest.raises(Invalid) as raised, transaction(session):
        assessments.replace_answers(session, draft.id, entries=[{"indicator": "TT-1", "stage": "inputs", "value": "na"}], actor=analyst)
    assert raised.value.errors["answers"][0]["stage"] == "inputs"
    with transaction(session):  # a disclosed stage may be not applicable
        assessments.replace_answers(session, draft.id, entries=[{"indicator": "TT-1", "stage": "raw_materials", "value": "na"}], actor=analyst)
        assessments.submit(session, draft.id, actor=analyst)
    hidden = [{**r, "disclosed": False} if r["stage"] == "raw_materials" else r for r in records]
    with transaction(session):  # the company hides the stage after the answers were written, before submission
        assessments.return_to_draft(session, draft.id, comment="Sourcing changed", actor=reviewer)
        catalog.replace_sourcing(session, company="acme-textiles", records=hidden,
                                 stages=("raw_materials", "inputs", "final_manufacturing"))
        assessments.submit(session, draft.id, actor=analyst)
    with pytest.raises(Invalid), transaction(session):
        publishing.publish(session, draft.id, reviewer=reviewer)
