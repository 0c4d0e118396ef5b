"""Alternatives that help (issue 13, point 6): better graded, one per company group, never the scanned brand's
group, ranked by grade then closeness of product category, each with its reason in words."""

import json

import pytest
from sqlmodel import Session

from ratings import assessments, publishing
from ratings.db import make_engine, transaction
from ratings.imports import rows_from_json, run_import

DEMO = json.loads(open("data/demo/catalog.json", encoding="utf-8").read())
ANSWERS = json.loads(open("data/demo/assessments.json", encoding="utf-8").read())
ORDER = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F"]
PARENT = {c["slug"]: c["parent"] for c in DEMO["companies"]}


def group(company):
    while PARENT.get(company):
        company = PARENT[company]
    return company


def check(body):
    scanned = (body.get("company") or body["brand"]["company"])["slug"]
    alternatives = body["alternatives"]
    groups = [group(a["company"]["slug"]) for a in alternatives]
    assert len(groups) == len(set(groups)), "no two alternatives of one company (group)"
    assert group(scanned) not in groups, "never the scanned brand's company"
    ranks = [ORDER.index(a["grade"]) for a in alternatives]
    assert ranks == sorted(ranks)
    if body["rating"] is not None:
        assert all(rank < ORDER.index(body["rating"]["grade"]) for rank in ranks), "all better graded"
    for alternative in alternatives:
        assert alternative["reason"].startswith(f"{alternative['grade']} vs ")
        assert f" in {alternative['industry']}" in alternative["reason"]
        if alternative["shared_category"]:
            assert alternative["reason"].endswith(", " + alternative["shared_category"]["name"].lower())


@pytest.fixture
def unlimited(demo_url, make_app):
    return make_app(demo_url, RATE_LIMITS_ENABLED=False).test_client()  # these tests ask many questions at once


def test_every_demo_product_gets_better_alternatives_of_other_companies_with_a_reason(unlimited):
    demo_client = unlimited
    seen = 0
    for product in DEMO["products"][::3]:
        body = demo_client.get(f"/v1/barcodes/{product['gtin']}").get_json()
        check(body)
        seen += bool(body["alternatives"])
    assert seen > 10


def test_every_demo_scorecard_gets_better_alternatives_of_other_companies(unlimited):
    demo_client = unlimited
    for brand in DEMO["brands"]:
        check(demo_client.get(f"/v1/brands/{brand['slug']}").get_json())


def test_a_jumper_suggests_the_brand_of_a_better_company_that_makes_knitwear(demo_client):
    jumper = next(p for p in DEMO["products"] if p["name"].startswith("Merino crew jumper"))
    body = demo_client.get(f"/v1/barcodes/{jumper['gtin']}").get_json()
    assert body["product"]["category"] == {"slug": "knitwear", "name": "Knitwear"}
    first = body["alternatives"][0]
    # Fernhollow Textiles has three brands; the one that makes knitwear is the one suggested.
    assert (first["slug"], first["shared_category"]["slug"]) == ("fernhollow", "knitwear")
    assert first["reason"] == f"A- vs {body['rating']['grade']} in apparel, knitwear"


def test_a_subsidiary_never_gets_its_parent_as_an_alternative(demo_client):
    tee = next(p for p in DEMO["products"] if p["brand"] == "tidewren")
    body = demo_client.get(f"/v1/barcodes/{tee['gtin']}").get_json()
    companies = {a["company"]["slug"] for a in body["alternatives"]}
    assert not companies & {"brindlecourt-group-plc", "kestrelmoor-outfitters-ltd", "tidewren-apparel-co"}
    assert companies == {"fernhollow-textiles"}  # the only better apparel company outside the group


@pytest.fixture
def shoemaker(writable_demo_url, app_factory):
    """A new footwear company graded exactly as Fernhollow Textiles (A-): same sourcing, same answers."""
    fernhollow = next(c for c in DEMO["companies"] if c["slug"] == "fernhollow-textiles")
    document = {
        "companies": [{"slug": "solewright-ltd", "name": "Solewright Ltd", "country": "PT", "sourcing": fernhollow["sourcing"]}],
        "brands": [{"slug": "solewright", "name": "Solewright", "company": "solewright-ltd", "industry": "apparel",
                    "category": "footwear"}],
        "products": [{"gtin": "5601111000016", "name": "Leather derby shoe, brown, EU 42", "brand": "solewright",
                      "category": "footwear"}],
    }
    answers = next(a for a in ANSWERS["assessments"] if a["company"] == "fernhollow-textiles" and a["cycle_year"] == 2026)
    engine = make_engine(writable_demo_url)
    with Session(engine) as session, transaction(session):
        run_import(session, rows_from_json(document))
        draft = assessments.create_assessment(session, company="solewright-ltd", methodology=ANSWERS["methodology"], cycle_year=2026)
        assessments.replace_answers(session, draft.id, entries=answers["answers"])
        assessments.submit(session, draft.id)
        rating = publishing.publish(session, draft.id, reviewer=None)
        assert rating.grade == "A-"
    engine.dispose()
    return app_factory().test_client()


def test_within_a_grade_the_brand_that_makes_the_scanned_category_comes_first(shoemaker):
    boot = next(p for p in DEMO["products"] if p["name"].startswith("Leather Chelsea boot"))
    body = shoemaker.get(f"/v1/barcodes/{boot['gtin']}").get_json()
    check(body)
    first, second = body["alternatives"][:2]
    assert (first["slug"], first["grade"], first["shared_category"]["slug"]) == ("solewright", "A-", "footwear")
    assert first["reason"] == "A- vs F in apparel, footwear"
    assert second["company"]["slug"] == "fernhollow-textiles" and second["grade"] == "A-"

    jumper = next(p for p in DEMO["products"] if p["name"].startswith("Merino crew jumper"))
    body = shoemaker.get(f"/v1/barcodes/{jumper['gtin']}").get_json()
    assert [a["slug"] for a in body["alternatives"][:2]] == ["fernhollow", "solewright"]
    assert body["alternatives"][1]["shared_category"] is None
    assert body["alternatives"][1]["reason"] == f"A- vs {body['rating']['grade']} in apparel"


def test_ratings_show_cycle_year_research_cut_off_and_publication_date_history_newest_first(demo_client):
    card = demo_client.get("/v1/brands/lumenhart").get_json()
    rating = card["rating"]
    assert (rating["cycle_year"], rating["evidence_cutoff"]) == (2026, "2026-01-19")
    assert rating["published_at"].startswith("2026-04-10T16:02:30")
    assert [h["cycle_year"] for h in card["history"]] == [2026, 2025, 2024]
    assert all(h["evidence_cutoff"] and h["published_at"] for h in card["history"])
    scanned = demo_client.get(f"/v1/barcodes/{DEMO['products'][0]['gtin']}").get_json()["rating"]
    assert scanned["cycle_year"] == 2026 and scanned["evidence_cutoff"]
