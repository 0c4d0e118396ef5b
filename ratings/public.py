"""Read models of the public API: plain dicts of what a consumer sees, built from the tables.

These are services like any other (they take a Session); the API's schemas only serialize them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlmodel import Session, select
from scoring.inputs import default_visibility

from ratings import catalog, datafiles
from ratings.errors import Invalid
from ratings import read_model
from ratings.barcodes import parse_barcode
from ratings.lookup import FUZZY_UPSTREAM, BarcodeMatch, industry_of, lookup_barcode
from ratings.read_model import LookupModel, brand_summary, company_ref
from ratings.models import Answer, Brand, Company, CompanyResponse, Industry, PublishedRating
from ratings.publishing import brand_history, current_grades, current_rating, withdrawals
from ratings.search import BrandIndex


def rating_dict(rating: PublishedRating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    return {
        "id": rating.id,
        "grade": rating.grade,
        "score": round(rating.score, 1),
        "scale": rating.scale,
        "scale_reasons": rating.scale_reasons,
        "categories": rating.categories,
        "stages": rating.stages,
        "methodology": {"id": rating.methodology_id, "version": rating.methodology_version},
        "published_at": rating.published_at,
        "inputs_hash": rating.inputs_hash,
    }


def _status(rating) -> str:
    return "rated" if rating is not None else "not_rated"


def _industry_slug(session: Session, brand: Brand) -> str | None:
    industry = industry_of(session, brand)
    return industry.slug if industry else None


def barcode_view(session: Session, *, code: str, model: LookupModel, upstream=None) -> dict[str, Any]:
    """A lookup answer; `model` is the read model of the current catalog version (ratings/read_model.py)."""
    barcode = parse_barcode(code)
    known = read_model.product_row(session, barcode.gtin)
    if known is None:  # a GS1 prefix, upstream, or nothing: the general path
        return _barcode_view(session, code=code, model=model, upstream=upstream)
    product, brand, company = known  # the common case: one query, the rest from the read model
    # A fuzzy upstream match is a guess until an analyst confirms it: it shows no grade (ratings/lookup.py).
    rating = None if product["source"] == FUZZY_UPSTREAM else model.rating_of(company.id)
    return {
        "barcode": {"input": barcode.input, "gtin": barcode.gtin},
        "match": "product",
        "status": _status(rating),
        "product": product,
        "brand": brand_summary(brand, company, rating, model.industries.get(brand.industry_id)),
        "company": company_ref(company),
        "rating": rating_dict(rating),
        "alternatives": model.alternatives(session, industry_id=brand.industry_id, than=rating, exclude_company=company.id),
    }


def _barcode_view(session: Session, *, code: str, model: LookupModel, upstream=None) -> dict[str, Any]:
    found: BarcodeMatch = lookup_barcode(session, code=code, upstream=upstream)
    brand = found.brand
    if brand is None:  # matched by company prefix: suggest within the industry of its first brand
        brand_for_industry = session.exec(select(Brand).where(Brand.company_id == found.company.id).order_by(Brand.id)).first()
    else:
        brand_for_industry = brand
    return {
        "barcode": {"input": found.barcode.input, "gtin": found.barcode.gtin},
        "match": found.match,
        "status": _status(found.rating),
        "product": None if found.product is None else {
            "gtin": found.product.gtin, "name": found.product.name, "source": found.product.source,
        },
        "brand": None if brand is None else brand_summary(brand, found.company, found.rating, _industry_slug(session, brand)),
        "company": company_ref(found.company),
        "rating": rating_dict(found.rating),
        "alternatives": model.alternatives(
            session, industry_id=brand_for_industry.industry_id if brand_for_industry else None, than=found.rating,
            exclude_company=found.company.id),
    }


def grade_max_rank(grade: str | None) -> int | None:
    """`grade_min=B` keeps B and better: the rank of B in the default methodology's letters."""
    if grade is None:
        return None
    letters = datafiles.grade_letters()
    if grade not in letters:
        raise Invalid(f"grade_min must be one of {', '.join(letters)}.", code="invalid_grade",
                      errors={"grade_min": [f"One of {', '.join(letters)}."]})
    return letters.index(grade)


def search_page(session: Session, index: BrandIndex, *, model: LookupModel, q, industry, grade_min, page, page_size) -> dict[str, Any]:
    if industry is not None:
        catalog.get_industry(session, industry)  # an unknown industry is a 404, not an empty list
    hits = index.search(q, industry=industry, max_rank=grade_max_rank(grade_min))
    chosen = hits[(page - 1) * page_size: page * page_size]
    found = read_model.brands_and_companies(session, [h.brand_id for h in chosen])
    items = [
        brand_summary(*found[h.brand_id], model.rating_of(found[h.brand_id][1].id), h.industry)
        for h in chosen
    ]
    return {"items": items, "page": page, "page_size": page_size, "total": len(hits)}


