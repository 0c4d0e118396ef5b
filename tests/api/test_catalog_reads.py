"""Brand search, scorecards, companies, industries and methodologies over HTTP."""

import pytest

from ratings.datafiles import grade_letters

GRADES = grade_letters()


def slugs(response):
    return [item["slug"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Café Solvane", "cafe-solvane"),
        ("cafe solvane", "cafe-solvane"),
        ("CAFÉ-SOLVANE!", "cafe-solvane"),
        ("tidew", "tidewren"),  # prefix, as typed so far
        ("tidewern", "tidewren"),  # typo
        ("Tide Wren", "tidewren"),  # alias
        ("fern and thistle", "fern-thistle"),
    ],
)
def test_brand_search_forgives_case_accents_punctuation_prefixes_and_typos(demo_client, query, expected):
    response = demo_client.get("/v1/brands", query_string={"q": query})
    assert response.status_code == 200
    assert expected in slugs(response)[:3]


def test_exact_name_ranks_above_a_similar_name(demo_client):
    assert slugs(demo_client.get("/v1/brands?q=brightloom"))[0] == "brightloom"
    assert slugs(demo_client.get("/v1/brands?q=brightloam"))[0] == "brightloam"


def test_search_filters_by_industry_and_minimum_grade(demo_client):
    body = demo_client.get("/v1/brands?industry=electronics&grade_min=B&page_size=100").get_json()
    assert body["items"] and all(i["industry"] == "electronics" for i in body["items"])
    assert all(GRADES.index(i["grade"]) <= GRADES.index("B") for i in body["items"])
    assert body["total"] == len(body["items"])


def test_search_pages_carry_the_total(demo_client):
    everything = demo_client.get("/v1/brands?page_size=100").get_json()
    first = demo_client.get("/v1/brands?page=1&page_size=5").get_json()
    second = demo_client.get("/v1/brands?page=2&page_size=5").get_json()
    assert first["total"] == second["total"] == everything["total"] >= 30
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 5, 5)
    assert [i["slug"] for i in first["items"] + second["items"]] == [i["slug"] for i in everything["items"][:10]]
    ranks = [GRADES.index(i["grade"]) if i["grade"] else 99 for i in everything["items"]]
    assert ranks == sorted(ranks)  # no query: best grades first


@pytest.mark.parametrize(
    ("query", "code"),
    [("page_size=101", "validation_failed"), ("page=0", "validation_failed"), ("grade_min=Z", "invalid_grade"),
     ("q=" + "x" * 201, "validation_failed")],
)
def test_bad_search_parameters_are_422(demo_client, query, code):
    response = demo_client.get(f"/v1/brands?{query}")
    assert response.status_code == 422 and response.get_json()["code"] == code


def test_unknown_industry_filter_is_404(demo_client):
    response = demo_client.get("/v1/brands?industry=shipbuilding")
    assert (response.status_code, response.get_json()["code"]) == (404, "industry_not_found")


def test_scorecard_shows_breakdown_with_evidence_and_the_grade_history(demo_client):
    # Lumenhart was assessed in 2024, 2025 and 2026.
    brand = demo_client.get("/v1/companies/lumenhart-technologies-gmbh").get_json()["brands"][0]["slug"]
    body = demo_client.get(f"/v1/brands/{brand}").get_json()
    assert body["status"] == "rated"
    assert [c["id"] for c in body["breakdown"]] == ["policies", "transparency_traceability", "monitoring_training", "worker_rights"]
    indicators = [i for c in body["breakdown"] for i in c["indicators"]]
    assert any(i["evidence"] for i in indicators)
    assert all(i["evidence"][0]["source_type"] in ("public", "company", "third_party") for i in indicators if i["evidence"])
    assert round(sum(i["earned"] for i in indicators), 0) == round(body["rating"]["score"], 0)
    history = body["history"]
    assert len(history) == 3 and history[0]["published_at"] >= history[1]["published_at"] >= history[2]["published_at"]
    assert history[0]["id"] == body["rating"]["id"]


def test_unknown_brand_is_404(demo_client):
    assert demo_client.get("/v1/brands/no-such-brand").get_json()["code"] == "brand_not_found"


