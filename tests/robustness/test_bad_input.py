"""Bad input gets a clear 4xx in the error contract and changes nothing (both backends).

Every probe checks the status, the JSON error shape, that no traceback leaves, and that every table
is exactly as before (row counts and checksums, tests/ratings/test_imports.py's fingerprint).
"""

import codecs
import json
import uuid

import pytest
from sqlalchemy import select
from sqlmodel import Session

from api import database
from ratings import users
from ratings.db import make_engine, transaction
from ratings.models import Company
from tests.ratings.test_imports import fingerprint

HUGE = 2**70


@pytest.fixture
def tokens(demo_url):
    engine = make_engine(demo_url)
    made = {}
    with Session(engine) as session, transaction(session):
        for role in ("analyst", "reviewer", "admin", "company"):
            company = "tidewren-apparel-co" if role == "company" else None
            _, made[role] = users.create_user(session, email=f"{role}-{uuid.uuid4().hex[:8]}@example.org", role=role,
                                              company=company)
    engine.dispose()
    return made


def state(url):
    engine = make_engine(url)
    with Session(engine) as session:
        found = fingerprint(session)
    engine.dispose()
    found["apitoken"] = found["apitoken"][0]  # a token's last-use time moves with every call; its rows may not
    return found


def assert_refused(response, statuses=(400, 422)):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert {"status", "code", "message"} <= set(body) and body["status"] == response.status_code
    assert "Traceback" not in response.get_data(as_text=True)
    return body


NUL_PATHS = ["/v1/brands/%00", "/v1/companies/%00", "/v1/industries/%00", "/v1/brands?industry=%00", "/v1/brands?q=a%00b",
             "/v1/brands/tide%00wren", "/v1/changes?since=%00", "/v1/methodologies/%00", "/v1/brands?%00=1"]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_characters_in_addresses_are_400_not_500(demo_client, demo_url, path):
    before = state(demo_url)
    body = assert_refused(demo_client.get(path), statuses=(400,))
    assert "NUL" in body["message"]
    assert state(demo_url) == before


@pytest.mark.parametrize("path", [f"/v1/assessments/{HUGE}", f"/v1/assessments/{HUGE}/preview", f"/v1/assessments/{2**63}"])
def test_ids_beyond_64_bits_in_paths_are_400(demo_client, tokens, path):
    response = demo_client.get(path, headers={"Authorization": f"Bearer {tokens['analyst']}"})
    assert assert_refused(response, statuses=(400,))["message"] == "An id in the address is beyond 64 bits."


def test_ids_beyond_64_bits_in_write_paths_are_400_and_change_nothing(demo_client, demo_url, tokens):
    before = state(demo_url)
    auth = {"Authorization": f"Bearer {tokens['admin']}", "If-Match": "*"}
    assert_refused(demo_client.post(f"/v1/ratings/{HUGE}/withdraw", json={"reason": "Wrong"}, headers=auth), statuses=(400,))
    auth["Authorization"] = f"Bearer {tokens['reviewer']}"
    assert_refused(demo_client.post(f"/v1/replies/{HUGE}/accept", headers=auth), statuses=(400,))
    assert state(demo_url) == before


RAW_BODIES = [
    ("POST", "/v1/companies", '{"name": "Nul\\u0000Co"}'),
    ("POST", "/v1/companies", '{"name": "\\ud800"}'),
    ("POST", "/v1/companies", '{"name": "Lone \\udfff low"}'),
    ("POST", "/v1/companies", '{"name": "Key", "\\u0000": 1}'),
    ("POST", "/v1/brands", '{"name": "Ok", "company": "tidewren-apparel-co", "aliases": ["fine", "\\ud83d"]}'),
    ("POST", "/v1/imports", '{"industries": [{"slug": "toys", "name": "To\\u0000ys"}]}'),
    ("POST", "/v1/imports", '{"industries": [{"slug": "toys", "name": "\\ud800"}]}'),
    ("POST", "/v1/assessments", '{"company": "tidewren-apparel-co", "cycle_year": %d}' % HUGE),
    ("POST", "/v1/assessments", '{"company": "tidewren-apparel-co", "cycle_year": 2026.7}'),
    ("POST", "/v1/assessments", '{"company": "tidewren-apparel-co", "cycle_year": true}'),
    ("POST", "/v1/assessments", '{"company": "tidewren-apparel-co", "cycle_year": "2026"}'),
    ("POST", "/v1/imports", '{"assessments": [{"company": "tidewren-apparel-co", "cycle_year": 2026.7, '
                            '"answers": [{"indicator": "POL-1", "value": "yes"}]}]}'),
]


