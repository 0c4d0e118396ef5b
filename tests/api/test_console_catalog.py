"""The console's catalog writes through Flask's test client: only analysts write; the services' reasons
(ratings/catalog.py, the same as the API's) come back on the company page; sourcing is added one record
at a time, keeping the records before it."""

import pytest
from sqlmodel import Session

from ratings import catalog
from ratings.db import make_engine
from tests.api.test_console_pages import csrf_token, login
from tests.console_data import ANALYST, COMPANY, REVIEWER, build_world


@pytest.fixture
def world(database_url):
    return build_world(database_url)


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/console/")}, follow_redirects=True)


def analyst_client(app):
    client = app.test_client()
    login(client, ANALYST)
    return client


@pytest.mark.parametrize("email", [REVIEWER, COMPANY])
def test_only_analysts_create_companies_or_add_to_them(world, app, email):
    client = app.test_client()
    login(client, email)
    assert client.get("/console/companies/new").status_code == 403
    assert post(client, "/console/companies", {"name": "Nope Ltd"}).status_code == 403
    assert post(client, "/console/companies/tidewren-apparel-co/brands", {"name": "Nope"}).status_code == 403


def test_a_new_company_leads_to_its_page_and_a_bad_country_is_explained(world, app):
    client = analyst_client(app)
    bad = post(client, "/console/companies", {"name": "Larkspur Knitwear GmbH", "country": "XX"})
    assert bad.status_code == 422 and "country" in bad.text.lower() and 'value="Larkspur Knitwear GmbH"' in bad.text
    page = post(client, "/console/companies", {"name": "Larkspur Knitwear GmbH", "country": "DE"})
    assert page.status_code == 200 and "<h1>Larkspur Knitwear GmbH</h1>" in page.text


def test_a_malformed_gtin_is_refused_with_the_services_reason(world, app):
    client = analyst_client(app)
    brand = post(client, "/console/companies/tidewren-apparel-co/brands", {"name": "Wrenline"})
    assert "Added Wrenline." in brand.text
    page = post(client, "/console/companies/tidewren-apparel-co/products",
                {"gtin": "12345", "name": "Socks", "brand": "wrenline"})
    assert "flash-error" in page.text and "Added" not in page.text


def test_sourcing_records_are_added_one_at_a_time_keeping_the_earlier_ones(world, app):
    client = analyst_client(app)
    slug = "brindlecourt-group-plc"  # its assessment is back in draft: the sourcing may change
    engine = make_engine(world.url)
    with Session(engine) as session:
        before = len(catalog.sourcing_of(session, catalog.get_company(session, slug).id))
    post(client, f"/console/companies/{slug}/sourcing", {"stage": "inputs", "good": "yarn", "country": "PT"})
    page = post(client, f"/console/companies/{slug}/sourcing", {"stage": "inputs", "undisclosed": "1"})
    assert "Added a sourcing record for inputs." in page.text
    with Session(engine) as session:
        rows = catalog.sourcing_of(session, catalog.get_company(session, slug).id)
    engine.dispose()
    assert len(rows) == before + 2
    assert [(r.stage, r.good, r.country, r.disclosed) for r in rows[-2:]] == [("inputs", "yarn", "PT", True),
                                                                              ("inputs", None, None, False)]


def test_sourcing_is_frozen_while_an_assessment_of_the_company_is_submitted(world, app):
    page = post(analyst_client(app), "/console/companies/tidewren-apparel-co/sourcing",
                {"stage": "inputs", "good": "yarn", "country": "PT"})
    assert "flash-error" in page.text and "submitted" in page.text and "Added" not in page.text