def scorecard(session: Session, *, slug: str, model: LookupModel) -> dict[str, Any]:
    brand = catalog.get_brand(session, slug)
    company = session.get(Company, brand.company_id)
    rating = current_rating(session, company.id)
    carried = brand_history(session, brand)  # with the ratings it carried under earlier owners
    withdrawn = withdrawals(session, [r.id for r, *_ in carried])
    return {
        "brand": brand_summary(brand, company, rating, _industry_slug(session, brand)),
        "status": _status(rating),
        "rating": rating_dict(rating),
        "breakdown": breakdown(session, rating) if rating else [],
        "history": [
            {
                **rating_dict(r),
                "withdrawn": r.id in withdrawn,
                "withdrawn_reason": withdrawn[r.id].reason if r.id in withdrawn else None,
                "company": company_ref(owner), "owned_from": owned_from, "owned_to": owned_to,
            }
            for r, owner, owned_from, owned_to in carried
        ],
        "reply": _accepted_reply(session, rating),
        "alternatives": model.alternatives(session, industry_id=brand.industry_id, than=rating, exclude_company=company.id),
    }


def breakdown(session: Session, rating: PublishedRating) -> list[dict[str, Any]]:
    """Indicators grouped by category, with points and the public evidence behind each answer."""
    method = datafiles.methodology(rating.methodology_id)
    evidence = {
        (a.indicator_id, a.stage): a.evidence
        for a in session.exec(select(Answer).where(Answer.assessment_id == rating.assessment_id))
    }
    by_category: dict[str, list[dict]] = {c.id: [] for c in method.categories}
    for item in rating.result["indicators"]:
        indicator = method.indicator(item["indicator"])
        by_category[item["category"]].append({
            "indicator": item["indicator"],
            "text": indicator.text if indicator else item["indicator"],
            "stage": item["stage"],
            "value": item["value"],
            "applicable": item["applicable"],
            "earned": item["earned"],
            "possible": item["possible"],
            "evidence": [public_evidence(e) for e in evidence.get((item["indicator"], item["stage"]), [])],
        })
    return [
        {
            "id": c.id, "name": c.name,
            "score": rating.categories.get(c.id, {}).get("score"),
            "grade": rating.categories.get(c.id, {}).get("grade"),
            "indicators": by_category[c.id],
        }
        for c in method.categories
    ]


CONFIDENTIAL_LABEL = "company-provided document"


def public_evidence(item: dict[str, Any]) -> dict[str, Any]:
    """An evidence item as anyone may see it. Public sources keep their URL (and note); a confidential
    one (a document a company supplied in confidence) shows only as "company-provided document" with
    its type and date, never its URL or note. Evidence stored before visibility existed follows
    `default_visibility`: a company's own documents are confidential, other sources public."""
    visibility = item.get("visibility") or default_visibility(item.get("source_type"))
    if visibility != "public":
        return {"label": CONFIDENTIAL_LABEL, "source_type": item.get("source_type"), "visibility": "confidential",
                "date": item.get("date"), "url": None, "note": None}
    return {"label": None, "source_type": item.get("source_type"), "visibility": "public", "date": item.get("date"),
            "url": item.get("url"), "note": item.get("note")}


def _accepted_reply(session: Session, rating: PublishedRating | None) -> dict[str, Any] | None:
    if rating is None:
        return None
    reply = session.exec(
        select(CompanyResponse)
        .where(CompanyResponse.rating_id == rating.id, CompanyResponse.status == "accepted")
        .order_by(CompanyResponse.reviewed_at.desc())
    ).first()
    return None if reply is None else {"text": reply.text, "accepted_at": reply.reviewed_at}


def company_profile(session: Session, *, slug: str) -> dict[str, Any]:
    company = catalog.get_company(session, slug)
    rating = current_rating(session, company.id)
    parent = session.get(Company, company.parent_id) if company.parent_id else None
    slugs = {i.id: i.slug for i in session.exec(select(Industry))}
    brands = session.exec(select(Brand).where(Brand.company_id == company.id).order_by(Brand.name)).all()
    return {
        "slug": company.slug, "name": company.name, "country": company.country, "website": company.website,
        "parent": company_ref(parent) if parent else None,
        "status": _status(rating),
        "rating": rating_dict(rating),
        "brands": [brand_summary(b, company, rating, slugs.get(b.industry_id)) for b in brands],
    }


def _industry_rows(session: Session, industry: Industry | None = None):
    query = select(Brand, Company).join(Company, Company.id == Brand.company_id)
    if industry is not None:
        query = query.where(Brand.industry_id == industry.id)
    rows = session.exec(query).all()
    ratings = current_grades(session, list({c.id for _, c in rows}))
    return rows, ratings


def _industry_summary(industry: Industry, rows, ratings) -> dict[str, Any]:
    mine = [(b, c) for b, c in rows if b.industry_id == industry.id]
    grades = Counter(ratings[c.id].grade for _, c in mine if c.id in ratings)
    return {
        "slug": industry.slug, "name": industry.name, "brands": len(mine),
        "rated": sum(grades.values()), "grades": dict(grades),
    }


def industries_overview(session: Session) -> dict[str, Any]:
    rows, ratings = _industry_rows(session)
    industries = session.exec(select(Industry).order_by(Industry.name)).all()
    return {"items": [_industry_summary(i, rows, ratings) for i in industries]}


def industry_ranking(session: Session, *, slug: str) -> dict[str, Any]:
    industry = catalog.get_industry(session, slug)
    rows, ratings = _industry_rows(session, industry)
    ranked = sorted(rows, key=lambda bc: (-(ratings[bc[1].id].score) if bc[1].id in ratings else 1, bc[0].name))
    return {
        **_industry_summary(industry, rows, ratings),
        "ranking": [brand_summary(b, c, ratings.get(c.id), industry.slug) for b, c in ranked],
    }
