"""Catalog services on a real database (SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from ratings import catalog
from ratings.db import transaction
from ratings.errors import Conflict, Invalid, Malformed, NotFound
from ratings.models import AuditEvent, Product, Sourcing

from tests.factories import STAGES, make_brand


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_every_barcode_form_of_a_product_resolves_to_the_same_row(session):
    brand = make_brand(session)
    with transaction(session):
        product = catalog.create_product(session, gtin="0 12345 67890 5", name="Tee", brand=brand.slug)
    forms = ["012345678905", "0012345678905", "00012345678905", "0-12345-67890-5", " 0012345678905 "]
    assert {catalog.get_product(session, form).id for form in forms} == {product.id}
    assert product.gtin == "00012345678905"


@pytest.mark.parametrize("second_form", ["012345678905", "0012345678905", "00012345678905", "0 12345-67890 5"])
def test_a_second_product_with_an_existing_gtin_is_a_conflict_and_writes_nothing(session, second_form):
    brand = make_brand(session)
    with transaction(session):
        catalog.create_product(session, gtin="012345678905", name="Tee", brand=brand.slug)
    products, events = count(session, Product), count(session, AuditEvent)
    with pytest.raises(Conflict) as raised, transaction(session):
        catalog.create_product(session, gtin=second_form, name="Other tee", brand=brand.slug)
    assert raised.value.code == "duplicate_gtin"
    assert (count(session, Product), count(session, AuditEvent)) == (products, events)


def test_malformed_gtin_is_refused_with_its_reason(session):
    brand = make_brand(session)
    with pytest.raises(Malformed) as raised, transaction(session):
        catalog.create_product(session, gtin="012345678906", name="Tee", brand=brand.slug)
    assert raised.value.errors == {"reason": "check_digit"}
    assert count(session, Product) == 0


def test_slugs_come_from_names_are_unique_and_survive_a_rename(session):
    with transaction(session):
        first = catalog.create_company(session, name="Café Lumière & Co")
        second = catalog.create_company(session, name="Cafe Lumiere Co")
    assert (first.slug, second.slug) == ("cafe-lumiere-co", "cafe-lumiere-co-2")
    with transaction(session):
        renamed = catalog.update_company(session, first.slug, changes={"name": "Lumière Holdings"})
    assert (renamed.name, renamed.slug) == ("Lumière Holdings", "cafe-lumiere-co")


def test_an_explicit_slug_that_is_taken_is_a_conflict(session):
    with transaction(session):
        catalog.create_company(session, name="Nordvik", slug="nordvik")
    with pytest.raises(Conflict), transaction(session):
        catalog.create_company(session, name="Nordvik Two", slug="nordvik")


def test_unknown_country_is_invalid(session):
    with pytest.raises(Invalid) as raised, transaction(session):
        catalog.create_company(session, name="Nowhere Ltd", country="XX")
    assert raised.value.code == "invalid_country"


def test_a_company_cannot_become_its_own_ancestor(session):
    with transaction(session):
        holding = catalog.create_company(session, name="Holding")
        catalog.create_company(session, name="Subsidiary", parent=holding.slug)
    with pytest.raises(Invalid) as raised, transaction(session):
        catalog.update_company(session, "holding", changes={"parent": "subsidiary"})
    assert raised.value.code == "parent_cycle"


def test_unknown_brand_for_a_product_is_not_found(session):
    with pytest.raises(NotFound) as raised, transaction(session):
        catalog.create_product(session, gtin="96385074", name="Bar", brand="no-such-brand")
    assert raised.value.code == "brand_not_found"


def test_gs1_prefix_is_digits_and_registered_once(session):
    brand = make_brand(session)
    company = brand.company_id
    with transaction(session):
        row = catalog.register_gs1_prefix(session, company="acme-textiles", prefix="5012345")
    assert (row.prefix, row.company_id) == ("5012345", company)
    with pytest.raises(Conflict), transaction(session):
        catalog.register_gs1_prefix(session, company="acme-textiles", prefix="5012345")
    with pytest.raises(Invalid), transaction(session):
        catalog.register_gs1_prefix(session, company="acme-textiles", prefix="50A")


def test_replacing_sourcing_swaps_every_record_and_checks_each(session):
    make_brand(session)
    records = [
        {"stage": "raw_materials", "good": "Cotton", "country": "in"},
        {"stage": "inputs", "disclosed": False},
        {"stage": "final_manufacturing", "good": "Garments", "country": "BD"},
    ]
    with transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", records=records, stages=STAGES)
    with transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", records=records[:2], stages=STAGES)
    rows = session.exec(select(Sourcing).order_by(Sourcing.id)).all()
    assert [(r.stage, r.good, r.country, r.disclosed) for r in rows] == [
        ("raw_materials", "Cotton", "IN", True),
        ("inputs", None, None, False),
    ]
    with pytest.raises(Invalid), transaction(session):
        catalog.replace_sourcing(
            session, company="acme-textiles", records=[{"stage": "retail", "good": "Tee", "country": "GB"}], stages=STAGES
        )
    with pytest.raises(Invalid), transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", records=[{"stage": "inputs", "good": "Yarn"}], stages=STAGES)
    assert count(session, Sourcing) == 2


def test_every_write_is_audited_with_before_and_after(session):
    make_brand(session)
    with transaction(session):
        catalog.update_company(session, "acme-textiles", changes={"website": "https://acme.example"})
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "company.update")).one()
    assert event.before["website"] is None
    assert event.after["website"] == "https://acme.example"
    actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["industry.create", "company.create", "brand.create", "company.update"]


# --- the services call the rules (ratings/rules.py) -------------------------------------------------

from ratings.models import CatalogChange, Company  # noqa: E402


@pytest.mark.parametrize("slug", ["\x00", "acme\x00textiles", "\ud800"])
def test_slugs_holding_nul_or_lone_surrogates_name_nothing_on_every_backend(session, slug):
    make_brand(session)
    for get in (catalog.get_company, catalog.get_brand, catalog.get_industry):
        with pytest.raises(NotFound):
            get(session, slug)


@pytest.mark.parametrize("website", ["javascript:alert(1)", "data:text/html,x", "our site", "https://a.example/" + "x" * 2000])
def test_company_websites_must_be_http_addresses(session, website):
    make_brand(session)
    before = count(session, Company), count(session, AuditEvent)
    with pytest.raises(Invalid) as raised, transaction(session):
        catalog.create_company(session, name="Web Co", website=website)
    assert raised.value.code == "invalid_url"
    with pytest.raises(Invalid), transaction(session):
        catalog.update_company(session, "acme-textiles", changes={"website": website})
    assert (count(session, Company), count(session, AuditEvent)) == before


def test_a_website_of_2000_characters_fits_its_column(session):
    website = "https://a.example/" + "x" * (2000 - len("https://a.example/"))
    with transaction(session):
        company = catalog.create_company(session, name="Long Site", website=website)
    assert company.website == website


@pytest.mark.parametrize("prefix", ["000000", "0000000", "0000012", "0212345", "0451234", "2501234", "9821234", "9951234",
                                    "9638", "12345", "5012345678901"])
def test_gs1_prefixes_gs1_never_issues_to_a_company_are_refused(session, prefix):
    make_brand(session)
    with pytest.raises(Invalid) as raised, transaction(session):
        catalog.register_gs1_prefix(session, company="acme-textiles", prefix=prefix)
    assert raised.value.code == "invalid_gs1_prefix"


@pytest.mark.parametrize("name", ["   ", "\t\n", "", "x" * 201])
def test_blank_or_overlong_names_are_refused(session, name):
    make_brand(session)
    with pytest.raises(Invalid), transaction(session):
        catalog.create_company(session, name=name)
    with pytest.raises(Invalid), transaction(session):
        catalog.update_brand(session, "acme", changes={"name": name})


@pytest.mark.parametrize("disclosed", ["no", "false", 0, None])
def test_sourcing_disclosed_must_be_a_boolean(session, disclosed):
    make_brand(session)
    with pytest.raises(Invalid), transaction(session):
        catalog.replace_sourcing(session, company="acme-textiles", stages=STAGES,
                                 records=[{"stage": "inputs", "good": "Yarn", "country": "GB", "disclosed": disclosed}])
    assert count(session, Sourcing) == 0


def test_updates_that_change_nothing_write_no_audit_event_and_no_catalog_version(session):
    make_brand(session)
    before = count(session, AuditEvent), count(session, CatalogChange)
    with transaction(session):
        catalog.update_company(session, "acme-textiles", changes={})
        catalog.update_company(session, "acme-textiles", changes={"name": " Acme Textiles ", "country": "gb"})
        catalog.update_brand(session, "acme", changes={"name": "Acme", "industry": "apparel", "company": "acme-textiles", "aliases": []})
    assert (count(session, AuditEvent), count(session, CatalogChange)) == before
    with transaction(session):
        catalog.update_brand(session, "acme", changes={"aliases": ["ACME"]})
    assert count(session, AuditEvent) == before[0] + 1 and count(session, CatalogChange) > before[1]
