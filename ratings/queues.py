"""Work lists: assessments and replies filtered for the person asking, for the API's list endpoints and
the console's landing page (one set of rules for both).

Who counts as an author is decided in ONE place, `is_author` / `authored_by` below, on the assessment-author
table (`ratings.assessments.author_ids`): "everyone who created, wrote (or copied) answers or submitted".
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, func, not_, or_
from sqlalchemy.orm import object_session
from sqlmodel import Session, select

from ratings import catalog, proposals, rating_requests, rules
from ratings.errors import Forbidden, Invalid
from ratings.assessments import author_ids
from ratings.models import Assessment, AssessmentAuthor, Company, CompanyResponse, PublishedRating, User
from ratings.portal import reply_dict
from ratings.publishing import current_rating

ASSESSMENT_STATUSES = ("draft", "returned", "submitted", "published")  # returned: a draft sent back with comments
AUTHOR_FILTERS = ("me", "others")
REPLY_STATUSES = ("pending", "accepted", "rejected")
ASSESSMENT_READERS = ("analyst", "reviewer")  # the same roles that may read one assessment (GET /v1/assessments/{id})
REPLY_READERS = ("reviewer",)  # the same role that decides on replies


# --- Authorship: the single definition -----------------------------------------------------------------

def is_author(assessment: Assessment, user: User | None, session: Session | None = None) -> bool:
    """True when `user` is an author of `assessment`: created it, wrote answers (copied ones included) or
    submitted it (`ratings.assessments.author_ids`, the table the publish check reads)."""
    if user is None or user.id is None:
        return False
    if session is None:
        session = object_session(assessment)
    return user.id in author_ids(session, assessment)


def _authors_row(user: User):
    return exists(select(AssessmentAuthor.id).where(AssessmentAuthor.assessment_id == Assessment.id,
                                                    AssessmentAuthor.user_id == user.id))


def authored_by(user: User):
    """The SQL condition "`user` is an author of the assessment"; must agree with `is_author`."""
    return or_(Assessment.author_id == user.id, _authors_row(user))


def not_authored_by(user: User):
    """The SQL condition "`user` is not an author" (an assessment without a recorded author included)."""
    return and_(or_(Assessment.author_id.is_(None), Assessment.author_id != user.id), not_(_authors_row(user)))


# --- Assessments -------------------------------------------------------------------------------------

def list_assessments(
    session: Session, *, viewer: User, status: str | None = None, company: str | None = None,
    author: str | None = None, page: int = 1, page_size: int = 20,
) -> dict[str, Any]:
    """A page of assessments, newest change first: `{"items", "page", "page_size", "total"}`.

    `status` is one of ASSESSMENT_STATUSES ("draft" includes returned drafts); `author` is "me" or "others"
    (assessments `viewer` is not an author of). Companies never see assessments.
    """
    _require_role(viewer, ASSESSMENT_READERS, "list assessments")
    query = select(Assessment)
    rules.require_one_of(status, ASSESSMENT_STATUSES, field="status", code="invalid_status")
    if status is not None:
        if status == "returned":
            query = query.where(Assessment.status == "draft", Assessment.review_comment.is_not(None))
        else:
            query = query.where(Assessment.status == status)
    if company is not None:
        query = query.where(Assessment.company_id == catalog.get_company(session, company).id)  # unknown -> 404
    if author is not None:
        if author not in AUTHOR_FILTERS:
            raise Invalid("author must be 'me' or 'others'.", code="invalid_author", errors={"author": ["One of me, others."]})
        query = query.where(authored_by(viewer) if author == "me" else not_authored_by(viewer))
    return _assessment_page(session, query, viewer, page, page_size)


def _assessment_page(session: Session, query, viewer: User, page: int, page_size: int) -> dict[str, Any]:
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(Assessment.updated_at.desc(), Assessment.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return {"items": _assessment_items(session, rows, viewer), "page": page, "page_size": page_size, "total": total}


def _assessment_items(session: Session, rows: list[Assessment], viewer: User) -> list[dict[str, Any]]:
    companies = _by_id(session, Company, {a.company_id for a in rows})
    authors = _by_id(session, User, {a.author_id for a in rows if a.author_id})
    ratings = dict(session.exec(
        select(PublishedRating.assessment_id, PublishedRating.id).where(PublishedRating.assessment_id.in_([a.id for a in rows]))
    ).all()) if rows else {}
    return [
        {
            "id": a.id,
            "company": {"slug": companies[a.company_id].slug, "name": companies[a.company_id].name},
            "methodology": {"id": a.methodology_id, "version": a.methodology_version},
            "cycle_year": a.cycle_year,
            "status": a.status,
            "returned": a.status == "draft" and a.review_comment is not None,
            "review_comment": a.review_comment,
            "author": authors[a.author_id].email if a.author_id in authors else None,
            "you_are_author": is_author(a, viewer, session),
            "version": a.version,
            "updated_at": a.updated_at,
            "rating": ratings.get(a.id),
        }
        for a in rows
    ]


# --- Replies -----------------------------------------------------------------------------------------

def list_replies(session: Session, *, viewer: User, status: str | None = None, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    """A page of companies' replies, oldest first (the order to decide them in)."""
    _require_role(viewer, REPLY_READERS, "list replies")
    query = select(CompanyResponse)
    rules.require_one_of(status, REPLY_STATUSES, field="status", code="invalid_status")
    if status is not None:
        query = query.where(CompanyResponse.status == status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(CompanyResponse.created_at, CompanyResponse.id)
                        .offset((page - 1) * page_size).limit(page_size)).all()
    companies = _by_id(session, Company, {r.company_id for r in rows})
    items = [
        {**reply_dict(r), "company": {"slug": companies[r.company_id].slug, "name": companies[r.company_id].name}}
        for r in rows
    ]
    return {"items": items, "page": page, "page_size": page_size, "total": total}


