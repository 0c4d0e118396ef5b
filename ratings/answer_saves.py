"""One answer at a time: the console's autosave and `PUT /v1/assessments/{id}/answers/{indicator}[/{stage}]`.

Each answer slot has its own version (0 while unanswered). A save names the version it started from;
another person's save in between is a conflict that carries both values, so no one overwrites anyone
silently. Every save also moves the assessment's version, which submit and publish check.
The answer is checked by the same rules as a full replace (`assessments.parse_answers`).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ratings import assessments, audit
from ratings.errors import Conflict, Stale
from ratings.models import Answer, Assessment, User
from ratings.types import utcnow


def answer_row(session: Session, assessment_id: int, indicator: str, stage: str | None) -> Answer | None:
    return session.exec(
        select(Answer).where(Answer.assessment_id == assessment_id, Answer.indicator_id == indicator,
                             Answer.stage.is_(None) if stage is None else Answer.stage == stage)
    ).first()


def answer_dict(row: Answer | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"indicator": row.indicator_id, "stage": row.stage, "value": row.value, "evidence": row.evidence,
            "note": row.note, "version": row.version, "copied": row.copied}


def save_answer(
    session: Session, assessment_id: int, *, indicator: str, stage: str | None, value: Any,
    evidence: list | None = None, note: str | None = None, expected_version: int | None = None,
    actor: User | None = None,
) -> tuple[Assessment, Answer | None]:
    """Write one slot of a draft (`value` None clears it). `expected_version` is the slot's version the
    writer read (0: unanswered); None skips the check. Returns the assessment and the row (None if cleared)."""
    assessment = assessments.get_assessment(session, assessment_id, for_update=True)
    if assessment.status != "draft":
        raise Conflict(f"Assessment {assessment.id} is {assessment.status}; only a draft can be edited.", code="not_a_draft")
    row = answer_row(session, assessment.id, indicator, stage)
    current = row.version if row is not None else 0
    if expected_version is not None and expected_version != current:
        raise Stale(
            f"Someone saved answer {_slot_name(indicator, stage)} since you read it (its version is {current}, "
            f"yours {expected_version}); compare both values and save again.",
            code="answer_conflict", errors={"current": answer_dict(row)},
        )
    before = {"answer": answer_dict(row)}
    if value is None:
        if row is not None:
            assessments.methodology_of(assessment)  # a draft of a changed methodology cannot be edited
            session.delete(row)
        row = None
    else:
        entry = {"indicator": indicator, "value": value, "evidence": evidence or []}
        if stage is not None:
            entry["stage"] = stage
        (parsed,) = assessments.parse_answers(assessment, [entry])
        assessments.refuse_na_where_undisclosed(session, assessment, [parsed])
        if row is None:
            row = Answer(assessment_id=assessment.id, indicator_id=indicator, stage=stage, version=0)
        row.value = parsed.value
        row.evidence = [assessments.evidence_dict(e) for e in parsed.evidence]
        row.note = note or None
        row.version = current + 1
        row.copied = False  # touched: no longer the previous cycle's answer
        session.add(row)
    assessments.add_author(session, assessment, actor, "answered")
    assessment.updated_at = utcnow()  # moves the assessment's version too
    session.add(assessment)
    session.flush()
    audit.record(session, actor=actor, action="assessment.answer", entity=assessment, before=before)
    return assessment, row


def _slot_name(indicator: str, stage: str | None) -> str:
    return indicator if stage is None else f"{indicator} ({stage})"
