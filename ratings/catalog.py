"""Catalog services: industries, companies, brands, products, GS1 prefixes and sourcing.

Each service does one whole job on the caller's session and flushes; the caller commits
(`ratings.db.transaction`), so a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ratings import audit, rules
from ratings.barcodes import parse_barcode
from ratings.errors import Conflict, Invalid, NotFound
from ratings.models import AuditEvent, Brand, BrandOwnership, Company, Gs1Prefix, Industry, Product, Sourcing, User
from ratings.slugs import unique_slug
from ratings.types import utcnow

PRODUCT_SOURCES = ("analyst", "import", "upstream", "upstream_fuzzy")  # upstream_fuzzy: shows no grade until confirmed


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
    if not isinstance(slug, str) or rules.characters(slug):  # NUL or a lone surrogate: names nothing, and the database would fail on it
        raise NotFound(f"No {kind} has the slug {slug!r}.", code=f"{kind}_not_found")
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
        website=_website(website),
        parent_id=get_company(session, parent).id if parent else None,
    )
    session.add(company)
    audit.record(session, actor=actor, action="company.create", entity=company)
    return company


def update_company(session: Session, slug: str, *, changes: dict[str, Any], actor: User | None = None) -> Company:
    """Change name, country, website or parent. The slug never changes: apps and links rely on it."""
    company = get_company(session, slug)
    wanted = {}
    if "name" in changes:
        wanted["name"] = _name(changes["name"])
    if "country" in changes:
        wanted["country"] = _country(changes["country"])
    if "website" in changes:
        wanted["website"] = _website(changes["website"])
    if "parent" in changes:
        wanted["parent_id"] = _parent_id(session, company, changes["parent"])
    _apply(session, company, wanted, actor=actor, action="company.update")
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
    wanted = {}
    if "name" in changes:
        wanted["name"] = _name(changes["name"])
    if "company" in changes and get_company(session, changes["company"]).id != brand.company_id:
        # A new owner moves a public grade: it is proposed and approved (ratings.proposals), then move_brand.
        raise Conflict(f"Moving brand {brand.slug} to another company needs a second person: propose it.",
                       code="owner_change_needs_approval")
    if "industry" in changes:
        wanted["industry_id"] = get_industry(session, changes["industry"]).id if changes["industry"] else None
    if "aliases" in changes:
        wanted["aliases"] = _aliases(changes["aliases"])
    _apply(session, brand, wanted, actor=actor, action="brand.update")
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


def _apply(session: Session, row, wanted: dict[str, Any], *, actor: User | None, action: str) -> bool:
    """Set the fields that differ; an update that changes nothing writes nothing (no audit event,
    no catalog version). True when something changed."""
    different = {key: value for key, value in wanted.items() if getattr(row, key) != value}
    if not different:
        return False
    before = audit.snapshot(row)
    for key, value in different.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    audit.record(session, actor=actor, action=action, entity=row, before=before)
    return True


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
    product = Product(gtin=barcode.gtin, name=_name(name, max_length=rules.PRODUCT_NAME_MAX), brand_id=get_brand(session, brand).id, source=source)
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
    rules.require(rules.gs1_prefix(prefix), field="prefix", code="invalid_gs1_prefix", label=f"GS1 prefix {str(prefix)[:20]!r}")
    prefix = prefix.strip()
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
    problems = rules.sourcing_record(record, stages)
    if problems:
        field, reasons = next(iter(problems.items()))
        raise Invalid(f"Sourcing record {index}: {field} {reasons[0]}.", code="invalid_sourcing", errors={str(index): problems})
    if not record.get("disclosed", True):
        return Sourcing(company_id=company_id, stage=record["stage"], disclosed=False)
    return Sourcing(company_id=company_id, stage=record["stage"], good=record["good"].strip(),
                    country=rules.normal_country(record["country"]), disclosed=True)


def _name(name: Any, *, max_length: int = rules.NAME_MAX) -> str:
    rules.require(rules.name(name, max_length=max_length), field="name", code="invalid_name", label="A name")
    return name.strip()


def _country(code: Any, field: str = "country") -> str | None:
    if code is None or code == "":
        return None
    rules.require(rules.country(code), field=field, code="invalid_country", label=field)
    return rules.normal_country(code)


def _website(website: Any) -> str | None:
    if website is None or website == "":
        return None
    rules.require(rules.url(website), field="website", code="invalid_url", label="The website")
    return website


def _aliases(aliases: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for alias in aliases:
        if alias is None or (isinstance(alias, str) and not alias.strip()):
            continue  # blank aliases are dropped, not refused: a trailing "|" in a cell is harmless
        rules.require(rules.name(alias), field="aliases", code="invalid_name", label="An alias")
        seen.setdefault(alias.strip(), None)
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
