"""Cycles of a company's assessments: the previous published one, and "Start from last cycle" (its
answers and evidence copied into a new draft, each marked as copied until someone touches it)."""

from __future__ import annotations

from sqlmodel import Session, select

from ratings import assessments, audit, catalog
from ratings.errors import NotFound
from ratings.models import Answer, Assessment, PublishedRating, RatingWithdrawal, User
from scoring.layout import layout_for


def previous_published(session: Session, company_id: int, *, before: Assessment | None = None) -> Assessment | None:
    """The company's latest published (not withdrawn) assessment other than `before`, of an earlier or the
    same cycle as `before` when given."""
    query = (
        select(Assessment)
        .join(PublishedRating, PublishedRating.assessment_id == Assessment.id)
        .outerjoin(RatingWithdrawal, RatingWithdrawal.rating_id == PublishedRating.id)
        .where(Assessment.company_id == company_id, RatingWithdrawal.id.is_(None))
    )
    if before is not None:
        query = query.where(Assessment.id != before.id, Assessment.cycle_year <= before.cycle_year)
    return session.exec(query.order_by(Assessment.cycle_year.desc(), PublishedRating.published_at.desc())).first()


def start_from_last_cycle(session: Session, *, company: str, actor: User | None = None,
                          cycle_year: int | None = None) -> Assessment:
    """A new draft holding the previous published assessment's answers, evidence and notes (slots the
    current methodology still has), each marked `copied` until it is saved again."""
    owner = catalog.get_company(session, company)
    previous = previous_published(session, owner.id)
    if previous is None:
        raise NotFound(f"{owner.name} has no published assessment to start from; start an empty one.",
                       code="no_previous_cycle")
    draft = assessments.create_assessment(session, company=company, methodology=previous.methodology_id,
                                          cycle_year=cycle_year, author=actor)
    session.flush()
    slots = layout_for(assessments.methodology_of(draft)).slot_of
    rows = session.exec(select(Answer).where(Answer.assessment_id == previous.id).order_by(Answer.id)).all()
    for row in rows:
        if (row.indicator_id, row.stage) in slots:
            session.add(Answer(assessment_id=draft.id, indicator_id=row.indicator_id, stage=row.stage, value=row.value,
                               evidence=list(row.evidence), note=row.note, version=1, copied=True))
    for user_id in sorted(assessments.author_ids(session, previous)):  # the copied answers' authors are authors too
        assessments.add_author(session, draft, session.get(User, user_id), "copied")
    audit.record(session, actor=actor, action="assessment.copy_previous", entity=draft,
                 before={"copied_from": previous.id})
    return draft
