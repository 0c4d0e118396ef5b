"""Public lookups: a barcode to its product, brand, company, rating and better alternatives.

Resolution order (DESIGN.md, Barcodes): known product -> longest registered GS1 company prefix ->
upstream product database (when configured) -> not found.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional, Union

from sqlmodel import Session, select

from ratings import categories
from ratings.barcodes import Barcode, parse_barcode
from ratings.categories import Category
from ratings.catalog import create_product
from ratings.db import transaction
from ratings.errors import Conflict, NotFound
from ratings.models import Brand, CatalogChange, Company, Gs1Prefix, Industry, Product, PublishedRating
from ratings.publishing import current_grades, current_rating, grade_rank
from ratings.rating_requests import request_link
from ratings.upstream import UpstreamProduct
from ratings.search import match_brand, normalise

ALTERNATIVES = 3
FUZZY_UPSTREAM = "upstream_fuzzy"


@dataclass(frozen=True)
class BarcodeMatch:
    barcode: Barcode
    match: str  # product | gs1_prefix | upstream
    product: Optional[Product]
    brand: Optional[Brand]
    company: Optional[Company]  # None only for an upstream product whose brand we do not know
    rating: Optional[PublishedRating]
    upstream: Optional[UpstreamProduct] = None  # what upstream said of a product we could not store


# An upstream resolver takes (session, barcode) and returns a Product it stored, what upstream said of a product
# whose brand we do not know (an UpstreamProduct: shown, not stored), or None.
UpstreamResolver = Callable[[Session, Barcode], Union[Product, UpstreamProduct, None]]


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
        if isinstance(product, UpstreamProduct):  # a name we can show, of a brand nobody rated yet
            return BarcodeMatch(barcode, "upstream", None, None, None, None, upstream=product)
        if product is not None:
            return _product_match(session, barcode, product, "upstream")
    raise NotFound(f"No product or brand is known for barcode {barcode.gtin}.", code="barcode_not_found",
                   extra={"rating_request": request_link(gtin=barcode.gtin)})


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


@dataclass(frozen=True)
class Alternative:
    brand: Brand
    company: Company
    rating: Any  # grade and score of its company's current rating (see current_grades)
    shared_category: Optional[Category]  # the product category it has in common with the scanned brand, if any
    reason: str  # "A- vs C in apparel, knitwear"


@dataclass(frozen=True)
class _Candidate:
    rank: int
    score: float
    name: str
    brand_id: int
    company_id: int
    group: int  # the top parent of its company: brands of one group are one choice
    rating: Any
    categories: frozenset  # its main category and those of its products


def alternatives(session: Session, *, industry_id: int | None, than: PublishedRating | None, exclude_company: int | None,
                 brand: Brand | None = None, category: str | None = None) -> list[Alternative]:
    """Up to three better-graded brands of the same industry, at most one per company group and none of the scanned
    brand's group, ranked by grade, then by closeness of product category: first those that make `category` (the
    scanned product's, else the brand's main one), then those sharing another category of the scanned brand, then
    the rest of the industry; within that by score, then name. Each says why, in words."""
    if industry_id is None:
        return []
    industry = session.get(Industry, industry_id)
    held = _industry_candidates(session, industry_id)
    wanted = wanted_categories(category, brand_made(session, brand))
    bar = grade_rank(than) if than is not None else None
    excluded = held.groups.get(exclude_company, exclude_company) if exclude_company is not None else None
    ranked = choose(held.ranking, wanted, bar, excluded)
    if not ranked:
        return []
    ids = [c.brand_id for _, c, _ in ranked]
    brands = {b.id: b for b in session.exec(select(Brand).where(Brand.id.in_(ids)))}
    companies = {c.id: c for c in session.exec(select(Company).where(Company.id.in_([c.company_id for _, c, _ in ranked])))}
    found = []
    for _near, candidate, shared in ranked:
        found_category = categories.get(industry.slug, shared)
        found.append(Alternative(brands[candidate.brand_id], companies[candidate.company_id], candidate.rating,
                                 found_category, reason(candidate.rating.grade, than.grade if than is not None else None,
                                                        industry.slug, found_category)))
    return found


class Ranking:
    """Rated brands of an industry grouped by grade rank, best first; within a rank by score (best first), then
    name, then id, with the positions of the brands that make each category: what `choose` walks, so that picking
    three alternatives reads a few candidates instead of sorting the whole industry per lookup."""

    def __init__(self, candidates: Iterable):
        buckets: dict[int, list] = {}
        for candidate in candidates:
            buckets.setdefault(candidate.rank, []).append(candidate)
        self.buckets: list[tuple[int, list, dict[str, list[int]]]] = []
        for rank in sorted(buckets):
            ordered = sorted(buckets[rank], key=lambda c: (-c.score, c.name, c.brand_id))
            making: dict[str, list[int]] = {}
            for position, candidate in enumerate(ordered):
                for category in candidate.categories:
                    making.setdefault(category, []).append(position)
            self.buckets.append((rank, ordered, making))


def choose(ranking: Ranking, wanted: list[str], bar: int | None, excluded: int | None) -> list[tuple]:
    """The alternatives, best first, as (closeness, candidate, shared category): only grades better than `bar`,
    at most one brand per company group and none of group `excluded`; by grade, then closeness of category
    (`_closeness`), then score, name and id. The one ranking rule, for the general path and the read model."""
    chosen: list[tuple] = []
    taken = {excluded}
    for rank, ordered, making in ranking.buckets:
        if bar is not None and rank >= bar:
            break  # best first: none of the rest is better either
        for closeness, candidate in _by_closeness(ordered, making, wanted):
            if candidate.group in taken:
                continue
            taken.add(candidate.group)
            chosen.append((closeness, candidate, _closeness(wanted, candidate.categories)[1]))
            if len(chosen) == ALTERNATIVES:
                return chosen
    return chosen


def _by_closeness(ordered: list, making: dict[str, list[int]], wanted: list[str]) -> Iterator[tuple[int, Any]]:
    """A rank's candidates in choosing order (closeness, then their order within the rank), lazily."""
    if wanted:
        for position in making.get(wanted[0], ()):
            yield 0, ordered[position]
        last = None
        for position in heapq.merge(*(making[c] for c in wanted[1:] if c in making)):
            if position != last and wanted[0] not in ordered[position].categories:
                yield 1, ordered[position]
            last = position
    wanted_set = set(wanted)
    for candidate in ordered:
        if wanted_set.isdisjoint(candidate.categories):
            yield 2, candidate


