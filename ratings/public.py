"""Read models of the public API: plain dicts of what a consumer sees, built from the tables.

These are services like any other (they take a Session); the API's schemas only serialize them.
"""

from __future__ import annotations

import calendar
import json
from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import object_session
from sqlmodel import Session, select
from scoring.explain import Explanation, explain, stored_result
from scoring.inputs import default_visibility

from ratings import catalog, categories, datafiles, lookup_model, rules
from ratings.barcodes import parse_barcode
from ratings.lookup import FUZZY_UPSTREAM, BarcodeMatch, alternatives, industry_of, lookup_barcode
from ratings.models import Answer, Assessment, Brand, Company, CompanyResponse, Industry, PublishedRating
from ratings.publishing import brand_history, current_grades, current_rating, withdrawals
from ratings.rating_requests import request_link
from ratings.search import BrandIndex
from ratings.types import utcnow


def rating_dict(rating: PublishedRating | None, *, today: date | None = None) -> dict[str, Any] | None:
    """The public summary of a rating: the one shape every response that shows a rating uses.

    Categories and stages are named (`{id: {"id", "name", "score", "grade"}}`, `{id: {"id", "name", "score"}}`,
    in methodology order); `stale` depends on `today` (UTC by default), so it is computed per answer."""
    if rating is None:
        return None
    return with_stale(_summary(rating), today)


def _summary(rating: PublishedRating) -> dict[str, Any]:
    """rating_dict without `stale`, the one field that depends on the day."""
    method = datafiles.methodology(rating.methodology_id)
    return {
        "id": rating.id,
        "grade": rating.grade,
        "score": round(rating.score, 1),
        "scale": rating.scale,
        "scale_reasons": rating.scale_reasons,
        "categories": named_categories(rating.categories, method),
        "stages": named_stages(rating.stages, method),
        "methodology": {"id": rating.methodology_id, "version": rating.methodology_version},
        "published_at": rating.published_at,
        "inputs_hash": rating.inputs_hash,
        **_research_dates(rating),  # cycle_year, evidence_cutoff
        "stale_after": _stale_after(rating.published_at, method.stale_after_months),
        "explanation": explanation_for(rating),
    }


