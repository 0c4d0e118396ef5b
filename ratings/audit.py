"""The audit trail: every write leaves who did what to which entity, before and after."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from ratings.errors import Invalid
from ratings.models import AuditEvent, User


def snapshot(entity: SQLModel | None) -> dict[str, Any] | None:
    return None if entity is None else entity.model_dump(mode="json")


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: SQLModel,
    before: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record `action` on `entity`; call after the change so the row has its id and new state."""
    session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        entity_type=type(entity).__name__,
        entity_id=str(getattr(entity, "id", "")),
        before=before,
        after=snapshot(entity),
    )
    session.add(event)
    return event


# --- Reading the trail (the admin console's audit log) ------------------------------------------------

AUDIT_PAGE_SIZE = 50


def list_events(session: Session, *, actor: str | None = None, entity: str | None = None, action: str | None = None,
                since: str | date | None = None, until: str | date | None = None, page: int = 1,
                page_size: int = AUDIT_PAGE_SIZE) -> dict[str, Any]:
    """Audit events, newest first. `actor`: an email (or "system" for the CLI and imports); `entity`: a type
    (`Company`) or `Type:id`; `action`: an exact action or a prefix ending in "." (`proposal.`); `since` and
    `until`: dates (inclusive, UTC days)."""
    query = select(AuditEvent)
    if actor:
        if actor.strip().lower() == "system":
            query = query.where(AuditEvent.actor_id.is_(None))
        else:
            user = session.exec(select(User).where(User.email == actor.strip().lower())).first()
            query = query.where(AuditEvent.actor_id == (user.id if user else -1))
    if entity:
        kind, _, entity_id = entity.strip().partition(":")
        query = query.where(AuditEvent.entity_type == kind)
        if entity_id:
            query = query.where(AuditEvent.entity_id == entity_id)
    if action:
        action = action.strip()
        query = query.where(AuditEvent.action.startswith(action) if action.endswith(".") else AuditEvent.action == action)
    start, end = _day(since, "since"), _day(until, "until")
    if start and end and end < start:
        raise Invalid("The end date is before the start date.", code="invalid_dates", errors={"until": ["Before since."]})
    if start:
        query = query.where(AuditEvent.at >= datetime.combine(start, time.min, timezone.utc))
    if end:
        query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, timezone.utc))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = max(1, page)
    rows = session.exec(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                        .offset((page - 1) * page_size).limit(page_size)).all()
    emails = {u.id: u.email for u in session.exec(select(User).where(User.id.in_({r.actor_id for r in rows if r.actor_id})))}
    items = [{"id": r.id, "at": r.at, "actor": emails.get(r.actor_id) if r.actor_id else None, "action": r.action,
              "entity": f"{r.entity_type}:{r.entity_id}", "before": r.before, "after": r.after} for r in rows]
    return {"items": items, "page": page, "page_size": page_size, "total": total,
            "actions": sorted(session.exec(select(AuditEvent.action).distinct()).all())}


def _day(value: str | date | None, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{field} must be a date like 2026-12-31.", code="invalid_dates",
                      errors={field: ["A date like 2026-12-31."]}) from None
