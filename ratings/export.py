"""The offline bundle for mobile apps, and the deltas that keep it current.

The bundle is NDJSON, one record per line: companies and brands with their current rating, every
GTIN -> brand and every GS1 prefix -> company. It is streamed from the database in batches, so the
catalog is never held in memory. `/v1/changes` answers with the same records for every key changed
since a version (or a delete when the key is gone): applying them to an older bundle gives the current one.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlmodel import Session, select

from ratings import changes
from ratings.errors import Gone
from ratings.models import Brand, Company, Gs1Prefix, Industry, Product, PublishedRating
from ratings.publishing import current_grades

BATCH = 10_000
MAX_DELTA = 20_000  # past this a fresh bundle is smaller and faster than the delta
FORMAT = 1


def _rating(rating: PublishedRating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "grade": rating.grade, "score": round(rating.score, 1), "scale": rating.scale,
        "categories": {cid: c.get("grade") for cid, c in rating.categories.items()},
        "published_at": rating.published_at.isoformat(),
    }


class _Lookups:
    """What records refer to by id, loaded once (companies, industries, ratings: small tables)."""

    def __init__(self, session: Session):
        self.company_slug = dict(session.exec(select(Company.id, Company.slug)).all())
        self.industry_slug = dict(session.exec(select(Industry.id, Industry.slug)).all())
        # Only the columns a record shows: 2,000 full ratings (with their results) took 300 MB.
        shown = (PublishedRating.scale, PublishedRating.categories, PublishedRating.published_at)
        self.ratings = {c: _rating(r) for c, r in current_grades(session, extra=shown).items()}


def company_record(company: Company, lookups: _Lookups) -> dict[str, Any]:
    return {"type": "company", "slug": company.slug, "name": company.name, "rating": lookups.ratings.get(company.id)}


def brand_record(brand: Brand, lookups: _Lookups) -> dict[str, Any]:
    return {
        "type": "brand", "slug": brand.slug, "name": brand.name, "aliases": brand.aliases,
        "industry": lookups.industry_slug.get(brand.industry_id), "company": lookups.company_slug[brand.company_id],
        "rating": lookups.ratings.get(brand.company_id),
    }


def records(session: Session) -> Iterator[dict[str, Any]]:
    """Every record of the bundle, in a stable order, streamed."""
    lookups = _Lookups(session)
    for company in session.exec(select(Company).order_by(Company.slug)):
        yield company_record(company, lookups)
    for brand in session.exec(select(Brand).order_by(Brand.slug)):
        yield brand_record(brand, lookups)
    for prefix, company_id in session.exec(select(Gs1Prefix.prefix, Gs1Prefix.company_id).order_by(Gs1Prefix.prefix)):
        yield {"type": "prefix", "prefix": prefix, "company": lookups.company_slug[company_id]}
    rows = session.exec(
        select(Product.gtin, Brand.slug).join(Brand, Brand.id == Product.brand_id)
        .where(Product.source != "upstream_fuzzy").order_by(Product.gtin)  # a fuzzy guess shows no grade offline either
        .execution_options(yield_per=BATCH)
    )
    for gtin, brand in rows:
        yield {"type": "gtin", "gtin": gtin, "brand": brand}


def write_bundle(session: Session, directory: Path) -> tuple[int, Path]:
    """Build the bundle of the current version once; later calls for that version reuse the file."""
    version = changes.current_version(session)
    path = directory / f"catalog-v{version}.ndjson.gz"
    if path.exists():
        return version, path
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(_line({"type": "header", "format": FORMAT, "version": version}))
        for record in records(session):
            out.write(_line(record))
    os.replace(temporary, path)  # atomic: a concurrent builder of the same version writes the same bytes
    for old in directory.glob("catalog-v*.ndjson.gz"):
        if old != path and _version_of(old) < version - 1:
            old.unlink(missing_ok=True)
    return version, path


def changes_since(session: Session, since: int) -> dict[str, Any]:
    """What changed after version `since`: upserts with the full record, deletes by key."""
    current = changes.current_version(session)
    if since < changes.oldest_version(session) or since > current:
        raise Gone(
            f"Version {since} cannot be brought up to date from here (current {current}); download /v1/export again.",
            code="resync_required",
        )
    keys = changes.changed_keys(session, since)
    if sum(len(k) for k in keys.values()) > MAX_DELTA:
        raise Gone(f"More than {MAX_DELTA} records changed since version {since}; download /v1/export again.",
                      code="resync_required")
    lookups = _Lookups(session)
    found: list[dict[str, Any]] = []
    companies = {c.slug: c for c in _in(session, Company, Company.slug, keys["company"])}
    brands = {b.slug: b for b in _in(session, Brand, Brand.slug, keys["brand"])}
    for company in companies.values():  # a new rating changes every brand of the company
        brands.update({b.slug: b for b in session.exec(select(Brand).where(Brand.company_id == company.id))})
    products = dict(session.exec(select(Product.gtin, Brand.slug).join(Brand, Brand.id == Product.brand_id)
                                 .where(Product.gtin.in_(keys["gtin"]), Product.source != "upstream_fuzzy")).all()) if keys["gtin"] else {}
    prefixes = dict(session.exec(select(Gs1Prefix.prefix, Company.slug).join(Company, Company.id == Gs1Prefix.company_id)
                                 .where(Gs1Prefix.prefix.in_(keys["prefix"]))).all()) if keys["prefix"] else {}
    for slug in sorted(keys["company"]):
        found.append(_upsert(company_record(companies[slug], lookups)) if slug in companies else _delete("company", slug))
    for slug in sorted(keys["brand"] | set(brands)):
        found.append(_upsert(brand_record(brands[slug], lookups)) if slug in brands else _delete("brand", slug))
    for prefix in sorted(keys["prefix"]):
        found.append(_upsert({"type": "prefix", "prefix": prefix, "company": prefixes[prefix]}) if prefix in prefixes
                     else _delete("prefix", prefix))
    for gtin in sorted(keys["gtin"]):
        found.append(_upsert({"type": "gtin", "gtin": gtin, "brand": products[gtin]}) if gtin in products
                     else _delete("gtin", gtin))
    return {"version": current, "since": since, "changes": found}


def _in(session: Session, model, column, values: Iterable[str]):
    values = list(values)
    return session.exec(select(model).where(column.in_(values))).all() if values else []


def _upsert(record: dict[str, Any]) -> dict[str, Any]:
    return {"op": "upsert", "record": record}


def _delete(kind: str, key: str) -> dict[str, Any]:
    return {"op": "delete", "type": kind, "key": key}


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def _version_of(path: Path) -> int:
    try:
        return int(path.name.removeprefix("catalog-v").split(".")[0])
    except ValueError:
        return -1
