"""Slugs come from names, are unique per table, and never change once given."""

from __future__ import annotations

from slugify import slugify
from sqlmodel import Session, select

from ratings import rules
from ratings.errors import Conflict, Invalid


def unique_slug(session: Session, model, name: str, requested: str | None = None) -> str:
    """`requested` must be free; otherwise derive one from `name`, adding -2, -3 ... until free."""
    if requested is not None:
        problems = rules.slug(requested)
        if problems:
            raise Invalid(f"Slug {requested!r} {problems[0]}.", code="invalid_slug", errors={"slug": problems})
        if _taken(session, model, requested):
            raise Conflict(f"The slug {requested!r} is already taken.", code="duplicate_slug")
        return requested
    base = slugify(name, max_length=100) or "item"
    candidate, n = base, 1
    while _taken(session, model, candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _taken(session: Session, model, slug: str) -> bool:
    return session.exec(select(model.id).where(model.slug == slug)).first() is not None
