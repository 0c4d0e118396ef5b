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
    CliRunner().invoke(main, ["users", "create", "--email", "importer@example.org", "--role", "analyst", "--database-url", database_url])
    result = CliRunner().invoke(main, ["import", str(good), "--actor", "importer@example.org", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "products: 20 created" in result.output
    bad = tmp_path / "products.csv"
    bad.write_text("gtin,name,brand\n" + gtin(900) + ",Ok,nordvik\n" + "4006381333932,Bad,nordvik\n")
    result = CliRunner().invoke(main, ["import", str(bad), "--actor", "importer@example.org", "--database-url", database_url])
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


# --- imports update what they name; the importer agrees with the API --------------------------------

from ratings.models import Brand, Company, Sourcing  # noqa: E402


def base_catalog():
    return {
        "industries": [{"slug": "apparel", "name": "Apparel"}],
        "companies": [{"slug": "holding", "name": "Holding"},
                      {"slug": "nordvik-co", "name": "Nordvik & Co", "country": "NO", "website": "https://nordvik.example",
                       "parent": "holding",
                       "sourcing": [{"stage": "raw_materials", "good": "Wool", "country": "NO"},
                                    {"stage": "inputs", "good": "Yarn", "country": "SE"}]}],
        "brands": [{"slug": "nordvik", "name": "Nordvik", "company": "nordvik-co", "industry": "apparel", "aliases": ["NV"]}],
    }


def company_and_brand(session):
    session.expire_all()
    company = session.exec(select(Company).where(Company.slug == "nordvik-co")).one()
    brand = session.exec(select(Brand).where(Brand.slug == "nordvik")).one()
    parent = session.get(Company, company.parent_id).slug if company.parent_id else None
    return (company.name, company.country, company.website, parent), (brand.name, brand.industry_id is not None, brand.aliases)


def test_json_rows_without_optional_keys_leave_those_fields_as_they_were(session):
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(base_catalog()))
    before = company_and_brand(session)
    with transaction(session):
        report = imports.run_import(session, imports.rows_from_json({
            "companies": [{"slug": "nordvik-co", "name": "Nordvik & Co"}],
            "brands": [{"slug": "nordvik", "name": "Nordvik", "company": "nordvik-co"}]}))
    assert not report.changed
    assert company_and_brand(session) == before == (
        ("Nordvik & Co", "NO", "https://nordvik.example", "holding"), ("Nordvik", True, ["NV"]))


def test_json_nulls_clear_the_fields_they_name(session):
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(base_catalog()))
    with transaction(session):
        imports.run_import(session, imports.rows_from_json({
            "companies": [{"slug": "nordvik-co", "name": "Nordvik & Co", "country": None, "website": None, "parent": None}],
            "brands": [{"slug": "nordvik", "name": "Nordvik", "company": "nordvik-co", "industry": None, "aliases": None}]}))
    assert company_and_brand(session) == (("Nordvik & Co", None, None, None), ("Nordvik", False, []))


def test_csv_columns_left_out_keep_their_fields_and_empty_cells_clear_them(session):
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(base_catalog()))
    before = company_and_brand(session)
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv("slug,name\nnordvik-co,Nordvik & Co\n", "companies"))
        imports.run_import(session, imports.rows_from_csv("slug,name,company\nnordvik,Nordvik,nordvik-co\n", "brands"))
    assert company_and_brand(session) == before
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv("slug,name,country,website\nnordvik-co,Nordvik & Co,,\n", "companies"))
        imports.run_import(session, imports.rows_from_csv("slug,name,company,aliases\nnordvik,Nordvik,nordvik-co,\n", "brands"))
    assert company_and_brand(session) == (("Nordvik & Co", None, None, "holding"), ("Nordvik", True, []))


def test_sourcing_rows_replace_only_their_company_and_stage(session):
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(base_catalog()))
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv(
            "company,stage,good,country,disclosed\nnordvik-co,inputs,,,no\n", "sourcing"))
    records = sorted((r.stage, r.good, r.country, r.disclosed) for r in session.exec(select(Sourcing)))
    assert records == [("inputs", None, None, False), ("raw_materials", "Wool", "NO", True)]


