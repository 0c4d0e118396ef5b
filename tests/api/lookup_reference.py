"""The lookup answer as ratings/public.py built it before the read model (one query per part, nothing held):
the reference tests/api/test_read_model.py compares the read model's answers with."""

from __future__ import annotations

from sqlmodel import Session, select

from ratings.lookup import industry_of, lookup_barcode
from ratings.models import Brand, Company, Industry
from ratings.public import _status, rating_dict
from ratings.publishing import current_grades, grade_rank
from ratings.read_model import brand_summary, company_ref


def alternatives(session: Session, industry_id, than, exclude_company) -> list[dict]:
    if industry_id is None:
        return []
    current = current_grades(session, select(Brand.company_id).where(Brand.industry_id == industry_id))
    brands = session.exec(select(Brand).where(Brand.industry_id == industry_id, Brand.company_id.in_(list(current)))).all() if current else []
    ranked = sorted((grade_rank(current[b.company_id]), -current[b.company_id].score, b.name, b.id, b) for b in brands)
    bar = grade_rank(than) if than is not None else None
    slugs = {i.id: i.slug for i in session.exec(select(Industry))}
    chosen = []
    for rank, _score, _name, _id, brand in ranked:
        if bar is not None and rank >= bar:
            break
        if brand.company_id != exclude_company:
            chosen.append(brand_summary(brand, session.get(Company, brand.company_id), current[brand.company_id],
                                        slugs.get(brand.industry_id)))
            if len(chosen) == 3:
                break
    return chosen


def barcode_view(session: Session, *, code: str) -> dict:
    found = lookup_barcode(session, code=code)
    brand = found.brand
    if brand is None:
        brand_for_industry = session.exec(select(Brand).where(Brand.company_id == found.company.id).order_by(Brand.id)).first()
    else:
        brand_for_industry = brand
    industry = industry_of(session, brand)
    return {
        "barcode": {"input": found.barcode.input, "gtin": found.barcode.gtin},
        "match": found.match,
        "status": _status(found.rating),
        "product": None if found.product is None else {
            "gtin": found.product.gtin, "name": found.product.name, "source": found.product.source,
        },
        "brand": None if brand is None else brand_summary(brand, found.company, found.rating, industry.slug if industry else None),
        "company": company_ref(found.company),
        "rating": rating_dict(found.rating),
        "alternatives": alternatives(session, brand_for_industry.industry_id if brand_for_industry else None,
                                     found.rating, found.company.id),
    }
