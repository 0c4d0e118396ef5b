"""The company research page: everything known about one company, for analysts, reviewers and admins,
and for the company's own users (published data and its own catalog only; no analysts' notes, no drafts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from scoring.risk import decide_scale
from sqlmodel import Session, select

from ratings import catalog, datafiles
from ratings.assessments import company_sourcing
from ratings.errors import Forbidden
from ratings.models import Assessment, Brand, Company, Gs1Prefix, Industry, Product, User
from ratings.publishing import current_rating, rating_history, withdrawals

PRODUCTS_SHOWN = 100


def require_company_scope(user: User, company: Company) -> None:
    """A company user may look only at its own company (the API's portal scope, for pages too)."""
    if user.role == "company" and user.company_id != company.id:
        raise Forbidden("You can see only your own company's pages.", code="forbidden_scope")


def company_research(session: Session, *, viewer: User, slug: str, methodology: str = datafiles.DEFAULT_METHODOLOGY) -> dict[str, Any]:
    company = catalog.get_company(session, slug)  # unknown -> 404
    require_company_scope(viewer, company)
    parent = session.get(Company, company.parent_id) if company.parent_id else None
    industries = {i.id: i.name for i in session.exec(select(Industry))}
    brands = session.exec(select(Brand).where(Brand.company_id == company.id).order_by(Brand.name)).all()
    brand_names = {b.id: b.name for b in brands}
    product_query = select(Product).where(Product.brand_id.in_(list(brand_names) or [-1]))
    products_total = session.exec(select(func.count()).select_from(product_query.subquery())).one()
    products = session.exec(product_query.order_by(Product.gtin).limit(PRODUCTS_SHOWN)).all()
    prefixes = session.exec(select(Gs1Prefix.prefix).where(Gs1Prefix.company_id == company.id).order_by(Gs1Prefix.prefix)).all()
    return {
        "company": {"slug": company.slug, "name": company.name, "country": company.country, "website": company.website,
                    "parent": {"slug": parent.slug, "name": parent.name} if parent else None},
        "brands": [{"slug": b.slug, "name": b.name, "industry": industries.get(b.industry_id), "aliases": b.aliases}
                   for b in brands],
        "products": [{"gtin": p.gtin, "name": p.name, "brand": brand_names[p.brand_id]} for p in products],
        "products_total": products_total,
        "gs1_prefixes": list(prefixes),
        "sourcing": sourcing_by_stage(session, company, methodology),
        "history": _history(session, company),
    }


def sourcing_by_stage(session: Session, company: Company, methodology_id: str) -> dict[str, Any]:
    """Each stage of the methodology with its records, each record's risk-list match, and the scale the
    engine decides (scoring/risk.py decides; this only arranges its answer by stage)."""
    method = datafiles.methodology(methodology_id)
    records = company_sourcing(session, company.id)
    decision = decide_scale(method, records, datafiles.risk_list())
    risk_list = datafiles.risk_list()
    stages = []
    for stage in method.stages:
        rows = []
        for record in (r for r in records if r.stage == stage.id):
            entry = risk_list.match(record.good, record.country) if record.good and record.country else None
            rows.append({
                "good": record.good, "country": record.country, "disclosed": record.disclosed,
                "risk": None if entry is None else {
                    "good": entry.good, "country_name": entry.country_name, "forced_labor": entry.forced_labor,
                    "child_labor": entry.child_labor, "downstream": entry.downstream,
                },
            })
        stages.append({"id": stage.id, "name": stage.name, "records": rows,
                       "undisclosed": stage.id in decision.undisclosed_stages})
    known = {s.id for s in method.stages}
    other = [{"stage": r.stage, "good": r.good, "country": r.country} for r in records if r.stage not in known]
    return {"methodology": {"id": method.id, "version": method.version}, "stages": stages, "other_records": other,
            "scale": decision.scale, "reasons": list(decision.reasons)}


def _history(session: Session, company: Company) -> list[dict[str, Any]]:
    history = rating_history(session, company.id)
    withdrawn = withdrawals(session, [r.id for r in history])
    current = current_rating(session, company.id)
    cycles = dict(session.exec(
        select(Assessment.id, Assessment.cycle_year).where(Assessment.id.in_([r.assessment_id for r in history] or [-1]))
    ).all())
    return [
        {"id": r.id, "grade": r.grade, "score": round(r.score, 1), "scale": r.scale, "published_at": r.published_at,
         "methodology": {"id": r.methodology_id, "version": r.methodology_version},
         "cycle_year": cycles.get(r.assessment_id),
         "status": "withdrawn" if r.id in withdrawn else "current" if current and r.id == current.id else "superseded",
         "withdrawn": None if r.id not in withdrawn else {"at": withdrawn[r.id].withdrawn_at, "reason": withdrawn[r.id].reason}}
        for r in history
    ]



def own_company_slug(session: Session, user: User) -> str | None:
    """The slug of a company user's company (for the console's navigation); None for other roles."""
    if user.role != "company" or user.company_id is None:
        return None
    company = session.get(Company, user.company_id)
    return company.slug if company else None
