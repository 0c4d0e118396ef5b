"""Catalog services: industries, companies, brands, products, GS1 prefixes and sourcing.

Each service does one whole job on the caller's session and flushes; the caller commits
(`ratings.db.transaction`), so a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import pycountry
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ratings import audit
from ratings.barcodes import parse_barcode
from ratings.errors import Conflict, Invalid, NotFound
from ratings.models import AuditEvent, Brand, BrandOwnership, Company, Gs1Prefix, Industry, Product, Sourcing, User
from ratings.slugs import unique_slug
from ratings.types import utcnow

PRODUCT_SOURCES = ("analyst", "import", "upstream", "upstream_fuzzy")  # upstream_fuzzy: shows no grade until confirmed
_PREFIX = re.compile(r"[0-9]{4,12}")


# --- lookups by natural key -------------------------------------------------------------------

def get_industry(session: Session, slug: str) -> Industry:
    return _get(session, Industry, slug, "industry")


def get_company(session: Session, slug: str) -> Company:
    return _get(session, Company, slug, "company")


def get_brand(session: Session, slug: str) -> Brand:
    return _get(session, Brand, slug, "brand")


def get_product(session: Session, gtin: str) -> Product:
    barcode = parse_barcode(gtin)
    product = session.exec(select(Product).where(Product.gtin == barcode.gtin)).first()
    if product is None:
        raise NotFound(f"No product has GTIN {barcode.gtin}.", code="product_not_found")
    return product


def _get(session: Session, model, slug: str, kind: str):
    row = session.exec(select(model).where(model.slug == slug)).first()
    if row is None:
        raise NotFound(f"No {kind} has the slug {slug!r}.", code=f"{kind}_not_found")
    return row


# --- writes -----------------------------------------------------------------------------------

def create_industry(session: Session, *, name: str, slug: str | None = None, actor: User | None = None) -> Industry:
    industry = Industry(name=_name(name), slug=unique_slug(session, Industry, name, slug))
    session.add(industry)
    audit.record(session, actor=actor, action="industry.create", entity=industry)
    return industry


def create_company(
    session: Session,
    *,
    name: str,
    country: str | None = None,
    website: str | None = None,
    parent: str | None = None,
    slug: str | None = None,
    actor: User | None = None,
) -> Company:
    company = Company(
        name=_name(name),
        slug=unique_slug(session, Company, name, slug),
        country=_country(country),
        website=website,
        parent_id=get_company(session, parent).id if parent else None,
    )
    session.add(company)
    audit.record(session, actor=actor, action="company.create", entity=company)
    return company


def update_company(session: Session, slug: str, *, changes: dict[str, Any], actor: User | None = None) -> Company:
    """Change name, country, website or parent. The slug never changes: apps and links rely on it."""
    company = get_company(session, slug)
    before = audit.snapshot(company)
    if "name" in changes:
        company.name = _name(changes["name"])
    if "country" in changes:
        company.country = _country(changes["country"])
    if "website" in changes:
        company.website = changes["website"]
    if "parent" in changes:
        company.parent_id = _parent_id(session, company, changes["parent"])
    company.updated_at = utcnow()
    audit.record(session, actor=actor, action="company.update", entity=company, before=before)
    return company


def create_brand(
    session: Session,
    *,
    name: str,
    company: str,
    industry: str | None = None,
    aliases: Iterable[str] = (),
    slug: str | None = None,
    actor: User | None = None,
) -> Brand:
    brand = Brand(
        name=_name(name),
        slug=unique_slug(session, Brand, name, slug),
        company_id=get_company(session, company).id,
        industry_id=get_industry(session, industry).id if industry else None,
        aliases=_aliases(aliases),
    )
    session.add(brand)
    audit.record(session, actor=actor, action="brand.create", entity=brand)
    return brand


def update_brand(session: Session, slug: str, *, changes: dict[str, Any], actor: User | None = None) -> Brand:
    brand = get_brand(session, slug)
    before = audit.snapshot(brand)
    if "name" in changes:
        brand.name = _name(changes["name"])
    if "company" in changes and get_company(session, changes["company"]).id != brand.company_id:
        # A new owner moves a public grade: it is proposed and approved (ratings.proposals), then move_brand.
        raise Conflict(f"Moving brand {brand.slug} to another company needs a second person: propose it.",
                       code="owner_change_needs_approval")
    if "industry" in changes:
        brand.industry_id = get_industry(session, changes["industry"]).id if changes["industry"] else None
    if "aliases" in changes:
        brand.aliases = _aliases(changes["aliases"])
    brand.updated_at = utcnow()
    audit.record(session, actor=actor, action="brand.update", entity=brand, before=before)
    return brand


def move_brand(session: Session, brand: Brand, company: Company, *, actor: User | None = None) -> Brand:
    """Give a brand a new owner (an approved proposal), dating the ownership so that the brand's history
    keeps the ratings it carried under its earlier owner."""
    now = utcnow()
    before = audit.snapshot(brand)
    current = session.exec(select(BrandOwnership).where(BrandOwnership.brand_id == brand.id,
                                                        BrandOwnership.valid_to.is_(None))).first()
    if current is None:  # the first move: the brand belonged to its company since it was created
        current = BrandOwnership(brand_id=brand.id, company_id=brand.company_id, valid_from=brand.created_at)
    current.valid_to = now
    session.add(current)
    session.add(BrandOwnership(brand_id=brand.id, company_id=company.id, valid_from=now))
    brand.company_id = company.id
    brand.updated_at = now
    session.add(brand)  # an ORM write: the change log records the brand in this transaction
    audit.record(session, actor=actor, action="brand.move", entity=brand, before=before)
    return brand


def create_product(
    session: Session,
    *,
    gtin: str,
    name: str,
    brand: str,
    source: str = "analyst",
    actor: User | None = None,
) -> Product:
    """Add a product; any printed form of an existing GTIN is a conflict and nothing is written."""
    barcode = parse_barcode(gtin)
    if source not in PRODUCT_SOURCES:
        raise Invalid(f"Source must be one of {', '.join(PRODUCT_SOURCES)}.", code="invalid_source")
    existing = session.exec(select(Product).where(Product.gtin == barcode.gtin)).first()
    if existing is not None:
        raise _duplicate_gtin(barcode.gtin)
    product = Product(gtin=barcode.gtin, name=_name(name), brand_id=get_brand(session, brand).id, source=source)
    session.add(product)
    _flush_or_conflict(session, _duplicate_gtin(barcode.gtin))
    audit.record(session, actor=actor, action="product.create", entity=product)
    return product


def confirm_upstream_product(session: Session, *, gtin: str, brand: str | None = None, actor: User | None = None) -> Product:
    """An analyst confirms (or corrects, with `brand`) the brand of a product matched fuzzily upstream: from now on
    it shows that brand's grade."""
    product = get_product(session, gtin)
    if product.source != "upstream_fuzzy":
        raise Conflict(f"Product {product.gtin} is not a fuzzy upstream match waiting for confirmation.",
                       code="not_awaiting_confirmation")
    before = audit.snapshot(product)
    if brand is not None:
        product.brand_id = get_brand(session, brand).id
    product.source = "upstream"
    product.updated_at = utcnow()
    session.add(product)  # an ORM write: the change log records the GTIN
    audit.record(session, actor=actor, action="product.confirm", entity=product, before=before)
    return product


