"""Public lookups: a barcode to its product, brand, company, rating and better alternatives.

Resolution order (DESIGN.md, Barcodes): known product -> longest registered GS1 company prefix ->
upstream product database (when configured) -> not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from sqlmodel import Session, select

from ratings.barcodes import Barcode, parse_barcode
from ratings.catalog import create_product
from ratings.db import transaction
from ratings.errors import Conflict, NotFound
from ratings.models import Brand, Company, Gs1Prefix, Industry, Product, PublishedRating
from ratings.publishing import current_rating
from ratings.search import match_brand, normalise

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
