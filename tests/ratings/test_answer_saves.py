"""One answer at a time (ratings/answer_saves.py), "Start from last cycle" and completeness, on SQLite and PostgreSQL."""

import pytest

from ratings import answer_saves, assessments, catalog, cycles, publishing, users
from ratings.db import transaction
from ratings.errors import Conflict, Invalid, NotFound, Stale
from scoring.completeness import completeness
from tests.factories import make_brand

EVIDENCE = [{"url": "https://acme.example/policy.pdf", "source_type": "public", "visibility": "public"}]


@pytest.fixture
def people(session):
    with transaction(session):
        analyst, _ = users.create_user(session, email="analyst@example.org", role="analyst")
        second, _ = users.create_user(session, email="analyst2@example.org", role="analyst")
        reviewer, _ = users.create_user(session, email="reviewer@example.org", role="reviewer")
    return analyst, second, reviewer


@pytest.fixture
def draft(session, people):
    make_brand(session)
    stages = ("raw_materials", "inputs", "final_manufacturing")
    with transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", stages=stages,
                                 records=[{"stage": s, "good": "Cotton", "country": "US"} for s in stages])
        return assessments.create_assessment(session, company="acme-textiles", cycle_year=2026, author=people[0])


def save(session, draft, actor, **kwargs):
    with transaction(session):
        return answer_saves.save_answer(session, draft.id, actor=actor, **kwargs)


def test_each_save_moves_the_answer_version_and_the_assessment_version(session, draft, people):
    before = draft.version
    _, row = save(session, draft, people[0], indicator="POL-1", stage=None, value="yes", evidence=EVIDENCE, expected_version=0)
    assert row.version == 1 and draft.version == before + 1
    _, row = save(session, draft, people[0], indicator="POL-1", stage=None, value="no", expected_version=1)
    assert row.version == 2 and row.evidence == [] and draft.version == before + 2


def test_a_save_from_an_older_read_is_a_conflict_carrying_the_stored_answer(session, draft, people):
    save(session, draft, people[0], indicator="POL-3", stage="inputs", value="yes", evidence=EVIDENCE, expected_version=0)
    with pytest.raises(Stale) as raised:
        save(session, draft, people[1], indicator="POL-3", stage="inputs", value="no", expected_version=0)
    assert raised.value.code == "answer_conflict"
    assert raised.value.errors["current"]["value"] == "yes" and raised.value.errors["current"]["version"] == 1
    assert answer_saves.answer_row(session, draft.id, "POL-3", "inputs").value == "yes"


def test_the_same_rules_as_a_full_replace_apply_to_one_answer(session, draft, people):
    with pytest.raises(Invalid) as raised:
        save(session, draft, people[0], indicator="POL-1", stage=None, value="maybe")
    assert raised.value.errors["answers"][0]["indicator"] == "POL-1"
    with pytest.raises(Invalid):
        save(session, draft, people[0], indicator="POL-1", stage="inputs", value="yes")  # POL-1 is not staged


def test_clearing_an_answer_makes_the_slot_unanswered(session, draft, people):
    save(session, draft, people[0], indicator="POL-1", stage=None, value="yes")
    _, row = save(session, draft, people[0], indicator="POL-1", stage=None, value=None, expected_version=1)
    assert row is None and answer_saves.answer_row(session, draft.id, "POL-1", None) is None


def test_a_full_replace_moves_per_answer_versions_on(session, draft, people):
    save(session, draft, people[0], indicator="POL-1", stage=None, value="yes")
    with transaction(session):
        assessments.replace_answers(session, draft.id, entries=[{"indicator": "POL-1", "value": "no"}], actor=people[0])
    assert answer_saves.answer_row(session, draft.id, "POL-1", None).version == 2
    with pytest.raises(Stale):
        save(session, draft, people[1], indicator="POL-1", stage=None, value="partial", expected_version=1)


def test_only_a_draft_takes_answers(session, draft, people):
    with transaction(session):
        assessments.submit(session, draft.id, actor=people[0])
    with pytest.raises(Conflict):
        save(session, draft, people[0], indicator="POL-1", stage=None, value="yes")


def test_completeness_counts_slots_unanswered_and_answers_without_evidence(session, draft, people):
    save(session, draft, people[0], indicator="POL-1", stage=None, value="yes", evidence=EVIDENCE)
    save(session, draft, people[0], indicator="POL-2", stage=None, value="none")
    save(session, draft, people[0], indicator="POL-3", stage="inputs", value="na")
    state = completeness(assessments.methodology_of(draft), assessments.stored_answers(session, draft.id))
    assert (state.slots, state.answered) == (105, 3) and state.without_evidence == (("POL-2", None),)
    assert ("POL-1", None) not in state.unanswered and ("POL-3", "raw_materials") in state.unanswered


def test_start_from_last_cycle_copies_the_published_answers_marked_copied(session, draft, people):
    with pytest.raises(NotFound):
        with transaction(session):
            cycles.start_from_last_cycle(session, company="acme-textiles", actor=people[0])
    save(session, draft, people[0], indicator="POL-1", stage=None, value="yes", evidence=EVIDENCE)
    with transaction(session):
        assessments.submit(session, draft.id, actor=people[0])
        publishing.publish(session, draft.id, reviewer=people[2])
    with transaction(session):
        new = cycles.start_from_last_cycle(session, company="acme-textiles", actor=people[1], cycle_year=2027)
    row = answer_saves.answer_row(session, new.id, "POL-1", None)
    assert (row.value, row.evidence, row.copied, new.cycle_year, new.status) == ("yes", EVIDENCE, True, 2027, "draft")
    assert {people[0].id, people[1].id} <= assessments.author_ids(session, new)  # copied answers' authors are authors
    _, row = save(session, new, people[1], indicator="POL-1", stage=None, value="yes", evidence=EVIDENCE, expected_version=1)
    assert row.copied is False


def test_a_return_with_comments_per_answer_is_read_back_with_the_assessment(session, draft, people):
    from ratings import review

    with transaction(session):
        assessments.submit(session, draft.id, actor=people[0])
    with transaction(session):
        review.return_with_comments(session, draft.id, comment="See the answers.", actor=people[2],
                                    comments={("POL-1", None): " Source? ", ("TT-1", "inputs"): "   "})
    described = assessments.describe(session, draft)
    assert described["status"] == "draft" and described["review_comment"] == "See the answers."
    assert described["comments"] == [{"indicator": "POL-1", "stage": None, "text": "Source?"}]