@pytest.mark.parametrize(("method", "path", "raw"), RAW_BODIES)
def test_nul_lone_surrogates_huge_and_fractional_numbers_in_bodies_are_refused(demo_client, demo_url, tokens, method, path, raw):
    before = state(demo_url)
    response = demo_client.open(path, method=method, data=raw, content_type="application/json",
                                headers={"Authorization": f"Bearer {tokens['analyst']}"})
    assert_refused(response)
    assert state(demo_url) == before


def test_reply_rating_ids_must_be_whole_64_bit_numbers(demo_client, demo_url, tokens):
    before = state(demo_url)
    auth = {"Authorization": f"Bearer {tokens['company']}"}
    for rating in (1.5, HUGE, True, "1"):
        response = demo_client.post("/v1/portal/replies", data=json.dumps({"rating": rating, "text": "Ours"}),
                                    content_type="application/json", headers=auth)
        assert_refused(response)
    assert state(demo_url) == before


WRITES = [  # (role, method, path, body): each breaks one rule of ratings/rules.py
    ("analyst", "POST", "/v1/companies", {"name": "   "}),
    ("analyst", "POST", "/v1/companies", {"name": "X", "website": "javascript:alert(1)"}),
    ("analyst", "POST", "/v1/companies", {"name": "X", "website": "data:text/html,<script>alert(1)</script>"}),
    ("analyst", "POST", "/v1/companies", {"name": "X", "website": "our annual report"}),
    ("analyst", "POST", "/v1/companies", {"name": "X", "website": "https://example.org/" + "a" * 2000}),
    ("analyst", "POST", "/v1/companies", {"name": "X", "country": "ZZ"}),
    ("analyst", "PATCH", "/v1/companies/tidewren-apparel-co", {"name": "\t \n"}),
    ("analyst", "PATCH", "/v1/companies/tidewren-apparel-co", {"website": "javascript:alert(1)"}),
    ("analyst", "PATCH", "/v1/brands/tidewren", {"name": "  "}),
    ("analyst", "PATCH", "/v1/brands/tidewren", {"aliases": ["ok", "   "]}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "000000"}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "0212345"}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "2001234"}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "9811234"}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "9951234"}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "9638"}),
    ("analyst", "POST", "/v1/companies/tidewren-apparel-co/gs1-prefixes", {"prefix": "5012345678901"}),
    ("analyst", "PUT", "/v1/companies/tidewren-apparel-co/sourcing",
     {"records": [{"stage": "inputs", "good": "Cotton", "country": "US", "disclosed": "yes"}]}),
    ("analyst", "PUT", "/v1/companies/tidewren-apparel-co/sourcing",
     {"records": [{"stage": "inputs", "good": "Cotton", "country": "US", "disclosed": 1}]}),
    ("analyst", "PUT", "/v1/companies/tidewren-apparel-co/sourcing",
     {"records": [{"stage": "inputs", "good": "   ", "country": "US"}]}),
    ("admin", "POST", "/v1/ratings/1/withdraw", {"reason": "   "}),
    ("reviewer", "POST", "/v1/assessments/1/return", {"comment": " \n "}),
    ("company", "POST", "/v1/portal/replies", {"rating": 1, "text": "    "}),
]


@pytest.mark.parametrize(("role", "method", "path", "body"), WRITES)
def test_nonsense_is_refused_by_the_rules_and_changes_nothing(demo_client, demo_url, tokens, role, method, path, body):
    before = state(demo_url)
    response = demo_client.open(path, method=method, json=body,
                                headers={"Authorization": f"Bearer {tokens[role]}", "If-Match": "*"})
    assert_refused(response, statuses=(422,))
    assert state(demo_url) == before