def brand_made(session: Session, brand: Brand | None) -> list[str]:
    """What a brand makes: its main category, then the other categories of its products (sorted)."""
    if brand is None:
        return []
    return made_of(brand.category, session.exec(select(Product.category).where(
        Product.brand_id == brand.id, Product.category.is_not(None)).distinct().order_by(Product.category)))


def made_of(main: str | None, product_categories) -> list[str]:
    """`product_categories` in the database's order (ORDER BY category: its collation, not Python's, decides
    which shared category an alternative names)."""
    return list(dict.fromkeys([*([main] if main else []), *product_categories]))


def wanted_categories(category: str | None, made: list[str]) -> list[str]:
    """The scanned item's category first, then the brand's main one, then the other categories it makes."""
    return list(dict.fromkeys([category, *made] if category else made))


def _closeness(wanted: list[str], offered: frozenset) -> tuple[int, str | None]:
    """0: it makes the scanned product's category; 1: another category of the scanned brand; 2: the industry only."""
    for position, category in enumerate(wanted):
        if category in offered:
            return (0 if position == 0 else 1), category
    return 2, None


def reason(grade: str, than_grade: str | None, industry_slug: str, category: Category | None) -> str:
    """Why an alternative is offered: "A- vs C in apparel, knitwear"."""
    where = industry_slug + (f", {category.name.lower()}" if category else "")
    return f"{grade} vs {than_grade if than_grade is not None else 'not rated'} in {where}"


@dataclass(frozen=True)
class _IndustryCandidates:
    ranking: Ranking  # the rated brands of the industry
    groups: dict[int, int]  # company id -> id of its top parent (every company)


# Per process: industry -> (catalog version, its candidates). Every change of a company, brand, product, rating or
# withdrawal appends to the catalog change log, so an unchanged version means unchanged candidates.
_RANKED: dict[int, tuple[tuple, _IndustryCandidates]] = {}


def _industry_candidates(session: Session, industry_id: int) -> _IndustryCandidates:
    """Every brand of the industry whose company has a current rating. Recomputing this for every lookup was
    most of a lookup's time."""
    version = catalog_version_key(session)
    held = _RANKED.get(industry_id)
    if held is not None and held[0] == version:
        return held[1]
    current = current_grades(session, select(Brand.company_id).where(Brand.industry_id == industry_id))
    brands = session.exec(select(Brand.id, Brand.name, Brand.company_id, Brand.category)
                          .where(Brand.industry_id == industry_id, Brand.company_id.in_(list(current)))).all() if current else []
    made: dict[int, set] = {b.id: ({b.category} if b.category else set()) for b in brands}
    if brands:
        rated_brands = select(Brand.id).where(Brand.industry_id == industry_id, Brand.company_id.in_(list(current)))
        for brand_id, category in session.exec(select(Product.brand_id, Product.category).where(
                Product.brand_id.in_(rated_brands), Product.category.is_not(None)).distinct()):
            made[brand_id].add(category)
    parents = dict(session.exec(select(Company.id, Company.parent_id)).all())
    groups = {company_id: top_parent(company_id, parents) for company_id in parents}
    held_now = _IndustryCandidates(Ranking(
        _Candidate(grade_rank(current[b.company_id]), current[b.company_id].score, b.name, b.id, b.company_id,
                   groups.get(b.company_id, b.company_id), current[b.company_id], frozenset(made[b.id]))
        for b in brands), groups)
    _RANKED[industry_id] = (version, held_now)
    return held_now


def catalog_version_key(session: Session) -> tuple:
    """What per-process models built from the catalog are held under: the newest change's id and time (an id
    alone could repeat in another database, e.g. one test's after another's). One indexed read."""
    return tuple(session.exec(select(CatalogChange.id, CatalogChange.at).order_by(CatalogChange.id.desc()).limit(1)).first() or ())


def top_parent(company_id: int, parents: dict[int, int | None]) -> int:
    seen = {company_id}
    while parents.get(company_id) is not None and parents[company_id] not in seen:  # a cycle would be a data bug
        company_id = parents[company_id]
        seen.add(company_id)
    return company_id


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
