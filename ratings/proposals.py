"""Proposals: changes that move a public grade wait for a second person.

A brand's move to another company, a GS1 prefix for a company with a published rating, and a
withdrawal of a rating are proposed (by an analyst, an admin, or an import) and take effect only
when a reviewer or admin other than the proposer approves them, in the approving transaction (so
the catalog change log records them then). Proposals themselves are not public: they never append
to the change log. Every step leaves an audit event.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ratings import audit, catalog, publishing, rules
from ratings.errors import Conflict, Forbidden, NotFound
from ratings.models import Brand, Company, Gs1Prefix, Proposal, User
from ratings.types import utcnow

KINDS = ("brand_owner", "gs1_prefix", "withdrawal")
STATUSES = ("pending", "approved", "rejected")
APPROVERS = ("reviewer", "admin")


# --- proposing --------------------------------------------------------------------------------------

def update_brand(session: Session, slug: str, *, changes: dict[str, Any], actor: User | None = None
                 ) -> tuple[Brand, Proposal | None]:
    """Apply a brand's name, aliases and industry at once; a new owner (`company`) becomes a proposal."""
    rest = {k: v for k, v in changes.items() if k != "company"}
    brand = catalog.update_brand(session, slug, changes=rest, actor=actor) if rest else catalog.get_brand(session, slug)
    proposal = None
    if "company" in changes:
        target = catalog.get_company(session, changes["company"])
        if target.id != brand.company_id:
            proposal = propose_brand_owner(session, brand=brand, company=target, actor=actor)
    return brand, proposal


def propose_brand_owner(session: Session, *, brand: Brand, company: Company, actor: User | None = None) -> Proposal:
    current = session.get(Company, brand.company_id)
    return _propose(session, "brand_owner", brand.slug,
                    {"brand": brand.slug, "from_company": current.slug, "to_company": company.slug}, actor)


def register_gs1_prefix(session: Session, *, company: str, prefix: str, actor: User | None = None
                        ) -> tuple[Gs1Prefix | None, Proposal | None]:
    """Register a prefix at once, unless its company has a published rating: then barcodes would start
    showing that grade, so the registration is proposed instead."""
    owner, prefix = catalog.check_gs1_prefix(session, company=company, prefix=prefix)
    if catalog.is_graded(session, owner.id):
        return None, propose_gs1_prefix(session, company=owner, prefix=prefix, actor=actor)
    return catalog.register_gs1_prefix(session, company=company, prefix=prefix, actor=actor), None


def propose_gs1_prefix(session: Session, *, company: Company, prefix: str, actor: User | None = None) -> Proposal:
    return _propose(session, "gs1_prefix", prefix, {"company": company.slug, "prefix": prefix}, actor)


def propose_withdrawal(session: Session, rating_id: int, *, reason: str, actor: User | None = None) -> Proposal:
    """An admin asks for a rating to be withdrawn; a reviewer or a second admin approves."""
    rating = publishing.get_rating(session, rating_id)
    publishing.refuse_if_withdrawn(session, rating_id)
    rules.require(rules.text(reason), field="reason", code="invalid_reason", label="The reason")
    reason = reason.strip()
    company = session.get(Company, rating.company_id)
    return _propose(session, "withdrawal", str(rating_id), {"rating": rating_id, "company": company.slug}, actor,
                    reason=reason)


def pending(session: Session, kind: str, subject: str) -> Proposal | None:
    return session.exec(select(Proposal).where(Proposal.kind == kind, Proposal.subject == subject,
                                               Proposal.status == "pending")).first()


def _propose(session: Session, kind: str, subject: str, payload: dict, actor: User | None, *,
             reason: str | None = None) -> Proposal:
    waiting = pending(session, kind, subject)
    if waiting is not None:
        if waiting.payload == payload and waiting.reason == reason:
            return waiting  # the same proposal again (a re-run import, a retried request): nothing new
        raise Conflict(f"Proposal {waiting.id} about {subject} is pending; approve or reject it first.",
                       code="proposal_pending", errors={"proposal": waiting.id})
    proposal = Proposal(kind=kind, subject=subject, payload=payload, reason=reason,
                        proposed_by_id=actor.id if actor else None)
    session.add(proposal)
    audit.record(session, actor=actor, action=f"proposal.{kind}.propose", entity=proposal)
    return proposal


# --- deciding ---------------------------------------------------------------------------------------

def get_proposal(session: Session, proposal_id: int, *, for_update: bool = False) -> Proposal:
    """`for_update` locks the row (PostgreSQL): of two reviewers deciding at once, the second waits, then sees it decided."""
    proposal = session.get(Proposal, proposal_id, with_for_update=for_update or None, populate_existing=for_update)
    if proposal is None:
        raise NotFound(f"No proposal has the id {proposal_id}.", code="proposal_not_found")
    return proposal