@pytest.mark.parametrize(("cell", "disclosed"), [("yes", True), ("1", True), ("TRUE", True), ("", True)])
def test_csv_disclosed_cells_become_booleans(session, cell, disclosed):
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(base_catalog()))
    with transaction(session):
        imports.run_import(session, imports.rows_from_csv(
            f"company,stage,good,country,disclosed\nnordvik-co,inputs,Yarn,DK,{cell}\n", "sourcing"))
    assert session.exec(select(Sourcing.disclosed).where(Sourcing.stage == "inputs")).all() == [disclosed]


def test_json_disclosed_must_be_a_real_boolean(session):
    doc = base_catalog()
    doc["companies"][1]["sourcing"][1]["disclosed"] = "no"
    before = fingerprint(session)
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(doc))
    assert [(r["where"], r["field"]) for r in raised.value.errors["rows"]] == [("companies[1].sourcing[1]", "disclosed")]
    assert fingerprint(session) == before


def test_an_unknown_parent_company_is_refused_not_dropped(session):
    doc = base_catalog()
    doc["companies"][1]["parent"] = "no-such-holding"
    before = fingerprint(session)
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(doc))
    assert [(r["where"], r["field"], r["reason"]) for r in raised.value.errors["rows"]] == [
        ("companies[1]", "parent", "unknown company 'no-such-holding'")]
    assert fingerprint(session) == before


def test_parent_cycles_are_refused_within_an_import_and_against_the_database(session):
    looped = {"companies": [{"slug": "a-co", "name": "A", "parent": "b-co"}, {"slug": "b-co", "name": "B", "parent": "a-co"}]}
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_json(looped))
    assert {(r["where"], r["field"]) for r in raised.value.errors["rows"]} == {("companies[0]", "parent"), ("companies[1]", "parent")}
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(base_catalog()))  # nordvik-co's parent is holding
    before = fingerprint(session)
    with pytest.raises(Invalid) as raised, transaction(session):
        imports.run_import(session, imports.rows_from_csv("slug,name,parent\nholding,Holding,nordvik-co\n", "companies"))
    assert "cycle" in raised.value.errors["rows"][0]["reason"]
    assert fingerprint(session) == before


def test_the_cli_refuses_a_file_that_is_not_utf8_naming_the_line_and_accepts_a_bom(database_url, tmp_path):
    latin = tmp_path / "companies.csv"
    latin.write_bytes("slug,name\nok,Ok\ncafe,Caf".encode() + b"\xe9\n")
    CliRunner().invoke(main, ["users", "create", "--email", "importer@example.org", "--role", "analyst", "--database-url", database_url])
    result = CliRunner().invoke(main, ["import", str(latin), "--actor", "importer@example.org", "--database-url", database_url])
    assert result.exit_code == 1 and "not UTF-8 text: line 3" in result.output
    bom = tmp_path / "industries.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps({"industries": [{"slug": "toys", "name": "Toys"}]}).encode())
    result = CliRunner().invoke(main, ["import", str(bom), "--actor", "importer@example.org", "--database-url", database_url])
    assert result.exit_code == 0, result.output


def test_unchanged_imports_with_evidence_change_nothing(session):
    doc = document(products=0)
    doc["assessments"][0]["answers"][0]["evidence"] = [
        {"url": "https://nordvik.example/supplier-list.pdf", "source_type": "company", "date": "2026-01-05"}]
    with transaction(session):
        imports.run_import(session, imports.rows_from_json(doc))
    stored = session.exec(select(Answer.evidence).where(Answer.indicator_id == "POL-1")).one()
    assert stored == [{"url": "https://nordvik.example/supplier-list.pdf", "source_type": "company",
                       "visibility": "confidential", "date": "2026-01-05"}]
    before = fingerprint(session)
    with transaction(session):
        assert not imports.run_import(session, imports.rows_from_json(doc)).changed
    assert fingerprint(session) == before