def test_company_lists_its_brands_and_rating(demo_client):
    body = demo_client.get("/v1/companies/tidewren-apparel-co").get_json()
    assert body["parent"]["slug"] == "brindlecourt-group-plc"
    assert {"tidewren", "tidewren-kids"} <= {b["slug"] for b in body["brands"]}
    assert body["rating"]["scale"] == "high_risk" and body["rating"]["scale_reasons"]


def test_industries_count_brands_and_grades(demo_client):
    items = demo_client.get("/v1/industries").get_json()["items"]
    assert {"apparel", "electronics", "cocoa"} <= {i["slug"] for i in items}
    for item in items:
        assert sum(item["grades"].values()) == item["rated"] <= item["brands"]


def test_industry_ranks_its_brands_by_score(demo_client):
    body = demo_client.get("/v1/industries/apparel").get_json()
    scores = [b["score"] for b in body["ranking"] if b["score"] is not None]
    assert scores == sorted(scores, reverse=True) and len(body["ranking"]) == body["brands"]


def test_methodology_is_published_for_apps(demo_client):
    body = demo_client.get("/v1/methodologies/f2w-2026").get_json()
    assert [s["id"] for s in body["stages"]] == ["raw_materials", "inputs", "final_manufacturing"]
    assert all(i["guidance"] for c in body["categories"] for i in c["indicators"])
    assert demo_client.get("/v1/methodologies/nope").status_code == 404


def test_methodology_gives_titles_labels_units_and_grade_meanings(demo_client):
    body = demo_client.get("/v1/methodologies/f2w-2026").get_json()
    indicators = {i["id"]: i for c in body["categories"] for i in c["indicators"]}
    assert indicators["TT-2"]["title"] == "Published supplier list"
    assert indicators["TT-2"]["answer"]["labels"]["names_only"] == "Supplier names only"
    assert indicators["TT-2"]["answer"]["options"]["names_only"] == 0.25  # options keep their values
    assert indicators["TT-1"]["answer"]["unit"] == "percent of suppliers"
    assert body["grade_labels"]["A-"] == {
        "label": "Leading", "meaning": body["grade_labels"]["A"]["meaning"], "colour": "grade-a",
    }
    assert body["grade_labels"]["F"]["label"] == "No meaningful action"
    assert set(body["grade_labels"]) == {letter for letter, _ in body["grades"]["standard"]}
    assert body["stale_after_months"] == 24


def test_large_bodies_are_compressed(demo_client):
    response = demo_client.get("/v1/methodologies/f2w-2026", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_search_finds_the_brands_that_make_jumpers_with_grade_company_and_industry(demo_client):
    body = demo_client.get("/v1/brands?q=jumper").get_json()
    slugs = [item["slug"] for item in body["items"]]
    assert {"brindlecourt", "kestrelmoor"} <= set(slugs)  # their products are "... jumper ..."
    assert all(item["industry"] == "apparel" for item in body["items"])
    for item in body["items"]:
        assert item["company"]["slug"] and "grade" in item and item["grade"]
    by_category = demo_client.get("/v1/brands?q=pralines").get_json()["items"]
    assert by_category[0]["slug"] == "willowbark-pralines"  # its name first
    assert {"chocolaterie-ebrelle", "duskwillow"} <= {i["slug"] for i in by_category}


@pytest.mark.parametrize("read_model", [True, False], ids=["summaries-of-the-read-model", "summaries-built-per-request"])
def test_search_pages_are_what_their_schema_dumps(writable_demo_url, make_app, read_model):
    """The search view sends its page without dumping it through BrandPage (api/public/brands.py): that is only
    right while every item is already in BrandSummary's dumped shape, from either source of summaries."""
    from sqlmodel import Session, delete

    from api.public.schemas import BrandPage
    from ratings.db import make_engine
    from ratings.models import LookupBrand

    if not read_model:  # no row of the read model: the index holds no summary, the page's are built from the tables
        engine = make_engine(writable_demo_url)
        with Session(engine) as session:
            session.exec(delete(LookupBrand))
            session.commit()
        engine.dispose()
    app = make_app(writable_demo_url)
    client = app.test_client()
    for query in ("page_size=100", "q=tide&page_size=100", "page=2&page_size=7", "industry=electronics&grade_min=B"):
        response = client.get(f"/v1/brands?{query}")
        body = response.get_json()
        assert body["items"]
        with app.app_context():
            assert response.get_data() == app.json.response(BrandPage().dump(body)).get_data()