def with_stale(summary: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """A rating summary with `stale` for `today` (UTC by default): stale from its `stale_after` day on (a date,
    or its ISO text as offline_summary stores it)."""
    today = today or utcnow().date()
    stale_after = summary["stale_after"]
    if isinstance(stale_after, str):
        stale_after = date.fromisoformat(stale_after)
    shown = {}
    for key, value in summary.items():
        if key == "stale_after":  # in the order rating_dict has always had
            shown["stale"] = stale_after is not None and today >= stale_after
        shown[key] = value
    return shown


_TEXT_DAYS = ("stale_after", "evidence_cutoff")


def offline_summary(rating: PublishedRating) -> dict[str, Any]:
    """The rating summary as stored outside the tables (the offline bundle, /v1/changes, the lookup read model):
    without `stale`, dates as ISO text: rating_dict's value once `with_stale` adds `stale`, in the shape the API
    sends it (the lookup read model's answers are sent as built)."""
    summary = _summary(rating)
    summary["published_at"] = rating.published_at.isoformat()
    for day in _TEXT_DAYS:
        summary[day] = summary[day].isoformat() if summary[day] else None
    return summary


def _research_dates(rating: PublishedRating) -> dict[str, Any]:
    """The cycle and the research cut-off of the assessment a rating was published from."""
    session = object_session(rating)
    assessment = session.get(Assessment, rating.assessment_id) if session is not None else None
    return {
        "cycle_year": assessment.cycle_year if assessment else None,
        "evidence_cutoff": assessment.evidence_cutoff if assessment else None,
    }


OFFLINE_BATCH = 200  # full ratings decoded at a time for the bundle: their stored results are large


def offline_ratings(session: Session, company_ids=None) -> dict[int, dict[str, Any]]:
    """Each company's current rating as the offline bundle and /v1/changes carry it: the public summary
    (rating_dict), dates as ISO text, without `stale`, which depends on the day the bundle is read: an
    offline app compares `stale_after` with its own date. Ratings are decoded a batch at a time."""
    current = current_grades(session, company_ids)
    ids = [row.id for row in current.values()]
    found: dict[int, dict[str, Any]] = {}
    held = {id(row) for row in session.identity_map.values()}  # the caller's objects stay in its session
    for start in range(0, len(ids), OFFLINE_BATCH):
        batch = session.exec(select(PublishedRating).where(PublishedRating.id.in_(ids[start:start + OFFLINE_BATCH]))).all()
        # Loaded into the session, so rating_dict's cycle-year lookups need no query of their own.
        assessments = session.exec(select(Assessment).where(Assessment.id.in_([r.assessment_id for r in batch]))).all()
        for rating in batch:
            found[rating.id] = offline_summary(rating)
        for row in (*batch, *assessments):
            if id(row) not in held:
                session.expunge(row)  # keep memory flat over thousands of ratings
    return {company_id: found[row.id] for company_id, row in current.items()}


def named_categories(scores: dict[str, Any], method) -> dict[str, dict[str, Any]]:
    """{id: {"id", "name", "score", "grade"}} in methodology order; ids the methodology lacks keep their id as name."""
    names = {c.id: c.name for c in method.categories}
    ordered = [cid for cid in names if cid in scores] + [cid for cid in scores if cid not in names]
    return {
        cid: {"id": cid, "name": names.get(cid, cid), "score": scores[cid].get("score"),
              "grade": scores[cid].get("grade")}
        for cid in ordered
    }


def named_stages(stages: dict[str, Any], method) -> dict[str, dict[str, Any]]:
    """{id: {"id", "name", "score"}} in methodology order."""
    names = {s.id: s.name for s in method.stages}
    ordered = [sid for sid in names if sid in stages] + [sid for sid in stages if sid not in names]
    return {sid: {"id": sid, "name": names.get(sid, sid), "score": stages[sid].get("score")} for sid in ordered}


EXPLAINED_CACHE_SIZE = 4096
_explained: dict[tuple, Explanation] = {}  # per process: a published rating never changes


def explanation_for(rating: PublishedRating) -> dict[str, Any]:
    """Why this grade, in words, from what the rating stored (so ratings published before explanations
    existed are explained too): the one place the public explanation of a rating is built.

    Published ratings are immutable, and the methodology and templates are loaded once per process, so
    each rating's explanation is built once per process (the key also holds what identifies its content,
    in case a restore brings back another rating under the same id)."""
    key = (rating.id, rating.inputs_hash, rating.grade, rating.score, rating.methodology_id, rating.methodology_version)
    found = _explained.get(key)
    if found is None:
        method = datafiles.methodology(rating.methodology_id)
        result = stored_result({**rating.result, "grade": rating.grade, "scale": rating.scale}, score=rating.score)
        found = explain(result, method, datafiles.explanation_templates())
        if len(_explained) >= EXPLAINED_CACHE_SIZE:
            _explained.clear()  # bounded; a miss only costs one explanation
        _explained[key] = found
    return found.to_dict()


def _stale_after(published_at: datetime, months: int | None) -> date | None:
    """The first day on which a rating published at `published_at` counts as stale: `months` later."""
    if months is None:
        return None
    start = published_at.date()
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def company_ref(company: Company) -> dict[str, Any]:
    return {"slug": company.slug, "name": company.name, "country": company.country}


def brand_summary(brand: Brand, company: Company, rating: PublishedRating | None, industry: str | None) -> dict[str, Any]:
    return {
        "slug": brand.slug,
        "name": brand.name,
        "aliases": brand.aliases,
        "industry": industry,
        "company": company_ref(company),
        "grade": rating.grade if rating else None,
        "score": round(rating.score, 1) if rating else None,
        "category": categories.ref(categories.get(industry, brand.category)),  # its main product line
    }


def _status(rating) -> str:
    return "rated" if rating is not None else "not_rated"


def _industry_slug(session: Session, brand: Brand) -> str | None:
    industry = industry_of(session, brand)
    return industry.slug if industry else None


def _alternatives(session: Session, industry_id: int | None, rating, company_id: int, brand: Brand | None = None,
                  category: str | None = None) -> list[dict[str, Any]]:
    slugs = {i.id: i.slug for i in session.exec(select(Industry))}
    return [
        _alternative_dict(brand_summary(alt.brand, alt.company, alt.rating, slugs.get(alt.brand.industry_id)),
                          alt.reason, alt.shared_category)
        for alt in alternatives(session, industry_id=industry_id, than=rating, exclude_company=company_id,
                                brand=brand, category=category)
    ]


def _alternative_dict(summary: dict[str, Any], reason: str, shared_category) -> dict[str, Any]:
    return {**summary, "reason": reason, "shared_category": categories.ref(shared_category)}


def _product_dict(gtin: str, name: str, source: str, category: str | None, industry: str | None) -> dict[str, Any]:
    return {"gtin": gtin, "name": name, "source": source, "category": categories.ref(categories.get(industry, category))}


def read_model_barcode_view(session: Session | None, *, code: str, reader=None) -> dict[str, Any] | None:
    """What a scan answers, when the lookup read model has it (a known product; ratings/lookup_model.py), else None
    and full_barcode_view must answer (prefix matches, upstream, not found, fuzzy upstream matches): no other table
    is read. A malformed code raises as full_barcode_view does. `reader`: see ratings.lookup_model.product_row.
    The API asks this first and the general path only after the shared cache (api/public/barcodes.py).

    Already in the shape the API sends (its schema's dump: dates as ISO text): every piece is the read model's
    as stored, the rating as offline_summary stored it plus `stale`. So it is sent as built, not dumped; the
    API's tests hold it byte for byte to the general path's answer, which is dumped. With `reader`, every read
    is made there and `session` may be None."""
    return _read_model_view(session, parse_barcode(code), reader=reader)


def _read_model_view(session: Session | None, barcode, *, reader=None) -> dict[str, Any] | None:
    """full_barcode_view's answer for a known product, from its brand's read-model row (one query) and the
    industry's ranked candidates (held per catalog version); None when the general path must answer."""
    row = lookup_model.product_row(session, barcode.gtin, reader=reader)  # the product's columns and its brand's row
    if row is None or row.source == FUZZY_UPSTREAM:  # a fuzzy match shows no grade: rare, left to the general path
        return None
    industry = row.summary["industry"]
    rating = with_stale(row.rating) if row.rating is not None else None
    chosen = lookup_model.alternatives(session, row, category=row.product_category, reader=reader)
    if chosen is None:
        return None
    return {
        "barcode": {"input": barcode.input, "gtin": barcode.gtin},
        "match": "product",
        "status": _status(rating),
        "product": _product_dict(row.gtin, row.product_name, row.source, row.product_category, industry),
        "brand": row.summary,
        "company": row.company,
        "rating": rating,
        "alternatives": [_alternative_dict(*alt) for alt in chosen],
        "rating_request": request_link(gtin=barcode.gtin) if rating is None else None,
    }


def full_barcode_view(session: Session, *, code: str, upstream=None) -> dict[str, Any]:
    """The general path: every part read from the tables (the reference the read model must equal)."""
    found: BarcodeMatch = lookup_barcode(session, code=code, upstream=upstream)
    brand = found.brand
    if brand is None and found.company is not None:  # matched by company prefix: suggest within its first brand's industry
        brand_for_industry = session.exec(select(Brand).where(Brand.company_id == found.company.id).order_by(Brand.id)).first()
    else:
        brand_for_industry = brand
    if found.product is not None:
        product = _product_dict(found.product.gtin, found.product.name, found.product.source, found.product.category,
                                _industry_slug(session, brand))
    elif found.upstream is not None:  # what upstream knows of a product whose brand we do not know
        product = {"gtin": found.upstream.gtin, "name": found.upstream.name, "source": "upstream", "category": None,
                   "brand_names": list(found.upstream.brands)}
    else:
        product = None
    return {
        "barcode": {"input": found.barcode.input, "gtin": found.barcode.gtin},
        "match": found.match,
        "status": _status(found.rating),
        "product": product,
        "brand": None if brand is None else brand_summary(brand, found.company, found.rating, _industry_slug(session, brand)),
        "company": None if found.company is None else company_ref(found.company),
        "rating": rating_dict(found.rating),
        "alternatives": _alternatives(
            session, brand_for_industry.industry_id if brand_for_industry else None, found.rating,
            found.company.id if found.company is not None else None,
            brand=brand, category=found.product.category if found.product is not None else None,
        ),
        "rating_request": request_link(gtin=found.barcode.gtin) if found.rating is None else None,
    }


def grade_max_rank(grade: str | None) -> int | None:
    """`grade_min=B` keeps B and better: the rank of B in the default methodology's letters."""
    if grade is None:
        return None
    letters = datafiles.grade_letters()
    rules.require_one_of(grade, letters, field="grade_min", code="invalid_grade")
    return letters.index(grade)


def search_page(session: Session, index: BrandIndex, *, q, industry, grade_min, page, page_size) -> dict[str, Any]:
    if industry is not None:
        catalog.get_industry(session, industry)  # an unknown industry is a 404, not an empty list
    hits = index.search(q, industry=industry, max_rank=grade_max_rank(grade_min))
    chosen = hits[(page - 1) * page_size: page * page_size]
    if not chosen:  # a page past the end, or nothing found: no query at all
        return {"items": [], "page": page, "page_size": page_size, "total": len(hits)}
    if all(h.summary is not None for h in chosen):  # as the index holds them, from the lookup read model
        return {"items": [json.loads(h.summary) for h in chosen], "page": page, "page_size": page_size, "total": len(hits)}
    rows = session.exec(select(Brand, Company).join(Company, Company.id == Brand.company_id)
                        .where(Brand.id.in_([h.brand_id for h in chosen])))
    found = {brand.id: (brand, company) for brand, company in rows}  # one query for both
    ratings = current_grades(session, list({company.id for _, company in found.values()}))  # grade and score only
    items = [
        brand_summary(*found[h.brand_id], ratings.get(found[h.brand_id][1].id), h.industry)
        for h in chosen
    ]
    return {"items": items, "page": page, "page_size": page_size, "total": len(hits)}


def scorecard(session: Session, *, slug: str) -> dict[str, Any]:
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
        "alternatives": _alternatives(session, brand.industry_id, rating, company.id, brand=brand, category=brand.category),
        "rating_request": request_link(brand=brand.slug) if rating is None else None,
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
        "rating_request": request_link(company=company.slug) if rating is None else None,
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