def approve(session: Session, proposal_id: int, *, actor: User | None) -> Proposal:
    """A second person approves: the change takes effect in this transaction."""
    proposal = _decidable(session, proposal_id, actor)
    before = audit.snapshot(proposal)
    _apply(session, proposal, actor)
    _decide(proposal, "approved", actor, None)
    session.add(proposal)
    audit.record(session, actor=actor, action=f"proposal.{proposal.kind}.approve", entity=proposal, before=before)
    return proposal


def reject(session: Session, proposal_id: int, *, actor: User | None, reason: str) -> Proposal:
    rules.require(rules.text(reason), field="reason", code="invalid_reason", label="The reason")
    reason = reason.strip()
    proposal = _decidable(session, proposal_id, actor)
    before = audit.snapshot(proposal)
    _decide(proposal, "rejected", actor, reason)
    session.add(proposal)
    audit.record(session, actor=actor, action=f"proposal.{proposal.kind}.reject", entity=proposal, before=before)
    return proposal


def _decidable(session: Session, proposal_id: int, actor: User | None) -> Proposal:
    proposal = get_proposal(session, proposal_id, for_update=True)
    if proposal.status != "pending":
        raise Conflict(f"Proposal {proposal.id} is {proposal.status} already.", code="proposal_decided")
    if actor is not None:
        if actor.role not in APPROVERS:
            raise Forbidden(f"Only a reviewer or an admin decides proposals; you are {actor.role}.", code="forbidden_role")
        if proposal.proposed_by_id == actor.id:
            raise Forbidden("The proposer of a change cannot approve or reject it; another person must.", code="four_eyes")
    return proposal


def _decide(proposal: Proposal, status: str, actor: User | None, reason: str | None) -> None:
    proposal.status = status
    proposal.decided_by_id = actor.id if actor else None
    proposal.decided_at = utcnow()
    proposal.decision_reason = reason


def _apply(session: Session, proposal: Proposal, actor: User | None) -> None:
    payload = proposal.payload
    proposer = session.get(User, proposal.proposed_by_id) if proposal.proposed_by_id else None
    if proposal.kind == "brand_owner":
        brand = catalog.get_brand(session, payload["brand"])
        if session.get(Company, brand.company_id).slug != payload["from_company"]:
            raise Conflict(f"Brand {brand.slug} no longer belongs to {payload['from_company']}; reject this proposal.",
                           code="proposal_outdated")
        catalog.move_brand(session, brand, catalog.get_company(session, payload["to_company"]), actor=actor)
    elif proposal.kind == "gs1_prefix":
        catalog.register_gs1_prefix(session, company=payload["company"], prefix=payload["prefix"], actor=actor,
                                    approved=True)
    elif proposal.kind == "withdrawal":
        publishing.withdraw(session, payload["rating"], reason=proposal.reason or "", actor=proposer or actor)
    else:  # pragma: no cover - kinds are ours
        raise Conflict(f"Unknown proposal kind {proposal.kind!r}.", code="proposal_outdated")


# --- reading ----------------------------------------------------------------------------------------

def list_proposals(session: Session, *, status: str | None = None, kind: str | None = None) -> list[Proposal]:
    query = select(Proposal)
    rules.require_one_of(status, STATUSES, field="status", code="invalid_status")
    rules.require_one_of(kind, KINDS, field="kind", code="invalid_kind")
    if status is not None:
        query = query.where(Proposal.status == status)
    if kind is not None:
        query = query.where(Proposal.kind == kind)
    return list(session.exec(query.order_by(Proposal.proposed_at, Proposal.id)).all())


def describe(session: Session, proposal: Proposal) -> dict[str, Any]:
    def email(user_id):
        user = session.get(User, user_id) if user_id else None
        return user.email if user else None

    return {
        "id": proposal.id, "kind": proposal.kind, "status": proposal.status, "change": proposal.payload,
        "summary": summary(proposal),
        "reason": proposal.reason,
        "proposed_by": email(proposal.proposed_by_id), "proposed_at": proposal.proposed_at,
        "decided_by": email(proposal.decided_by_id), "decided_at": proposal.decided_at,
        "decision_reason": proposal.decision_reason,
    }


def summary(proposal: Proposal) -> str:
    """The proposed change in words, for people deciding it."""
    change = proposal.payload
    if proposal.kind == "brand_owner":
        return f"Move brand {change['brand']} from {change['from_company']} to {change['to_company']}"
    if proposal.kind == "gs1_prefix":
        return f"Register GS1 prefix {change['prefix']} for {change['company']} (its barcodes would show its grade)"
    if proposal.kind == "withdrawal":
        return f"Withdraw rating #{change['rating']} of {change['company']}"
    return f"{proposal.kind} {proposal.subject}"  # pragma: no cover - kinds are ours
