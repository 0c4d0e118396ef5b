"""Review of a submitted assessment: its answers beside the previous cycle's published ones, a comment
per answer, and returning it with those comments (the analyst sees them on the form)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ratings import assessments, audit, cycles, queues, rules
from ratings.errors import Invalid
from ratings.models import Answer, AnswerComment, Assessment, Company, User
from scoring.layout import layout_for

Slot = tuple[str, "str | None"]


def answers_by_slot(session: Session, assessment_id: int) -> dict[Slot, Answer]:
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment_id)).all()
    return {(r.indicator_id, r.stage): r for r in rows}


def comments_by_slot(session: Session, assessment_id: int) -> dict[Slot, AnswerComment]:
    rows = session.exec(select(AnswerComment).where(AnswerComment.assessment_id == assessment_id)
                        .order_by(AnswerComment.id)).all()
    return {(r.indicator_id, r.stage): r for r in rows}


def same_answer(a: Answer | None, b: Answer | None) -> bool:
    """Whether two cycles gave the same answer: value and evidence (notes are working notes)."""
    if a is None or b is None:
        return a is b
    return a.value == b.value and a.evidence == b.evidence


def review_sheet(session: Session, assessment_id: int, *, viewer: User) -> dict[str, Any]:
    """What a reviewer reads: per slot, in methodology order, this answer and the previous cycle's."""
    assessment = assessments.get_assessment(session, assessment_id)
    method = assessments.methodology_of(assessment)
    previous = cycles.previous_published(session, assessment.company_id, before=assessment)
    now = answers_by_slot(session, assessment.id)
    before = answers_by_slot(session, previous.id) if previous else {}
    comments = comments_by_slot(session, assessment.id)
    layout = layout_for(method)
    rows = []
    for indicator, stage in zip(layout.slot_indicator, layout.slot_stage):
        slot = (indicator.id, stage)
        current, earlier = now.get(slot), before.get(slot)
        rows.append({"indicator": indicator, "stage": stage, "current": current, "previous": earlier,
                     "changed": previous is not None and not same_answer(current, earlier),
                     "comment": comments[slot].text if slot in comments else None})
    return {
        "assessment": assessment, "company": session.get(Company, assessment.company_id), "methodology": method,
        "stage_names": {s.id: s.name for s in method.stages}, "previous": previous, "rows": rows,
        "changed": sum(1 for r in rows if r["changed"]),
        "can_publish": assessment.status == "submitted" and viewer.role == "reviewer"
        and not queues.is_author(assessment, viewer, session),
    }


def return_with_comments(
    session: Session, assessment_id: int, *, comment: str, comments: dict[Slot, str], actor: User | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Send a submitted assessment back to draft with an overall comment and one per answer slot
    (replacing the comments of an earlier return)."""
    assessment = assessments.get_assessment(session, assessment_id)
    slots = layout_for(assessments.methodology_of(assessment)).slot_of
    comments = {slot: text for slot, text in comments.items() if isinstance(text, str) and text.strip()}
    for text in comments.values():
        rules.require(rules.text(text), field="comments", code="invalid_comment", label="A comment")
    unknown = [f"{i}/{s}" if s else i for i, s in comments if (i, s) not in slots]
    if unknown:
        raise Invalid(f"No such answer slot: {', '.join(unknown)}.", code="unknown_slot", errors={"comments": unknown})
    assessment = assessments.return_to_draft(session, assessment_id, comment=comment, actor=actor,
                                             expected_version=expected_version)
    for old in session.exec(select(AnswerComment).where(AnswerComment.assessment_id == assessment.id)).all():
        session.delete(old)
    for (indicator, stage), text in comments.items():
        session.add(AnswerComment(assessment_id=assessment.id, indicator_id=indicator, stage=stage,
                                  text=text.strip(), author_id=actor.id if actor else None))
    audit.record(session, actor=actor, action="assessment.comments", entity=assessment,
                 before={"comments": {f"{i}/{s or ''}": t for (i, s), t in comments.items()}})
    return assessment
