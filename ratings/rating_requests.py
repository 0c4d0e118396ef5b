"""Rating requests: people ask for a rating of what we cannot grade yet, and research follows the demand.

A request names a GTIN, a brand slug or a company slug. A GTIN of a known product counts for its brand, a
GTIN under a registered GS1 prefix for that company, any other GTIN for itself; the GTIN is kept with the
target as one of "the barcodes scanned".

One count per client per target per UTC day. The client is known only as a keyed hash of its address under
a salt of the day (`client_hash`): the caller supplies the salt, keeps it only outside the database (the
cache, with a lifetime ending with the day) and throws it away, so a stored hash cannot be reversed by
trying every address. Rows of earlier days are deleted as new requests arrive, so no hash outlives its day.

Requests are not catalog state: they never append to the catalog change log, so no anonymous request moves
the catalog version or flushes a cache.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ratings import catalog, rules
from ratings.barcodes import parse_barcode
from ratings.errors import Invalid
from ratings.models import Brand, Company, Product, RatingRequest, RatingRequestGtin, RatingRequestHit
from ratings.types import utcnow

HREF = "/v1/rating-requests"
TARGETS = ("gtin", "brand", "company")
BARCODES_SHOWN = 20  # the most scanned barcodes of a target, in the analysts' list


def request_link(**target: str) -> dict[str, Any]:
    """How a client asks for a rating of what it was just shown (DESIGN "Shapes")."""
    return {"href": HREF, "method": "POST", "body": target}


def client_hash(address: str, salt: str) -> str:
    """A keyed hash of the client's address under the day's secret salt (hex, 64 characters)."""
    return hmac.new(salt.encode(), (address or "").encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Counted:
    target_type: str
    target_key: str
    counted: bool  # False: this client asked for this target today already
    gtin: str | None


def request_rating(session: Session, *, client: str, gtin: str | None = None, brand: str | None = None,
                   company: str | None = None, now: datetime | None = None) -> Counted:
    """Count a request for a rating, at most once per client (its hash) per target per day."""
    now = now or utcnow()
    named = {k: v for k, v in (("gtin", gtin), ("brand", brand), ("company", company)) if v is not None}
    if len(named) != 1:
        raise Invalid("Name exactly one of gtin, brand or company.", code="invalid_rating_request",
                      errors={k: ["Name exactly one of gtin, brand or company."] for k in (named or {"gtin": None})})
    target_type, target_key, brand_row, company_row, scanned = _target(session, named)
    day = now.date()
    session.execute(delete(RatingRequestHit).where(RatingRequestHit.day < day))  # yesterday's hashes go
    request = _request_row(session, target_type, target_key, brand_row, company_row, now)
    try:
        with session.begin_nested():
            session.add(RatingRequestHit(request_id=request.id, day=day, client_hash=client))
    except IntegrityError:  # counted already today (maybe by a request racing this one)
        return Counted(target_type, target_key, False, scanned)
    session.execute(update(RatingRequest).where(RatingRequest.id == request.id)
                    .values(count=RatingRequest.count + 1, last_requested_at=now))
    if scanned is not None:
        row = _gtin_row(session, request.id, scanned)
        session.execute(update(RatingRequestGtin).where(RatingRequestGtin.id == row.id).values(count=RatingRequestGtin.count + 1))
    session.expire(request)
    return Counted(target_type, target_key, True, scanned)


def _target(session: Session, named: dict[str, str]):
    """(type, key, brand, company, scanned gtin) of what the request is for."""
    if "brand" in named:
        brand = catalog.get_brand(session, named["brand"])
        return "brand", brand.slug, brand, session.get(Company, brand.company_id), None
    if "company" in named:
        company = catalog.get_company(session, named["company"])
        return "company", company.slug, None, company, None
    barcode = parse_barcode(str(named["gtin"]))  # Malformed 400 / Invalid 422 (restricted) as for lookups
    product = session.exec(select(Product).where(Product.gtin == barcode.gtin)).first()
    if product is not None:
        brand = session.get(Brand, product.brand_id)
        return "brand", brand.slug, brand, session.get(Company, brand.company_id), barcode.gtin
    from ratings.lookup import longest_prefix  # lookup imports search, which is heavy; only needed here

    prefix = longest_prefix(session, barcode)
    if prefix is not None:
        company = session.get(Company, prefix.company_id)
        return "company", company.slug, None, company, barcode.gtin
    return "gtin", barcode.gtin, None, None, barcode.gtin


def _request_row(session: Session, target_type: str, target_key: str, brand: Brand | None, company: Company | None,
                 now: datetime) -> RatingRequest:
    query = select(RatingRequest).where(RatingRequest.target_type == target_type, RatingRequest.target_key == target_key)
    found = session.exec(query).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            found = RatingRequest(target_type=target_type, target_key=target_key, brand_id=brand.id if brand else None,
                                  company_id=company.id if company else None, count=0,
                                  first_requested_at=now, last_requested_at=now)
            session.add(found)
        return found
    except IntegrityError:  # another request created it first
        return session.exec(query).one()


def _gtin_row(session: Session, request_id: int, gtin: str) -> RatingRequestGtin:
    query = select(RatingRequestGtin).where(RatingRequestGtin.request_id == request_id, RatingRequestGtin.gtin == gtin)
    found = session.exec(query).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            found = RatingRequestGtin(request_id=request_id, gtin=gtin, count=0)
            session.add(found)
        return found
    except IntegrityError:
        return session.exec(query).one()


def ranked_requests(session: Session, *, page: int, page_size: int, target_type: str | None = None) -> dict[str, Any]:
    """The analysts' list: most requested first (then most recent), with the barcodes people scanned."""
    rules.require_one_of(target_type, TARGETS, field="type", code="validation_failed")
    query = select(RatingRequest)
    counting = select(func.count()).select_from(RatingRequest)
    if target_type is not None:
        query = query.where(RatingRequest.target_type == target_type)
        counting = counting.where(RatingRequest.target_type == target_type)
    rows = session.exec(query.order_by(RatingRequest.count.desc(), RatingRequest.last_requested_at.desc(), RatingRequest.id)
                        .offset((page - 1) * page_size).limit(page_size)).all()
    brands = {b.id: b for b in session.exec(select(Brand).where(Brand.id.in_([r.brand_id for r in rows if r.brand_id])))}
    companies = {c.id: c for c in session.exec(select(Company).where(Company.id.in_([r.company_id for r in rows if r.company_id])))}
    barcodes: dict[int, list[dict]] = {r.id: [] for r in rows}
    if rows:
        for scanned in session.exec(select(RatingRequestGtin).where(RatingRequestGtin.request_id.in_(list(barcodes)))
                                    .order_by(RatingRequestGtin.count.desc(), RatingRequestGtin.gtin)):
            if len(barcodes[scanned.request_id]) < BARCODES_SHOWN:
                barcodes[scanned.request_id].append({"gtin": scanned.gtin, "count": scanned.count})
    items = [
        {
            "target": {"type": r.target_type, "key": r.target_key},
            "brand": _ref(brands.get(r.brand_id)),
            "company": _ref(companies.get(r.company_id)),
            "count": r.count,
            "first_requested_at": r.first_requested_at,
            "last_requested_at": r.last_requested_at,
            "barcodes": barcodes[r.id],
        }
        for r in rows
    ]
    return {"items": items, "page": page, "page_size": page_size, "total": session.exec(counting).one()}


def _ref(row) -> dict[str, str] | None:
    return None if row is None else {"slug": row.slug, "name": row.name}


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).date()
