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
