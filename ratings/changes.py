"""The catalog change log: the one catalog version every cache, the offline bundle and `/v1/changes` key on.

Every flush that touches what the public sees (companies, brands, products, GS1 prefixes, ratings,
withdrawals, accepted replies) appends a CatalogChange in the same transaction, whoever writes
(API, CLI, import, restore), so the log can never miss a committed change. The id of its newest row
is the catalog version. Drafts, audit rows, comments and proposals never append: no anonymous
request can move the version.

Two rules keep the version a faithful signal:
- Ids are assigned in commit order. On PostgreSQL a sequence hands out ids at insert time, so two
  overlapping writers could commit 11 before 10, and a cache built at version 11 would never see 10.
  Appending therefore takes a transaction-scoped advisory lock, held until commit (SQLite serialises
  writers by itself). The same step NOTIFYs serving processes, delivered when the transaction commits
  (ratings/version_feed.py).
- Versions are never reused. A restore starts an epoch: a row whose id is above every version the
  replaced database ever issued, and deltas from before it are refused (clients resync).
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import event, func, insert, text
from sqlmodel import Session, select

from ratings.models import (Brand, CatalogChange, Company, CompanyResponse, Gs1Prefix, Product, PublishedRating,
                            RatingWithdrawal)
from ratings.types import utcnow

ENTITIES = ("company", "brand", "gtin", "prefix")  # what a delta carries
EPOCH = "epoch"  # a restore: versions before it cannot be brought up to date
NOTIFY_CHANNEL = "catalog_version"  # PostgreSQL: delivered to listeners when the appending transaction commits
_APPEND_LOCK = 7_208_431  # any constant shared by every writer of this database


def record(session: Session, entity: str, keys: Iterable[str]) -> None:
    """Append changes written outside the ORM's unit of work (the importer's multi-row statements). Such writers
    also tell the lookup read model which brands they changed (`ratings.lookup_model.touch`)."""
    rows = [{"entity": entity, "key": key, "at": utcnow()} for key in keys]
    if rows:
        _serialise_appends(session)
        session.execute(insert(CatalogChange), rows)


def current_version(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(CatalogChange.id), 0))).one()


def oldest_version(session: Session) -> int:
    """The oldest version `changed_keys` can bring up to date: not before the last epoch, nor a pruned log."""
    epoch = session.exec(select(func.max(CatalogChange.id)).where(CatalogChange.entity == EPOCH)).one()
    if epoch is not None:
        return epoch
    first = session.exec(select(func.min(CatalogChange.id))).one()
    return 0 if first is None else first - 1


def changed_keys(session: Session, since: int) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {entity: set() for entity in ENTITIES}
    query = select(CatalogChange.entity, CatalogChange.key).where(CatalogChange.id > since, CatalogChange.entity != EPOCH)
    for entity, key in session.exec(query):
        keys[entity].add(key)
    return keys


def start_epoch(session: Session, *, above: int) -> int:
    """Move the version past `above` (every version the replaced database issued) and mark the epoch."""
    floor = max(above, current_version(session))
    _serialise_appends(session)
    if session.get_bind().dialect.name == "postgresql":
        # The next id is floor + 1 (setval's third argument says whether `value` itself was used already).
        session.execute(text("SELECT setval(pg_get_serial_sequence('catalogchange', 'id'), :value, :used)"),
                        {"value": max(floor, 1), "used": floor >= 1})
        marker = CatalogChange(entity=EPOCH, key="restore")
    else:
        marker = CatalogChange(id=floor + 1, entity=EPOCH, key="restore")
    session.add(marker)
    session.flush()
    return marker.id


def _serialise_appends(session: Session) -> None:
    """Hold the append lock until commit, and tell listening processes when the commit lands."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK})
        session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))  # PostgreSQL folds repeats within one transaction


@event.listens_for(Session, "before_flush")
def _log_changes(session, _flush_context, _instances) -> None:
    with session.no_autoflush:
        _append_changes(session)


def _append_changes(session) -> None:
    touched: dict[str, set[str]] = {entity: set() for entity in ENTITIES}
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
        elif isinstance(obj, CompanyResponse) and obj.status == "accepted":  # shown on the public scorecard
            touched["company"].add(session.get(Company, obj.company_id).slug)
    if any(touched.values()):
        _serialise_appends(session)
    for entity, keys in touched.items():
        session.add_all(CatalogChange(entity=entity, key=key) for key in sorted(keys))


def _company_slug(session: Session, obj) -> str:
    company_id = obj.company_id if isinstance(obj, PublishedRating) else session.get(PublishedRating, obj.rating_id).company_id
    return session.get(Company, company_id).slug
