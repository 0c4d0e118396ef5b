"""Publishing: a second person turns a submitted assessment into an immutable PublishedRating."""

from __future__ import annotations

from datetime import timezone
from typing import Any

from sqlmodel import Session, select
from scoring.engine import result_to_dict

from ratings import audit, datafiles, rules
from ratings.assessments import (
    _require_version, author_ids, get_assessment, refuse_na_where_undisclosed, score_assessment,
    sourcing_of, stored_answers,
)
from ratings.errors import Conflict, Forbidden, NotFound
from ratings.models import Brand, BrandOwnership, Company, PublishedRating, RatingWithdrawal, User
from ratings.types import utcnow


def publish(session: Session, assessment_id: int, *, reviewer: User | None,
            expected_version: int | None = None, published_at=None) -> PublishedRating:
    """Score a submitted assessment, exactly the version the reviewer read (`expected_version`, from If-Match),
    on the sourcing frozen at submission, and store its rating. No author of it may publish it.
    `published_at` is for the demo loader only (its fictional history)."""
    assessment = get_assessment(session, assessment_id, for_update=True)  # two reviewers at once: one waits
    if assessment.status != "submitted":
        raise Conflict(
            f"Assessment {assessment.id} is {assessment.status}; only a submitted assessment can be published.",
            code="wrong_status",
        )
    if reviewer is not None and reviewer.id in author_ids(session, assessment):
        raise Forbidden("An author of an assessment (who created it, wrote answers or submitted it) cannot publish it; "
                        "another reviewer must.", code="four_eyes")
    _require_version(assessment, expected_version)
    # The frozen sourcing decides which stages are undisclosed: the rule must hold at publication too.
    refuse_na_where_undisclosed(session, assessment, stored_answers(session, assessment.id))
    sourcing = [{"stage": r.stage, "good": r.good, "country": r.country, "disclosed": r.disclosed}
                for r in sourcing_of(session, assessment)]
    result = score_assessment(session, assessment)
    full = result_to_dict(result)
    rating = PublishedRating(
        company_id=assessment.company_id,
        assessment_id=assessment.id,
        methodology_id=result.methodology_id,
        methodology_version=result.methodology_version,
        scale=result.scale,
        scale_reasons=list(result.scale_reasons),
        score=result.score,
        grade=result.grade,
        categories=full["categories"],
        stages=full["stages"],
        result=full,
        inputs_hash=result.inputs_hash,
        published_by_id=reviewer.id if reviewer else None,
        sourcing=sourcing,
        risk_list_edition=assessment.risk_list_edition or datafiles.risk_list_edition(),
        published_at=published_at or utcnow(),  # an explicit date: the demo loader only (its fictional history)
    )
    before = audit.snapshot(assessment)
    assessment.status = "published"
    assessment.updated_at = utcnow()
    session.add_all([rating, assessment])
    audit.record(session, actor=reviewer, action="assessment.published", entity=assessment, before=before)
    audit.record(session, actor=reviewer, action="rating.publish", entity=rating)
    return rating


def withdraw(session: Session, rating_id: int, *, reason: str, actor: User | None) -> RatingWithdrawal:
    """Take a rating out of public lookups; it stays in the history with the reason. This applies a withdrawal
    at once: people propose one (`ratings.proposals.propose_withdrawal`) and a second person approves it."""
    get_rating(session, rating_id)  # an unknown rating is a 404
    rules.require(rules.text(reason), field="reason", code="invalid_reason", label="The reason")
    refuse_if_withdrawn(session, rating_id)
    withdrawal = RatingWithdrawal(rating_id=rating_id, reason=reason.strip(), withdrawn_by_id=actor.id if actor else None)
    session.add(withdrawal)
    audit.record(session, actor=actor, action="rating.withdraw", entity=withdrawal)
    return withdrawal


def get_rating(session: Session, rating_id: int) -> PublishedRating:
    rating = session.get(PublishedRating, rating_id)
    if rating is None:
        raise NotFound(f"No rating has the id {rating_id}.", code="rating_not_found")
    return rating


