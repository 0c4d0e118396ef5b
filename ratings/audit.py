"""The audit trail: every write leaves who did what to which entity, before and after."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

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
