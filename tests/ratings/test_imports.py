"""Bulk import: validate everything first, name every bad row, write all or nothing, re-run changes nothing."""

import hashlib
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import SQLModel, select
from stdnum import ean

from ratings import imports
from ratings_cli import main
from ratings.db import transaction
from ratings.errors import Invalid
from ratings.models import Answer, Product


def gtin(n: int) -> str:
    body = f"50{n:010d}"
    return body + str(ean.calc_check_digit(body))


def document(products=1000, bad_row=None):
    rows = [{"gtin": gtin(n), "name": f"Product {n}", "brand": "nordvik"} for n in range(products)]
    if bad_row is not None:
        rows[bad_row] = {**rows[bad_row], "gtin": rows[bad_row]["gtin"][:-1] + "0" if rows[bad_row]["gtin"][-1] != "0" else rows[bad_row]["gtin"][:-1] + "1"}
    return {
        "industries": [{"slug": "apparel", "name": "Apparel"}],
        "companies": [{"slug": "nordvik-co", "name": "Nordvik & Co", "country": "NO", "gs1_prefixes": ["7012345"],
                       "sourcing": [{"stage": "raw_materials", "good": "Wool", "country": "NO"},
                                    {"stage": "inputs", "disclosed": False}]}],
        "brands": [{"slug": "nordvik", "name": "Nordvik", "company": "nordvik-co", "industry": "apparel", "aliases": ["Nordvik and Co"]}],
        "products": rows,
        "assessments": [{"company": "nordvik-co", "cycle_year": 2026,
                         "answers": [{"indicator": "POL-1", "value": "yes"}, {"indicator": "TT-1", "stage": "inputs", "value": 55}]}],
    }


def fingerprint(session):
    """Row counts and a checksum of every table: 'exactly as before' made checkable."""
    result = {}
    for table in SQLModel.metadata.sorted_tables:
        rows = session.connection().execute(select(table).order_by(*table.primary_key.columns)).all()
        result[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def test_an_import_writes_every_section_and_rerunning_it_changes_nothing(session):
    with transaction(session):
        report = imports.run_import(session, imports.rows_from_json(document(products=50)))
    assert report.as_dict()["products"] == {"created": 50, "updated": 0, "unchanged": 0}
    assert session.exec(select(func.count()).select_from(Answer)).one() == 2
    before = fingerprint(session)
    with transaction(session):
        again = imports.run_import(session, imports.rows_from_json(document(products=50)))
    assert not again.changed
    assert fingerprint(session) == before


def test_one_bad_row_among_a_thousand_writes_nothing_and_names_that_row(session):
    before = fingerprint(session)
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(document(products=1000, bad_row=737)))
    rows = raised.value.errors["rows"]
    assert [(r["where"], r["field"]) for r in rows] == [("products[737]", "gtin")]
    assert "check digit" in rows[0]["reason"]
    assert fingerprint(session) == before


def test_every_bad_row_is_reported_with_its_field(session):
    doc = document(products=3)
    doc["products"].append({"gtin": doc["products"][0]["gtin"], "name": "Twin", "brand": "nordvik"})
    doc["brands"].append({"slug": "Bad Slug", "name": "x", "company": "nobody"})
    doc["companies"][0]["sourcing"].append({"stage": "retail", "good": "Wool", "country": "ZZ"})
    doc["assessments"][0]["answers"].append({"indicator": "NOPE-1", "value": "yes"})
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(doc))
    found = {(r["where"], r["field"]) for r in raised.value.errors["rows"]}
    assert {("products[3]", "gtin"), ("brands[1]", "slug"), ("brands[1]", "company"),
            ("companies[0].sourcing[2]", "stage"), ("companies[0].sourcing[2]", "country")} <= found
    assert any(where.startswith("assessments[0].answers[2]") for where, _ in found)