def delete_product(session: Session, *, gtin: str, actor: User | None = None) -> None:
    product = get_product(session, gtin)
    before = audit.snapshot(product)
    session.delete(product)
    session.flush()
    session.add(AuditEvent(actor_id=actor.id if actor else None, action="product.delete", entity_type="Product",
                           entity_id=str(before["id"]), before=before))


def check_gs1_prefix(session: Session, *, company: str, prefix: str) -> tuple[Company, str]:
    """The company and the cleaned prefix, if it may be registered to it."""
    prefix = prefix.strip()
    if not _PREFIX.fullmatch(prefix):
        raise Invalid(
            f"GS1 prefix {prefix!r} must be 4 to 12 digits.",
            code="invalid_gs1_prefix",
            errors={"prefix": ["Use 4 to 12 digits."]},
        )
    owner = get_company(session, company)
    if session.exec(select(Gs1Prefix).where(Gs1Prefix.prefix == prefix)).first() is not None:
        raise Conflict(f"GS1 prefix {prefix} is already registered.", code="duplicate_gs1_prefix")
    return owner, prefix


def is_graded(session: Session, company_id: int) -> bool:
    """Whether the company has a current (published, not withdrawn) rating."""
    from ratings.publishing import current_grades

    return company_id in current_grades(session, [company_id])


def register_gs1_prefix(
    session: Session, *, company: str, prefix: str, actor: User | None = None, approved: bool = False
) -> Gs1Prefix:
    """A GS1 company prefix, as digits of the 13-digit GTIN form (a UPC-A prefix keeps its leading 0).
    For a graded company it needs an approved proposal (`approved`; see ratings.proposals)."""
    owner, prefix = check_gs1_prefix(session, company=company, prefix=prefix)
    if not approved and is_graded(session, owner.id):
        raise Conflict(f"{owner.slug} has a published rating: registering a prefix for it needs a second person; "
                       "propose it.", code="prefix_needs_approval")
    row = Gs1Prefix(prefix=prefix, company_id=owner.id)
    session.add(row)
    _flush_or_conflict(session, Conflict(f"GS1 prefix {prefix} is already registered.", code="duplicate_gs1_prefix"))
    audit.record(session, actor=actor, action="gs1_prefix.create", entity=row)
    return row


