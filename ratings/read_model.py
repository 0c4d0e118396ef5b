"""The lookup read model: what every barcode answer shares, built once per catalog version.

A lookup answer is the product's own row (product, brand, company: one query) plus things many
answers share: the company's current rating, industry slugs, and the better brands of the industry.
A LookupModel holds those; like the search index (ratings/search.py), it is built from the database
and kept by the caller for as long as the catalog version does not change (api/read_models.py), so
a cache miss costs one query instead of nine. Every write that can change what it holds (a company,
brand, rating, withdrawal, industry) moves the catalog version. A publication that moves an industry's
ranking rewrites no brand: alternatives are composed per request from the industry's ranked list,
built on first use (or by `warm`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ratings.models import Brand, Company, Industry, Product, PublishedRating
from ratings.publishing import current_grades, grade_rank

ALTERNATIVES = 3
# What rating_dict shows of a rating (ratings/public.py); never the engine's full result, which is large.
RATING_COLUMNS = (PublishedRating.methodology_version, PublishedRating.scale, PublishedRating.scale_reasons,
                  PublishedRating.categories, PublishedRating.stages, PublishedRating.published_at,
                  PublishedRating.inputs_hash)


def company_ref(company) -> dict[str, Any]:
    return {"slug": company.slug, "name": company.name, "country": company.country}


def brand_summary(brand, company, rating, industry: str | None) -> dict[str, Any]:
    return {
        "slug": brand.slug,
        "name": brand.name,
        "aliases": brand.aliases,
        "industry": industry,
        "company": company_ref(company),
        "grade": rating.grade if rating else None,
        "score": round(rating.score, 1) if rating else None,
    }


@dataclass
class LookupModel:
    industries: dict[int, str]  # id -> slug
    ratings: dict[int, Any]  # company id -> its current rating (current_grades row with RATING_COLUMNS)
    _ranked: dict[int, list[tuple]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, session: Session) -> "LookupModel":
        return cls({i.id: i.slug for i in session.exec(select(Industry))}, current_grades(session, extra=RATING_COLUMNS))

    def warm(self, session: Session) -> None:
        """Rank every industry now (a fresh worker, before its first request), not on the first lookups."""
        for industry_id in self.industries:
            self.ranked(session, industry_id)

    def rating_of(self, company_id: int):
        return self.ratings.get(company_id)

    def alternatives(self, session: Session, *, industry_id: int | None, than, exclude_company: int | None) -> list[dict[str, Any]]:
        """Up to three brands of the industry with a better current grade than `than`, best first, as summaries."""
        if industry_id is None:
            return []
        bar = grade_rank(than) if than is not None else None
        chosen = []
        for rank, _score, _name, _brand_id, company_id, summary in self.ranked(session, industry_id):
            if bar is not None and rank >= bar:
                break  # best first: none of the rest is better either
            if company_id != exclude_company:
                chosen.append(dict(summary))
                if len(chosen) == ALTERNATIVES:
                    break
        return chosen

    def ranked(self, session: Session, industry_id: int) -> list[tuple]:
        """(grade rank, -score, name, brand id, company id, summary) of every brand of the industry whose company
        has a current rating, best first."""
        held = self._ranked.get(industry_id)
        if held is None:
            with self._lock:
                held = self._ranked.get(industry_id)
                if held is None:
                    held = self._ranked[industry_id] = self._rank(session, industry_id)
        return held

    def _rank(self, session: Session, industry_id: int) -> list[tuple]:
        slug = self.industries.get(industry_id)
        rows = session.exec(select(*_BRAND_COLUMNS).join(Company, Company.id == Brand.company_id)
                            .where(Brand.industry_id == industry_id)).all()
        ranked = []
        for row in rows:
            rating = self.ratings.get(row.company_id)
            if rating is not None:
                brand, company = _brand_and_company(row)
                ranked.append((grade_rank(rating), -rating.score, brand.name, brand.id, row.company_id,
                               brand_summary(brand, company, rating, slug)))
        ranked.sort()  # brand ids are unique: the summaries are never compared
        return ranked


@dataclass(frozen=True)
class _Named:  # what brand_summary and company_ref read of a brand or a company
    id: int
    slug: str
    name: str
    aliases: list | None = None
    country: str | None = None
    industry_id: int | None = None


# A brand with its company in one row (the company's columns labelled company_*).
_BRAND_COLUMNS = (Brand.id, Brand.slug, Brand.name, Brand.aliases, Brand.industry_id, Brand.company_id,
                  Company.slug.label("company_slug"), Company.name.label("company_name"),
                  Company.country.label("company_country"))


def _brand_and_company(row) -> tuple[_Named, _Named]:
    return (_Named(row.id, row.slug, row.name, aliases=row.aliases, industry_id=row.industry_id),
            _Named(row.company_id, row.company_slug, row.company_name, country=row.company_country))


def brands_and_companies(session: Session, brand_ids: list[int]) -> dict[int, tuple[_Named, _Named]]:
    """brand id -> (brand, its company) in one query."""
    if not brand_ids:
        return {}
    rows = session.exec(select(*_BRAND_COLUMNS).join(Company, Company.id == Brand.company_id).where(Brand.id.in_(brand_ids)))
    return {row.id: _brand_and_company(row) for row in rows}


# Built once: constructing the statement took about as long as PostgreSQL took to answer it.
_PRODUCT_ROW = (select(Product.gtin.label("product_gtin"), Product.name.label("product_name"),
                       Product.source.label("product_source"), *_BRAND_COLUMNS)
                .join(Brand, Brand.id == Product.brand_id).join(Company, Company.id == Brand.company_id)
                .where(Product.gtin == bindparam("gtin")))


def product_row(session: Session, gtin: str):
    """(product, brand, company) of a known product in one query, or None."""
    row = session.exec(_PRODUCT_ROW, params={"gtin": gtin}).first()
    if row is None:
        return None
    brand, company = _brand_and_company(row)
    return {"gtin": row.product_gtin, "name": row.product_name, "source": row.product_source}, brand, company