def test_csv_rows_are_named_by_line(session):
    with transaction(session):
        imports.run_import(session, imports.rows_from_json({**document(products=0), "assessments": []}))
    text = "gtin,name,brand\n" + gtin(1) + ",Sock,nordvik\n" + "12345,Broken,nordvik\n" + gtin(2) + ",Hat,nobody\n"
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_csv(text, "products"))
    assert [(r["where"], r["field"]) for r in raised.value.errors["rows"]] == [("line 3", "gtin"), ("line 4", "brand")]
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv("gtin,name,brand\n" + gtin(1) + ",Sock,nordvik\n", "products"))
    assert session.exec(select(Product.name)).all() == ["Sock"]


def test_a_prefix_of_another_company_is_refused(session):
    doc = {**document(products=0), "assessments": []}
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(doc))
    doc["companies"].append({"slug": "other", "name": "Other", "gs1_prefixes": ["7012345"]})
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(doc))
    assert raised.value.errors["rows"][0]["reason"] == "7012345 is registered to nordvik-co"


def test_the_cli_imports_a_file_and_reports_bad_rows(database_url, tmp_path):
    good = tmp_path / "catalog.json"
    good.write_text(json.dumps(document(products=20)))
    result = CliRunner().invoke(main, ["import", str(good), "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "products: 20 created" in result.output
    bad = tmp_path / "products.csv"
    bad.write_text("gtin,name,brand\n" + gtin(900) + ",Ok,nordvik\n" + "4006381333932,Bad,nordvik\n")
    result = CliRunner().invoke(main, ["import", str(bad), "--database-url", database_url])
    assert result.exit_code == 1
    assert "line 3: gtin:" in result.output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(["gtin", "name", "brand", "extra"]),
                                st.one_of(st.none(), st.text(max_size=20), st.integers(), st.lists(st.text(max_size=3), max_size=2))),
                max_size=5))
def test_arbitrary_product_rows_are_accepted_or_named_never_crash(session, rows):
    session.rollback()
    try:
        with transaction(session):
            imports.run_import(session, imports.rows_from_json({"products": rows}))
    except Invalid as error:
        assert all(r["where"].startswith("products[") for r in error.errors["rows"])


def _catalog_with(**brand_fields):
    return {
        "industries": [{"slug": "apparel", "name": "Apparel"}],
        "companies": [{"slug": "knitco", "name": "Knitco"}],
        "brands": [{"slug": "knitco", "name": "Knitco", "company": "knitco", "industry": "apparel", **brand_fields}],
    }


def test_categories_must_be_of_the_brands_industry(session):
    document = {**_catalog_with(category="laptops"),
                "products": [{"gtin": gtin(1), "name": "Jumper", "brand": "knitco", "category": "chocolate-bars"}]}
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(document))
    problems = {(row["where"], row["field"]) for row in raised.value.errors["rows"]}
    assert problems == {("brands[0]", "category"), ("products[0]", "category")}
    assert "knitwear" in raised.value.errors["rows"][0]["reason"]


def test_an_absent_category_leaves_it_and_an_empty_cell_clears_it(session):
    from ratings.models import Brand

    with transaction(session):
        imports.run_import(session, imports.rows_from_json({
            **_catalog_with(category="knitwear"),
            "products": [{"gtin": gtin(1), "name": "Jumper", "brand": "knitco", "category": "knitwear"}]}))
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv(f"gtin,name,brand\n{gtin(1)},Wool jumper,knitco\n", "products"))
    product = session.exec(select(Product)).one()
    session.refresh(product)
    assert (product.name, product.category) == ("Wool jumper", "knitwear")
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv(f"gtin,name,brand,category\n{gtin(1)},Wool jumper,knitco,\n", "products"))
    session.refresh(product)
    assert product.category is None
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv("slug,name,company,industry\nknitco,Knitco,knitco,apparel\n", "brands"))
    brand = session.exec(select(Brand)).one()
    session.refresh(brand)
    assert brand.category == "knitwear"