def replace_sourcing(
    session: Session,
    *,
    company: str,
    records: Iterable[dict[str, Any]],
    stages: Iterable[str],
    actor: User | None = None,
) -> list[Sourcing]:
    """Replace a company's sourcing records with `records`, each checked against the known `stages`."""
    owner = get_company(session, company)
    rows = [_sourcing_row(owner.id, record, index, set(stages)) for index, record in enumerate(records)]
    old = session.exec(select(Sourcing).where(Sourcing.company_id == owner.id)).all()
    if sorted(map(_sourcing_key, rows)) != sorted(map(_sourcing_key, old)):
        from ratings.assessments import refuse_while_submitted

        refuse_while_submitted(session, owner)  # 409: the sourcing is frozen with the assessment under review
    before = {"records": [audit.snapshot(row) for row in old]}
    for row in old:
        session.delete(row)
    session.add_all(rows)
    audit.record(session, actor=actor, action="sourcing.replace", entity=owner, before=before)
    return rows


def _sourcing_key(row: Sourcing) -> tuple:
    return (row.stage, row.good or "", row.country or "", bool(row.disclosed))


def sourcing_of(session: Session, company_id: int) -> list[Sourcing]:
    return list(session.exec(select(Sourcing).where(Sourcing.company_id == company_id).order_by(Sourcing.id)).all())


# --- validation helpers ---------------------------------------------------------------------------

def _sourcing_row(company_id: int, record: dict[str, Any], index: int, stages: set[str]) -> Sourcing:
    stage = record.get("stage")
    if stage not in stages:
        raise Invalid(
            f"Sourcing record {index}: unknown stage {stage!r}.",
            code="invalid_sourcing",
            errors={str(index): {"stage": [f"Use one of {', '.join(sorted(stages))}."]}},
        )
    disclosed = record.get("disclosed", True)
    if not disclosed:
        return Sourcing(company_id=company_id, stage=stage, disclosed=False)
    good = (record.get("good") or "").strip()
    if not good:
        raise Invalid(
            f"Sourcing record {index}: a disclosed record needs the good.",
            code="invalid_sourcing",
            errors={str(index): {"good": ["Name the good sourced at this stage."]}},
        )
    country = _country(record.get("country"), field=f"sourcing record {index}: country")
    if country is None:
        raise Invalid(
            f"Sourcing record {index}: a disclosed record needs the country.",
            code="invalid_sourcing",
            errors={str(index): {"country": ["Give an ISO 3166-1 alpha-2 country code."]}},
        )
    return Sourcing(company_id=company_id, stage=stage, good=good, country=country, disclosed=True)


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("A name must have 1 to 200 characters.", code="invalid_name", errors={"name": ["1 to 200 characters."]})
    return name


def _country(code: str | None, field: str = "country") -> str | None:
    if code is None or code == "":
        return None
    normalised = code.strip().upper()
    if len(normalised) != 2 or pycountry.countries.get(alpha_2=normalised) is None:
        raise Invalid(
            f"{field.capitalize()} {code!r} is not an ISO 3166-1 alpha-2 country code.",
            code="invalid_country",
            errors={"country": ["Use an ISO 3166-1 alpha-2 code such as 'BD'."]},
        )
    return normalised


def _aliases(aliases: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for alias in aliases:
        alias = (alias or "").strip()
        if alias:
            seen.setdefault(alias, None)
    return list(seen)


def _parent_id(session: Session, company: Company, parent: str | None) -> int | None:
    if not parent:
        return None
    owner = get_company(session, parent)
    ancestor: Company | None = owner
    while ancestor is not None:  # refuse cycles: a company cannot own itself, directly or not
        if ancestor.id == company.id:
            raise Invalid(f"{parent!r} cannot be the parent of {company.slug!r}: it would form a cycle.", code="parent_cycle")
        ancestor = session.get(Company, ancestor.parent_id) if ancestor.parent_id else None
    return owner.id


def _duplicate_gtin(gtin: str) -> Conflict:
    return Conflict(f"A product with GTIN {gtin} already exists.", code="duplicate_gtin")


def _flush_or_conflict(session: Session, conflict: Conflict) -> None:
    """A concurrent writer can slip past the check above; the unique index has the last word."""
    try:
        session.flush()
    except IntegrityError:
        raise conflict from None
