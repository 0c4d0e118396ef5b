"""The company portal: a company's own published scorecard, its roadmap, and its right of reply."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ratings import audit, datafiles, rules
from ratings.errors import Conflict, Forbidden, Invalid, NotFound
from ratings.models import Company, CompanyResponse, PublishedRating, User
from ratings.catalog import get_company
from ratings.public import breakdown, company_profile, rating_dict
from ratings.publishing import current_rating, rating_history, withdrawals
from ratings.research import require_company_scope
from ratings.types import utcnow


def own_company(session: Session, user: User) -> Company:
    if user.role != "company" or user.company_id is None:
        raise Forbidden("Only a company user has a portal.", code="forbidden_role")
    return session.get(Company, user.company_id)


def scorecard(session: Session, *, user: User, company: str | None = None) -> dict[str, Any]:
    """Published data only: the current rating, its indicator breakdown, the roadmap, history and replies.
    `company` (a slug) is the company asked for: any other than the user's own is refused (403)."""
    own = own_company(session, user)
    if company is not None:
        require_company_scope(user, get_company(session, company))  # unknown -> 404, another's -> 403
    company = own
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


MAX_REPLY_INDICATORS = 50
MAX_REPLY_EVIDENCE = 20


def reply_dict(reply: CompanyResponse) -> dict[str, Any]:
    return {"id": reply.id, "rating": reply.rating_id, "text": reply.text, "status": reply.status,
            "indicators": list(reply.indicators or []), "evidence": list(reply.evidence or []),
            "reason": reply.decision_reason, "created_at": reply.created_at, "reviewed_at": reply.reviewed_at}


def create_reply(session: Session, *, user: User, rating_id: int, text: str, indicators: list[str] | None = None,
                 evidence: list[str] | None = None) -> CompanyResponse:
    """A company replies to one of its own published ratings, about some of its indicators (ids of the
    rating's methodology) with links to evidence; another company's rating is simply not found."""
    company = own_company(session, user)
    rules.require(rules.text(text), field="text", code="invalid_reply", label="A reply")
    rating = session.get(PublishedRating, rating_id)
    if rating is None or rating.company_id != company.id:
        raise NotFound(f"Your company has no rating with the id {rating_id}.", code="rating_not_found")
    indicators = _reply_indicators(rating, indicators or [])
    evidence = _reply_evidence(evidence or [])
    reply = CompanyResponse(company_id=company.id, rating_id=rating.id, text=text.strip(), author_id=user.id,
                            indicators=indicators, evidence=evidence)
    session.add(reply)
    audit.record(session, actor=user, action="reply.create", entity=reply)
    return reply


def _reply_indicators(rating: PublishedRating, indicators: list[str]) -> list[str]:
    method = datafiles.methodology(rating.methodology_id)
    known = [i.id for c in method.categories for i in c.indicators]
    unknown = [i for i in indicators if i not in known]
    if unknown or len(indicators) > MAX_REPLY_INDICATORS:
        raise Invalid(f"Not an indicator of {method.id}: {', '.join(map(str, unknown))}." if unknown
                      else f"A reply concerns at most {MAX_REPLY_INDICATORS} indicators.",
                      code="invalid_reply", errors={"indicators": [f"Unknown: {i}" for i in unknown] or ["Too many."]})
    return [i for i in known if i in indicators]  # methodology order, once each


def _reply_evidence(links: list[str]) -> list[str]:
    links = [link.strip() if isinstance(link, str) else link for link in links]
    links = [link for link in links if link != ""]
    if len(links) > MAX_REPLY_EVIDENCE:
        raise Invalid(f"A reply has at most {MAX_REPLY_EVIDENCE} evidence links.", code="invalid_reply",
                      errors={"evidence": ["Too many."]})
    for link in links:
        rules.require(rules.url(link), field="evidence", code="invalid_reply", label="An evidence link")
    return links


def accept_reply(session: Session, reply_id: int, *, reviewer: User) -> CompanyResponse:
    """A reviewer accepts a reply: it is shown on the public scorecard from then on."""
    return _decide(session, reply_id, reviewer=reviewer, status="accepted", reason=None)


def reject_reply(session: Session, reply_id: int, *, reviewer: User, reason: str) -> CompanyResponse:
    """A reviewer rejects a reply with a reason, which the company sees beside it; nothing public changes."""
    rules.require(rules.text(reason), field="reason", code="invalid_reason", label="The reason")
    return _decide(session, reply_id, reviewer=reviewer, status="rejected", reason=reason.strip())


REPLY_DECIDERS = ("reviewer",)


def _decide(session: Session, reply_id: int, *, reviewer: User, status: str, reason: str | None) -> CompanyResponse:
    if reviewer.role not in REPLY_DECIDERS:
        raise Forbidden(f"Only a reviewer decides on replies; you are {reviewer.role}.", code="forbidden_role")
    reply = session.get(CompanyResponse, reply_id, with_for_update=True, populate_existing=True)
    if reply is None:
        raise NotFound(f"No reply has the id {reply_id}.", code="reply_not_found")
    if reply.status != "pending":
        raise Conflict(f"Reply {reply_id} is {reply.status} already.", code="wrong_status")
    before = audit.snapshot(reply)
    reply.status, reply.reviewed_at, reply.reviewed_by_id = status, utcnow(), reviewer.id
    reply.decision_reason = reason
    session.add(reply)
    audit.record(session, actor=reviewer, action=f"reply.{'accept' if status == 'accepted' else 'reject'}",
                 entity=reply, before=before)
    return reply