@pytest.mark.parametrize("note", [{"text": "hidden"}, ["a", "b"], 42])
def test_answer_notes_that_are_objects_or_lists_are_422(demo_client, demo_url, tokens, note):
    auth = {"Authorization": f"Bearer {tokens['analyst']}"}
    draft = demo_client.post("/v1/assessments", json={"company": "tidewren-apparel-co", "cycle_year": 2031}, headers=auth)
    assert draft.status_code == 201
    before = state(demo_url)
    response = demo_client.put(f"/v1/assessments/{draft.get_json()['id']}/answers", headers={**auth, "If-Match": draft.headers["ETag"]},
                               json={"answers": [{"indicator": "POL-1", "value": "yes", "note": note}]})
    assert_refused(response, statuses=(422,))
    assert state(demo_url) == before


@pytest.mark.parametrize("evidence", [
    {"url": "javascript:alert(1)", "source_type": "public"},
    {"url": "data:text/html,hi", "source_type": "public"},
    {"url": "the annual report", "source_type": "public"},
    {"url": "https://example.org/" + "a" * 2000, "source_type": "public"},
    {"url": "https://example.org/a.pdf", "source_type": "company", "visibility": "secret"},
    {"url": "https://example.org/a.pdf", "source_type": "company", "date": "16/02/2026"},
    {"url": "https://example.org/a.pdf", "source_type": "company", "note": {"x": 1}},
])
def test_evidence_with_bad_urls_visibility_or_dates_is_422(demo_client, demo_url, tokens, evidence):
    auth = {"Authorization": f"Bearer {tokens['analyst']}"}
    draft = demo_client.post("/v1/assessments", json={"company": "tidewren-apparel-co", "cycle_year": 2032}, headers=auth)
    before = state(demo_url)
    response = demo_client.put(f"/v1/assessments/{draft.get_json()['id']}/answers", headers={**auth, "If-Match": draft.headers["ETag"]},
                               json={"answers": [{"indicator": "POL-1", "value": "yes", "evidence": [evidence]}]})
    body = assert_refused(response, statuses=(422,))
    assert body["errors"]["answers"][0]["field"].startswith("evidence[0].")
    assert state(demo_url) == before


def test_malformed_emails_are_refused_when_creating_users(session):
    from ratings.errors import Invalid

    for email in ("ana", "ana@", "ana@exa mple.org", "@example.org", "ana@@example.org"):
        with pytest.raises(Invalid) as raised, transaction(session):
            users.create_user(session, email=email, role="analyst")
        assert raised.value.code == "invalid_email"
    with transaction(session):
        user, _ = users.create_user(session, email=" Ana.Lyst@Example.org ", role="analyst")
    assert user.email == "ana.lyst@example.org"


# --- imports over the API -----------------------------------------------------------------------

def post_import(client, token, data: bytes, content_type: str, kind: str | None = None):
    return client.post("/v1/imports" + (f"?kind={kind}" if kind else ""), data=data, content_type=content_type,
                       headers={"Authorization": f"Bearer {token}"})


def test_the_api_import_accepts_a_utf8_bom_like_the_cli(demo_client, tokens):
    document = codecs.BOM_UTF8 + json.dumps({"industries": [{"slug": "toys", "name": "Toys"}]}).encode()
    assert post_import(demo_client, tokens["analyst"], document, "application/json").status_code == 200
    csv_body = codecs.BOM_UTF8 + "slug,name\ngames,Jeux été\n".encode()
    response = post_import(demo_client, tokens["analyst"], b"", "text/csv", kind="companies")  # header missing: refused
    assert response.status_code == 422
    response = post_import(demo_client, tokens["analyst"], csv_body, "text/csv", kind="companies")
    assert response.status_code == 200, response.get_json()
    assert demo_client.get("/v1/companies/games").get_json()["name"] == "Jeux été"


@pytest.mark.parametrize("content_type", ["text/csv", "application/json"])
def test_a_body_that_is_not_utf8_is_refused_naming_the_line_and_nothing_is_stored(demo_client, demo_url, tokens, content_type):
    before = state(demo_url)
    if content_type == "text/csv":
        data = "slug,name\ngames,Games\ncafe,Caf".encode() + b"\xe9\n"  # Latin-1, as spreadsheets save it
    else:
        data = b'{"industries": [\n{"slug": "cafe", "name": "Caf\xe9"}]}'
    response = post_import(demo_client, tokens["analyst"], data, content_type, kind="companies")
    body = assert_refused(response, statuses=(400,))
    assert "not UTF-8" in body["message"] and ("line 3" in body["message"] or "line 2" in body["message"])
    assert state(demo_url) == before