# --- The landing page --------------------------------------------------------------------------------

QUEUE_SIZE = 50  # each queue on the landing page shows at most this many; the API pages through the rest


def work_queues(session: Session, *, user: User) -> dict[str, Any]:
    """What is waiting for `user`, per role: a list of named queues, each `{"id", "title", "items", "total"}`,
    and, for company users, their company and its current published rating."""
    queues: list[dict[str, Any]] = []

    def add(queue_id: str, title: str, page: dict[str, Any]) -> None:
        queues.append({"id": queue_id, "title": title, "items": page["items"], "total": page["total"]})

    def assessments_where(**filters):
        return list_assessments(session, viewer=user, page_size=QUEUE_SIZE, **filters)

    result: dict[str, Any] = {"role": user.role, "queues": queues, "company": None}
    if user.role == "analyst":
        fresh = select(Assessment).where(Assessment.status == "draft", Assessment.review_comment.is_(None), authored_by(user))
        add("my_drafts", "My drafts", _assessment_page(session, fresh, user, 1, QUEUE_SIZE))
        add("returned", "Returned to me with comments", assessments_where(status="returned", author="me"))
        add("my_submitted", "Submitted by me, awaiting review", assessments_where(status="submitted", author="me"))
        add("rating_requests", "Rating requests, most asked for first",
            rating_requests.ranked_requests(session, page=1, page_size=QUEUE_SIZE))
    elif user.role == "reviewer":
        add("awaiting_review", "Submitted, awaiting review (you are not an author)",
            assessments_where(status="submitted", author="others"))
        add("pending_replies", "Company replies awaiting a decision",
            list_replies(session, viewer=user, status="pending", page_size=QUEUE_SIZE))
    if user.role in proposals.APPROVERS:
        add("pending_changes", "Grade-moving changes awaiting a second person", pending_changes(session))
    if user.role == "company":
        result["company"] = company_summary(session, user=user)
    return result


def pending_changes(session: Session) -> dict[str, Any]:
    """Pending proposals (brand moves, GS1 prefixes of graded companies, withdrawals), oldest first."""
    waiting = proposals.list_proposals(session, status="pending")
    return {"items": [proposals.describe(session, p) for p in waiting[:QUEUE_SIZE]], "total": len(waiting)}


def company_summary(session: Session, *, user: User) -> dict[str, Any]:
    """A company user's own company and its current published grade (published data only)."""
    if user.role != "company" or user.company_id is None:
        raise Forbidden("Only a company user has a company.", code="forbidden_role")
    company = session.get(Company, user.company_id)
    rating = current_rating(session, company.id)
    return {
        "slug": company.slug, "name": company.name,
        "rating": None if rating is None else {
            "id": rating.id, "grade": rating.grade, "score": round(rating.score, 1), "scale": rating.scale,
            "published_at": rating.published_at,
        },
    }


def _require_role(user: User, allowed: tuple[str, ...], doing: str) -> None:
    if user.role not in allowed:
        raise Forbidden(f"Only {' or '.join(allowed)} users may {doing}; you are {user.role}.", code="forbidden_role")


def _by_id(session: Session, model, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(model.id.in_(ids))).all()}
