"""Load the fictional demo catalog (data/demo/) through the catalog services.

Idempotent: rows are matched by natural key (slug, GTIN, prefix) and only what differs is written,
so loading twice leaves the same rows and no extra audit events.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sqlmodel import Session, select

from ratings import assessments, catalog, publishing
from ratings.datafiles import DATA_DIR, known_stages
from ratings.models import Assessment, Brand, Company, Gs1Prefix, Industry, Product

DEMO_DIR = DATA_DIR / "demo"


def load_demo(session: Session, directory: Path = DEMO_DIR) -> Counter:
    """Create or update everything in `directory`/catalog.json; returns counts of rows written."""
    data = json.loads((directory / "catalog.json").read_text(encoding="utf-8"))
    written: Counter = Counter()
    for item in data["industries"]:
        _upsert_industry(session, item, written)
    for item in data["companies"]:
        _upsert_company(session, item, written)
    for item in data["companies"]:  # parents once every company exists
        _set_parent(session, item, written)
        _ensure_prefixes(session, item, written)
        _sync_sourcing(session, item, written)
    for item in data["brands"]:
        _upsert_brand(session, item, written)
    for item in data["products"]:
        _ensure_product(session, item, written)
    assessments_file = directory / "assessments.json"
    if assessments_file.exists():
        demo = json.loads(assessments_file.read_text(encoding="utf-8"))
        for item in sorted(demo["assessments"], key=lambda a: a["cycle_year"]):  # older cycles publish first
            _ensure_published(session, demo["methodology"], item, written)
    return written


def _find(session: Session, model, slug: str):
    return session.exec(select(model).where(model.slug == slug)).first()


def _upsert_industry(session: Session, item: dict, written: Counter) -> None:
    industry = _find(session, Industry, item["slug"])
    if industry is None:
        catalog.create_industry(session, name=item["name"], slug=item["slug"])
        written["industries"] += 1
    elif industry.name != item["name"]:
        industry.name = item["name"]
        written["industries"] += 1


def _upsert_company(session: Session, item: dict, written: Counter) -> None:
    company = _find(session, Company, item["slug"])
    fields = {"name": item["name"], "country": item.get("country"), "website": item.get("website")}
    if company is None:
        catalog.create_company(session, slug=item["slug"], **fields)
        written["companies"] += 1
    elif any(getattr(company, key) != value for key, value in fields.items()):
        catalog.update_company(session, item["slug"], changes=fields)
        written["companies"] += 1


def _set_parent(session: Session, item: dict, written: Counter) -> None:
    company = _find(session, Company, item["slug"])
    parent = _find(session, Company, item["parent"]) if item.get("parent") else None
    if company.parent_id != (parent.id if parent else None):
        catalog.update_company(session, item["slug"], changes={"parent": item.get("parent")})
        written["parent_links"] += 1


def _ensure_prefixes(session: Session, item: dict, written: Counter) -> None:
    for prefix in item.get("gs1_prefixes", []):
        if session.exec(select(Gs1Prefix).where(Gs1Prefix.prefix == prefix)).first() is None:
            catalog.register_gs1_prefix(session, company=item["slug"], prefix=prefix)
            written["gs1_prefixes"] += 1


def _sync_sourcing(session: Session, item: dict, written: Counter) -> None:
    company = _find(session, Company, item["slug"])
    wanted = [_sourcing_key(record) for record in item.get("sourcing", [])]
    current = [
        (row.stage, row.good, row.country, row.disclosed) for row in catalog.sourcing_of(session, company.id)
    ]
    if sorted(wanted, key=repr) != sorted(current, key=repr):
        catalog.replace_sourcing(session, company=item["slug"], records=item["sourcing"], stages=known_stages())
        written["sourcing"] += len(wanted)


def _sourcing_key(record: dict) -> tuple:
    if record.get("disclosed", True) is False:
        return (record["stage"], None, None, False)
    return (record["stage"], record["good"], record["country"].upper(), True)


def _upsert_brand(session: Session, item: dict, written: Counter) -> None:
    brand = _find(session, Brand, item["slug"])
    fields = {"name": item["name"], "company": item["company"], "industry": item.get("industry"), "aliases": item.get("aliases", [])}
    if brand is None:
        catalog.create_brand(session, slug=item["slug"], **fields)
        written["brands"] += 1
        return
    company = _find(session, Company, item["company"])
    industry = _find(session, Industry, item["industry"]) if item.get("industry") else None
    current = (brand.name, brand.company_id, brand.industry_id, brand.aliases)
    if current != (item["name"], company.id, industry.id if industry else None, item.get("aliases", [])):
        catalog.update_brand(session, item["slug"], changes=fields)
        written["brands"] += 1


def _ensure_product(session: Session, item: dict, written: Counter) -> None:
    gtin = item["gtin"].zfill(14)
    if session.exec(select(Product.id).where(Product.gtin == gtin)).first() is None:
        catalog.create_product(session, gtin=item["gtin"], name=item["name"], brand=item["brand"], source="import")
        written["products"] += 1


def _ensure_published(session: Session, methodology: str, item: dict, written: Counter) -> None:
    """One published assessment per (company, methodology, cycle); an existing one is left alone."""
    company = _find(session, Company, item["company"])
    exists = session.exec(
        select(Assessment.id).where(
            Assessment.company_id == company.id,
            Assessment.methodology_id == methodology,
            Assessment.cycle_year == item["cycle_year"],
        )
    ).first()
    if exists is not None:
        return
    draft = assessments.create_assessment(session, company=item["company"], methodology=methodology, cycle_year=item["cycle_year"])
    assessments.replace_answers(session, draft.id, entries=item["answers"])
    assessments.submit(session, draft.id)
    publishing.publish(session, draft.id, reviewer=None)
    written["published_ratings"] += 1