def test_a_csv_with_mixed_line_endings_imports_every_row(demo_client, tokens):
    data = b"slug,name,country\r\nmixed-a,Mixed A,GB\nmixed-b,Mixed B,FR\rmixed-c,Mixed C,DE\r\n"
    response = post_import(demo_client, tokens["analyst"], data, "text/csv", kind="companies")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["counts"]["companies"] == {"created": 3}
    assert demo_client.get("/v1/companies/mixed-c").get_json()["country"] == "DE"


@pytest.mark.parametrize(("cell", "line"), [("x" * 200_000, 3), ("y" * 120_000, 3)])
def test_a_csv_with_a_huge_cell_is_refused_naming_its_line(demo_client, demo_url, tokens, cell, line):
    before = state(demo_url)
    data = f"slug,name\nfine,Fine\nhuge,{cell}\n".encode()
    body = assert_refused(post_import(demo_client, tokens["analyst"], data, "text/csv", kind="companies"), statuses=(422,))
    assert body["errors"]["rows"][0]["where"] == f"line {line}"
    assert state(demo_url) == before


@pytest.mark.parametrize(("kind", "data", "field"), [
    ("companies", "slug,name\nlong,{}\n".format("L" * 201), "name"),
    ("companies", "slug,name,website\nsite,Site,https://example.org/{}\n".format("a" * 2000), "website"),
    ("companies", "slug,name,website\nsite,Site,javascript:alert(1)\n", "website"),
    ("brands", "slug,name,company,aliases\nlongb,Long,tidewren-apparel-co,ok|{}\n".format("A" * 201), "aliases"),
    ("products", "gtin,name,brand\n96385074,{},tidewren\n".format("P" * 301), "name"),
    ("industries" if False else "companies", "slug,name\n{},Slug\n".format("s" * 121), "slug"),
    ("sourcing", "company,stage,good,country,disclosed\ntidewren-apparel-co,inputs,{},US,true\n".format("G" * 201), "good"),
    ("sourcing", "company,stage,good,country,disclosed\ntidewren-apparel-co,inputs,Cotton,US,maybe\n", "disclosed"),
    ("gs1_prefixes", "company,prefix\ntidewren-apparel-co,0000000\n", "prefix"),
    ("gs1_prefixes", "company,prefix\ntidewren-apparel-co,9901234\n", "prefix"),
    ("companies", "slug,name\nnul,Nu\x00l\n", "row"),
    ("companies", "slug,name\nextra,Extra,cell\n", "row"),
])
def test_csv_texts_longer_than_their_columns_and_bad_values_are_named_not_a_database_error(demo_client, demo_url, tokens, kind, data, field):
    before = state(demo_url)
    body = assert_refused(post_import(demo_client, tokens["analyst"], data.encode(), "text/csv", kind=kind), statuses=(422,))
    assert body["errors"]["rows"][0]["where"] == "line 2" and body["errors"]["rows"][0]["field"] == field, body
    assert state(demo_url) == before


def test_json_import_texts_longer_than_their_columns_are_named(demo_client, demo_url, tokens):
    before = state(demo_url)
    document = {"companies": [{"slug": "long", "name": "N" * 201, "website": "https://x.example/" + "w" * 2000}],
                "brands": [{"slug": "b" * 121, "name": "B", "company": "tidewren-apparel-co"}]}
    body = assert_refused(post_import(demo_client, tokens["analyst"], json.dumps(document).encode(), "application/json"),
                          statuses=(422,))
    assert {(r["where"], r["field"]) for r in body["errors"]["rows"]} == {
        ("companies[0]", "name"), ("companies[0]", "website"), ("brands[0]", "slug")}
    assert state(demo_url) == before


# --- the safety net -------------------------------------------------------------------------------

def test_a_data_error_from_the_database_is_400_in_the_error_contract_without_a_traceback(demo_url, make_app, caplog):
    app = make_app(demo_url)

    def unvalidated():  # a route that forgot its rules: the database refuses the value
        database.session().execute(select(Company).where(Company.id == HUGE)).all()
        return {}

    app.add_url_rule("/probe/unvalidated", view_func=unvalidated)
    response = app.test_client().get("/probe/unvalidated")
    body = assert_refused(response, statuses=(400,))
    assert body["code"] == "invalid_data"
    assert "unhandled error" not in caplog.text