def refuse_if_withdrawn(session: Session, rating_id: int) -> None:
    if session.exec(select(RatingWithdrawal).where(RatingWithdrawal.rating_id == rating_id)).first():
        raise Conflict(f"Rating {rating_id} is already withdrawn.", code="already_withdrawn")


def brand_history(session: Session, brand: Brand) -> list[tuple[PublishedRating, Company, Any, Any]]:
    """Every rating the brand carried, newest first, each with the owner it carried it under and that ownership's
    dates (from, to; to is None for the current owner). Under each owner the brand carried the ratings that were
    current at some time while it owned the brand. A brand that never moved carries all its company's ratings."""
    periods = list(session.exec(select(BrandOwnership).where(BrandOwnership.brand_id == brand.id)
                                .order_by(BrandOwnership.valid_from, BrandOwnership.id)).all())
    if not any(p.valid_to is None for p in periods):  # never moved: one open period since always
        periods.append(BrandOwnership(brand_id=brand.id, company_id=brand.company_id, valid_from=None))
    owners: dict[int, Company] = {}
    carried: dict[int, tuple] = {}
    for period in periods:
        owner = owners.setdefault(period.company_id, session.get(Company, period.company_id))
        oldest_first = list(reversed(rating_history(session, period.company_id)))
        for rating, newer in zip(oldest_first, [*oldest_first[1:], None]):
            started_before_end = period.valid_to is None or _utc(rating.published_at) < _utc(period.valid_to)
            current_after_start = newer is None or period.valid_from is None or _utc(newer.published_at) > _utc(period.valid_from)
            if started_before_end and current_after_start:
                carried[rating.id] = (rating, owner, period.valid_from, period.valid_to)  # the later period wins
    return sorted(carried.values(), key=lambda item: (_utc(item[0].published_at), item[0].id), reverse=True)


def _utc(moment):
    """Compare stored times alike whatever the backend returns (SQLite may hand back naive UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def current_rating(session: Session, company_id: int) -> PublishedRating | None:
    """The newest publication of a company that has not been withdrawn."""
    withdrawn = select(RatingWithdrawal.rating_id)
    return session.exec(
        select(PublishedRating)
        .where(PublishedRating.company_id == company_id, PublishedRating.id.not_in(withdrawn))
        .order_by(PublishedRating.published_at.desc(), PublishedRating.id.desc())
    ).first()


def rating_history(session: Session, company_id: int) -> list[PublishedRating]:
    """Every publication of a company, newest first, withdrawn ones included."""
    return list(
        session.exec(
            select(PublishedRating)
            .where(PublishedRating.company_id == company_id)
            .order_by(PublishedRating.published_at.desc(), PublishedRating.id.desc())
        ).all()
    )


def current_grades(session: Session, company_ids=None, extra: tuple = ()) -> dict[int, Any]:
    """The current rating of each company, but only (id, company_id, methodology_id, grade, score) of each, and the
    `extra` columns: a rating's full result is large, and decoding it for hundreds of companies dominated lookups.
    `company_ids` is a list or a subquery of company ids; None for every company."""
    query = select(PublishedRating.id, PublishedRating.company_id, PublishedRating.methodology_id, PublishedRating.grade,
                   PublishedRating.score, *extra).where(PublishedRating.id.not_in(select(RatingWithdrawal.rating_id)))
    if company_ids is not None:
        query = query.where(PublishedRating.company_id.in_(company_ids))
    rows = session.exec(query.order_by(PublishedRating.published_at.desc(), PublishedRating.id.desc()))
    current: dict[int, Any] = {}
    for row in rows:
        current.setdefault(row.company_id, row)  # newest first, so the first seen is current
    return current



def withdrawals(session: Session, rating_ids: list[int]) -> dict[int, RatingWithdrawal]:
    rows = session.exec(select(RatingWithdrawal).where(RatingWithdrawal.rating_id.in_(rating_ids))).all()
    return {row.rating_id: row for row in rows}


def grade_rank(rating: PublishedRating) -> int:
    """0 for the best letter of the rating's methodology; lower is better."""
    return datafiles.grade_letters(rating.methodology_id).index(rating.grade)
