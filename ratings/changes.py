"""The catalog change log behind `/v1/export` and `/v1/changes`.

Every flush that touches what the offline bundle holds appends a CatalogChange in the same
transaction, so the log can never miss a committed change. Its ids are the catalog versions.
Bulk writes that bypass the ORM (the importer's multi-row inserts) call `record` themselves.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import event, func, insert
from sqlmodel import Session, select

from ratings.models import Brand, CatalogChange, Company, Gs1Prefix, Product, PublishedRating, RatingWithdrawal
from ratings.types import utcnow


def record(session: Session, entity: str, keys: Iterable[str]) -> None:
    rows = [{"entity": entity, "key": key, "at": utcnow()} for key in keys]
    if rows:
        session.execute(insert(CatalogChange), rows)


def current_version(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(CatalogChange.id), 0))).one()


def oldest_version(session: Session) -> int:
    """The oldest version `changes_since` can answer from (older logs may be pruned)."""
    first = session.exec(select(func.min(CatalogChange.id))).one()
    return 0 if first is None else first - 1


def changed_keys(session: Session, since: int) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {"company": set(), "brand": set(), "gtin": set(), "prefix": set()}
    for entity, key in session.exec(select(CatalogChange.entity, CatalogChange.key).where(CatalogChange.id > since)):
        keys[entity].add(key)
    return keys


@event.listens_for(Session, "before_flush")
def _log_changes(session, _flush_context, _instances) -> None:
    with session.no_autoflush:
        _append_changes(session)


def _append_changes(session) -> None:
    touched: dict[str, set[str]] = {"company": set(), "brand": set(), "gtin": set(), "prefix": set()}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Company):
            touched["company"].add(obj.slug)
        elif isinstance(obj, Brand):
            touched["brand"].add(obj.slug)
        elif isinstance(obj, Product):
            touched["gtin"].add(obj.gtin)
        elif isinstance(obj, Gs1Prefix):
            touched["prefix"].add(obj.prefix)
        elif isinstance(obj, (PublishedRating, RatingWithdrawal)):
            touched["company"].add(_company_slug(session, obj))
    for entity, keys in touched.items():
        session.add_all(CatalogChange(entity=entity, key=key) for key in sorted(keys))


def _company_slug(session: Session, obj) -> str:
    company_id = obj.company_id if isinstance(obj, PublishedRating) else session.get(PublishedRating, obj.rating_id).company_id
    return session.get(Company, company_id).slug
