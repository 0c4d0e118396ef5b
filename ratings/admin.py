"""What the admin pages show: the users with their scope and live tokens, the companies a company user
can be scoped to, and the ratings that can be withdrawn with the withdrawal proposals about them.
Reads only; the writes are the services in ratings/users.py and ratings/proposals.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from ratings import proposals
from ratings.models import ApiToken, Company, PublishedRating, User
from ratings.publishing import current_grades


def users_overview(session: Session) -> list[dict[str, Any]]:
    """Every user, by email: role, company scope, whether a console password is set, live tokens."""
    live = dict(session.exec(select(ApiToken.user_id, func.count()).where(ApiToken.revoked_at.is_(None))
                             .group_by(ApiToken.user_id)).all())
    companies = {c.id: c for c in session.exec(select(Company).where(
        Company.id.in_(select(User.company_id).where(User.company_id.is_not(None)))))}
    return [{"email": u.email, "role": u.role, "company": companies[u.company_id].name if u.company_id else None,
             "has_password": u.password_hash is not None, "live_tokens": live.get(u.id, 0), "created_at": u.created_at}
            for u in session.exec(select(User).order_by(User.email))]


def company_choices(session: Session) -> list[dict[str, str]]:
    return [{"slug": c.slug, "name": c.name} for c in session.exec(select(Company).order_by(Company.name))]


def withdrawals_overview(session: Session) -> dict[str, Any]:
    """Current (not withdrawn) ratings that may be proposed for withdrawal, and every withdrawal proposal."""
    current = current_grades(session)
    names = {c.id: c.name for c in session.exec(select(Company).where(Company.id.in_(list(current))))}
    published = dict(session.exec(select(PublishedRating.id, PublishedRating.published_at)
                                  .where(PublishedRating.id.in_([r.id for r in current.values()]))).all())
    ratings = sorted(({"id": r.id, "company": names[r.company_id], "grade": r.grade, "score": round(r.score, 1),
                       "published_at": published[r.id]} for r in current.values()), key=lambda r: r["company"])
    listed = proposals.list_proposals(session, kind="withdrawal")
    return {"ratings": ratings,
            "pending": [proposals.describe(session, p) for p in listed if p.status == "pending"],
            "decided": [proposals.describe(session, p) for p in reversed(listed) if p.status != "pending"]}
