"""Public lookups: a barcode to its product, brand, company, rating and better alternatives.

Resolution order (DESIGN.md, Barcodes): known product -> longest registered GS1 company prefix ->
upstream product database (when configured) -> not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from sqlmodel import Session, select

from ratings.barcodes import Barcode, parse_barcode
from ratings.catalog import create_product
from ratings.db import transaction
from ratings.errors import Conflict, NotFound
from ratings.models import Brand, CatalogChange, Company, Gs1Prefix, Industry, Product, PublishedRating
from ratings.publishing import current_grades, current_rating, grade_rank
from ratings.search import match_brand, normalise

ALTERNATIVES = 3
FUZZY_UPSTREAM = "upstream_fuzzy"


@dataclass(frozen=True)
class BarcodeMatch:
    barcode: Barcode
    match: str  # product | gs1_prefix | upstream
    product: Optional[Product]
    brand: Optional[Brand]
    company: Company
    rating: Optional[PublishedRating]


# An upstream resolver takes (session, barcode) and returns a Product it stored, or None.
UpstreamResolver = Callable[[Session, Barcode], Optional[Product]]


def lookup_barcode(session: Session, *, code: str, upstream: UpstreamResolver | None = None) -> BarcodeMatch:
    barcode = parse_barcode(code)
    product = session.exec(select(Product).where(Product.gtin == barcode.gtin)).first()
    if product is not None:
        return _product_match(session, barcode, product, "product")
    prefix = longest_prefix(session, barcode)
    if prefix is not None:
        company = session.get(Company, prefix.company_id)
        return BarcodeMatch(barcode, "gs1_prefix", None, None, company, current_rating(session, company.id))
    if upstream is not None:
        product = upstream(session, barcode)
        if product is not None:
            return _product_match(session, barcode, product, "upstream")
    raise NotFound(f"No product or brand is known for barcode {barcode.gtin}.", code="barcode_not_found")


def longest_prefix(session: Session, barcode: Barcode) -> Gs1Prefix | None:
    """The longest registered GS1 company prefix of the code (a subsidiary's beats its parent's)."""
    candidates = [barcode.gtin13[:n] for n in range(4, 13)]
    return session.exec(
        select(Gs1Prefix).where(Gs1Prefix.prefix.in_(candidates)).order_by(Gs1Prefix.prefix.desc())
    ).first()  # equal-rooted candidates sort longest first


def _product_match(session: Session, barcode: Barcode, product: Product, match: str) -> BarcodeMatch:
    brand = session.get(Brand, product.brand_id)
    company = session.get(Company, brand.company_id)
    # A fuzzy upstream match is a guess until an analyst confirms it: it shows no grade ("not rated").
    rating = None if product.source == FUZZY_UPSTREAM else current_rating(session, company.id)
    return BarcodeMatch(barcode, match, product, brand, company, rating)


def alternatives(session: Session, *, industry_id: int | None, than: PublishedRating | None, exclude_company: int | None) -> list[tuple[Brand, Company, Any]]:
    """Up to three brands of the same industry with a better current grade, best first.

    Each comes with its company and its current rating's grade and score (see current_grades)."""
    if industry_id is None:
        return []
    bar = grade_rank(than) if than is not None else None
    chosen = []
    for rank, _score, _name, brand_id, company_id, rating in _ranked_brands(session, industry_id):
        if bar is not None and rank >= bar:
            break  # best first: none of the rest is better either
        if company_id != exclude_company:
            chosen.append((brand_id, company_id, rating))
            if len(chosen) == ALTERNATIVES:
                break
    brands = {b.id: b for b in session.exec(select(Brand).where(Brand.id.in_([b for b, _, _ in chosen])))} if chosen else {}
    companies = {c.id: c for c in session.exec(select(Company).where(Company.id.in_([c for _, c, _ in chosen])))} if chosen else {}
    return [(brands[b], companies[c], rating) for b, c, rating in chosen]


# Per process: industry -> (catalog version, its rated brands ranked). Every change of a company, brand,
# rating or withdrawal appends to the catalog change log, so an unchanged version means unchanged ranks.
_RANKED: dict[int, tuple[tuple, list]] = {}


def _ranked_brands(session: Session, industry_id: int) -> list[tuple]:
    """(grade rank, -score, name, brand id, company id, rating) of every brand of the industry whose company
    has a current rating, best first. Recomputing this for every lookup was most of a lookup's time."""
    # The newest change's id and time: an id alone could repeat in another database with the same industry ids.
    version = tuple(session.exec(select(CatalogChange.id, CatalogChange.at).order_by(CatalogChange.id.desc()).limit(1)).first() or ())
    held = _RANKED.get(industry_id)
    if held is not None and held[0] == version:
        return held[1]
    current = current_grades(session, select(Brand.company_id).where(Brand.industry_id == industry_id))
    brands = session.exec(select(Brand.id, Brand.name, Brand.company_id)
                          .where(Brand.industry_id == industry_id, Brand.company_id.in_(list(current)))).all() if current else []
    ranked = sorted((grade_rank(current[b.company_id]), -current[b.company_id].score, b.name, b.id, b.company_id,
                     current[b.company_id]) for b in brands)
    _RANKED[industry_id] = (version, ranked)
    return ranked


def industry_of(session: Session, brand: Brand | None) -> Industry | None:
    return session.get(Industry, brand.industry_id) if brand and brand.industry_id else None


def store_upstream_product(session: Session, found) -> Product | None:
    """Keep an upstream product whose brand we know, so the next lookup is local; None if unknown.
    Only a match exact on a brand's name or alias (after normalising) may show a grade; a fuzzy one is
    stored as "upstream_fuzzy" for an analyst to confirm, and answers "not rated" meanwhile."""
    brand = match_brand(session, found.brands)
    if brand is None:
        return None
    exact = {normalise(name) for name in (brand.name, *brand.aliases)} & {normalise(name) for name in found.brands}
    try:
        with transaction(session):
            return create_product(session, gtin=found.gtin, name=found.name, brand=brand.slug,
                                  source="upstream" if exact else FUZZY_UPSTREAM)
    except Conflict:  # another worker stored it first
        return session.exec(select(Product).where(Product.gtin == found.gtin)).one()
