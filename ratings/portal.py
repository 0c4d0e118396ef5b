"""The company portal: a company's own published scorecard, its roadmap, and its right of reply."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ratings import audit, rules
from ratings.errors import Conflict, Forbidden, NotFound
from ratings.models import Company, CompanyResponse, PublishedRating, User
from ratings.public import breakdown, company_profile, rating_dict
from ratings.publishing import current_rating, rating_history, withdrawals
from ratings.types import utcnow


def own_company(session: Session, user: User) -> Company:
    if user.role != "company" or user.company_id is None:
        raise Forbidden("Only a company user has a portal.", code="forbidden_role")
    return session.get(Company, user.company_id)


def scorecard(session: Session, *, user: User) -> dict[str, Any]:
    """Published data only: the current rating, its indicator breakdown, the roadmap, history and replies."""
    company = own_company(session, user)
    rating = current_rating(session, company.id)
    history = rating_history(session, company.id)
    withdrawn = withdrawals(session, [r.id for r in history])
    replies = session.exec(
        select(CompanyResponse).where(CompanyResponse.company_id == company.id).order_by(CompanyResponse.id)
    ).all()
    return {
        "company": company_profile(session, slug=company.slug),
        "rating": rating_dict(rating),
        "breakdown": breakdown(session, rating) if rating else [],
        "roadmap": rating.result["roadmap"] if rating else None,
        "coverage": rating.result["coverage"] if rating else None,
        "history": [{**rating_dict(r), "withdrawn": r.id in withdrawn} for r in history],
        "replies": [reply_dict(r) for r in replies],
    }


def reply_dict(reply: CompanyResponse) -> dict[str, Any]:
    return {"id": reply.id, "rating": reply.rating_id, "text": reply.text, "status": reply.status}


def create_reply(session: Session, *, user: User, rating_id: int, text: str) -> CompanyResponse:
    """A company replies to one of its own published ratings; another company's is simply not found."""
    company = own_company(session, user)
    rules.require(rules.text(text), field="text", code="invalid_reply", label="A reply")
    rating = session.get(PublishedRating, rating_id)
    if rating is None or rating.company_id != company.id:
        raise NotFound(f"Your company has no rating with the id {rating_id}.", code="rating_not_found")
    reply = CompanyResponse(company_id=company.id, rating_id=rating.id, text=text.strip(), author_id=user.id)
    session.add(reply)
    audit.record(session, actor=user, action="reply.create", entity=reply)
    return reply


def accept_reply(session: Session, reply_id: int, *, reviewer: User) -> CompanyResponse:
    """A reviewer accepts a reply: it is shown on the public scorecard from then on."""
    reply = session.get(CompanyResponse, reply_id)
    if reply is None:
        raise NotFound(f"No reply has the id {reply_id}.", code="reply_not_found")
    if reply.status != "pending":
        raise Conflict(f"Reply {reply_id} is {reply.status} already.", code="wrong_status")
    before = audit.snapshot(reply)
    reply.status, reply.reviewed_at, reply.reviewed_by_id = "accepted", utcnow(), reviewer.id
    session.add(reply)
    audit.record(session, actor=reviewer, action="reply.accept", entity=reply, before=before)
    return reply
