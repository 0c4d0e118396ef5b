"""Four eyes, for real (issue 11, points 1-4, and DESIGN's "Two people for every public grade move"), over HTTP
on SQLite and PostgreSQL: publish what was reviewed, sourcing frozen at submission, every author barred from
publishing, and grade-moving catalog changes and withdrawals proposed by one person and approved by another."""

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import Session, select

from ratings import datafiles, users
from ratings.db import make_engine, transaction
from ratings.models import AuditEvent, Brand, CatalogChange, Gs1Prefix, Proposal, PublishedRating, User
from ratings_cli import main
from tests.api.test_workflow_story import auth, make_people

STAGES = ("raw_materials", "inputs", "final_manufacturing")
DISCLOSED = [{"stage": s, "good": "Wool", "country": "NO"} for s in STAGES]
HIDDEN_RAW = [{"stage": "raw_materials", "disclosed": False}] + DISCLOSED[1:]


def half_marks():
    """Every indicator at about half marks: 51.3, a C on the standard scale and a C- on the high-risk one."""
    method = datafiles.methodology("f2w-2026")
    entries = []
    for category in method.categories:
        for indicator in category.indicators:
            for stage in ([s.id for s in method.stages] if indicator.staged else [None]):
                if indicator.answer.type == "percent":
                    value = 50
                else:
                    options = indicator.answer.options
                    value = next((k for k, v in options.items() if v == 0.5), None) or next(k for k, v in options.items() if v == 0.75)
                entries.append({"indicator": indicator.id, "value": value, **({"stage": stage} if stage else {})})
    return entries


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response


class World:
    """A client, people with tokens, and helpers that drive the workflow over HTTP."""

    def __init__(self, database_url, app_factory):
        self.url = database_url
        self.tokens = make_people(database_url)
        with self.session() as session, transaction(session):
            for email, role in (("reviewer2@example.org", "reviewer"), ("admin2@example.org", "admin")):
                _, self.tokens[email.split("@")[0]] = users.create_user(session, email=email, role=role)
        # The normal response cache: public views read before and after a change move with the catalog version.
        self.client = app_factory().test_client()

    def session(self):
        self._engine = getattr(self, "_engine", None) or make_engine(self.url)
        return Session(self._engine, expire_on_commit=False)

    def h(self, who, etag=None):
        headers = auth(self.tokens[who])
        return {**headers, "If-Match": etag} if etag else headers

    def company(self, name, slug, brand=None, sourcing=DISCLOSED):
        ok(self.client.post("/v1/companies", json={"name": name, "slug": slug, "country": "NO"}, headers=self.h("analyst")), 201)
        if brand:
            ok(self.client.post("/v1/brands", json={"name": brand, "slug": brand.lower(), "company": slug, "industry": "apparel"},
                                headers=self.h("analyst")), 201)
        ok(self.client.put(f"/v1/companies/{slug}/sourcing", json={"records": sourcing}, headers=self.h("analyst")))

    def submitted(self, company, answers, year=2026, who="analyst"):
        created = ok(self.client.post("/v1/assessments", json={"company": company, "cycle_year": year}, headers=self.h(who)), 201)
        aid = created.get_json()["id"]
        written = ok(self.client.put(f"/v1/assessments/{aid}/answers", json={"answers": answers},
                                     headers=self.h(who, created.headers["ETag"])))
        submitted = ok(self.client.post(f"/v1/assessments/{aid}/submit", headers=self.h(who, written.headers["ETag"])))
        return aid, submitted.headers["ETag"]

    def published(self, company, answers, year=2026):
        aid, etag = self.submitted(company, answers, year)
        return ok(self.client.post(f"/v1/assessments/{aid}/publish", headers=self.h("reviewer", etag)), 201).get_json()

    def count(self, model, *where):
        with self.session() as session:
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

    def version(self):
        with self.session() as session:
            return session.exec(select(func.coalesce(func.max(CatalogChange.id), 0))).one()

    def actions(self, prefix):
        with self.session() as session:
            return [a for a in session.exec(select(AuditEvent.action).order_by(AuditEvent.id)) if a.startswith(prefix)]

    def close(self):
        if getattr(self, "_engine", None) is not None:
            self._engine.dispose()


@pytest.fixture
def world(database_url, app_factory):
    made = World(database_url, app_factory)
    yield made
    made.close()


# --- 1. publish exactly the reviewed version ---------------------------------------------------------------

def test_publishing_with_the_etag_of_a_version_since_returned_and_cut_down_is_412_and_publishes_nothing(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    full = half_marks()
    aid, _ = world.submitted("nordvik-co", full)
    seen = ok(world.client.get(f"/v1/assessments/{aid}/preview", headers=world.h("reviewer")))
    reviewed_etag, reviewed = seen.headers["ETag"], seen.get_json()
    assert reviewed_etag == f'"assessment-{aid}-v3"'  # created v1, answered v2, submitted v3
    # Behind the reviewer's back: returned, cut down to one answer, resubmitted as a later version.
    returned = ok(world.client.post(f"/v1/assessments/{aid}/return", json={"comment": "check"},
                                    headers=world.h("reviewer2", reviewed_etag)))
    cut = ok(world.client.put(f"/v1/assessments/{aid}/answers", json={"answers": full[:1]},
                              headers=world.h("second_analyst", returned.headers["ETag"])))
    again = ok(world.client.post(f"/v1/assessments/{aid}/submit", headers=world.h("second_analyst", cut.headers["ETag"])))
    assert again.get_json()["version"] > 3

    stale = world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("reviewer", reviewed_etag))
    assert (stale.status_code, stale.get_json()["code"]) == (412, "stale_version")
    assert world.count(PublishedRating) == 0
    assert ok(world.client.get(f"/v1/assessments/{aid}", headers=world.h("reviewer"))).get_json()["status"] == "submitted"
    # Reviewing the new version and publishing that one works, and publishes what the new preview showed.
    fresh = ok(world.client.get(f"/v1/assessments/{aid}/preview", headers=world.h("reviewer")))
    published = ok(world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("reviewer", fresh.headers["ETag"])), 201)
    assert published.get_json()["score"] == fresh.get_json()["score"] < reviewed["score"]


def test_publishing_without_if_match_is_428_and_publishes_nothing(world):
    world.company("Nordvik & Co", "nordvik-co")
    aid, _ = world.submitted("nordvik-co", half_marks()[:3])
    response = world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("reviewer"))
    assert (response.status_code, response.get_json()["code"]) == (428, "precondition_required")
    assert world.count(PublishedRating) == 0


# --- 2. sourcing frozen at submission -----------------------------------------------------------------------

def test_a_sourcing_change_while_submitted_is_refused_naming_the_assessment_and_the_published_grade_is_the_reviewed_one(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    aid, etag = world.submitted("nordvik-co", half_marks())
    reviewed = ok(world.client.get(f"/v1/assessments/{aid}/preview", headers=world.h("reviewer"))).get_json()
    assert (reviewed["grade"], reviewed["scale"]) == ("C", "standard")

    refused = world.client.put("/v1/companies/nordvik-co/sourcing", json={"records": HIDDEN_RAW}, headers=world.h("analyst"))
    assert (refused.status_code, refused.get_json()["code"]) == (409, "assessment_under_review")
    assert str(aid) in refused.get_json()["message"] and refused.get_json()["errors"] == {"assessment": aid}
    # The same through the importer: a sourcing row for the company is refused too, and nothing is written.
    rows = [{"company": "nordvik-co", **record} for record in HIDDEN_RAW]
    imported = world.client.post("/v1/imports", json={"sourcing": rows}, headers=world.h("analyst"))
    assert (imported.status_code, imported.get_json()["code"]) == (409, "assessment_under_review")
    # Re-sending the sourcing it already has changes nothing and is fine.
    ok(world.client.put("/v1/companies/nordvik-co/sourcing", json={"records": DISCLOSED}, headers=world.h("analyst")))

    published = ok(world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("reviewer", etag)), 201).get_json()
    assert (published["grade"], published["score"], published["scale"]) == (reviewed["grade"], reviewed["score"], "standard")
    with world.session() as session:
        rating = session.get(PublishedRating, published["rating"])
        assert rating.sourcing == [{**r, "disclosed": True} for r in DISCLOSED]
        assert rating.risk_list_edition == "dol-2022"
    # After publication the sourcing may change again; the published grade stays the reviewed one.
    ok(world.client.put("/v1/companies/nordvik-co/sourcing", json={"records": HIDDEN_RAW}, headers=world.h("analyst")))
    assert world.client.get("/v1/brands/nordvik").get_json()["rating"]["grade"] == "C"


def test_the_published_grade_is_reproducible_from_the_snapshot_it_stored(world):
    from scoring.engine import score
    from scoring.inputs import parse_answers_document

    world.company("Nordvik & Co", "nordvik-co", sourcing=HIDDEN_RAW)
    published = world.published("nordvik-co", half_marks())
    with world.session() as session:
        rating = session.get(PublishedRating, published["rating"])
        answers = ok(world.client.get(f"/v1/assessments/{rating.assessment_id}", headers=world.h("reviewer"))).get_json()["answers"]
        document = {"answers": [{k: v for k, v in a.items() if k not in ("note", "version", "copied") and v is not None} for a in answers],
                    "sourcing": rating.sourcing}
        method = datafiles.methodology(rating.methodology_id)
        again = score(method, *parse_answers_document(document, method), datafiles.risk_list())
        assert (again.grade, again.scale, again.inputs_hash) == (rating.grade, rating.scale, rating.inputs_hash) == (
            "C-", "high_risk", rating.inputs_hash)


def test_a_returned_assessment_thaws_its_sourcing_and_scores_on_the_live_one(world):
    world.company("Nordvik & Co", "nordvik-co")
    aid, etag = world.submitted("nordvik-co", half_marks())
    returned = ok(world.client.post(f"/v1/assessments/{aid}/return", json={"comment": "sourcing"}, headers=world.h("reviewer", etag)))
    assert returned.get_json()["sourcing"] is None
    ok(world.client.put("/v1/companies/nordvik-co/sourcing", json={"records": HIDDEN_RAW}, headers=world.h("analyst")))
    assert ok(world.client.get(f"/v1/assessments/{aid}/preview", headers=world.h("reviewer"))).get_json()["grade"] == "C-"
    resubmitted = ok(world.client.post(f"/v1/assessments/{aid}/submit", headers=world.h("analyst", returned.headers["ETag"])))
    assert resubmitted.get_json()["sourcing"][0] == {"stage": "raw_materials", "good": None, "country": None, "disclosed": False}


# --- 3. every author, whatever their role later -------------------------------------------------------------

@pytest.mark.parametrize("shaped_by", ["created", "answered", "submitted"])
def test_an_analyst_author_promoted_to_reviewer_cannot_publish(world, shaped_by):
    world.company("Nordvik & Co", "nordvik-co")
    people = {"created": "analyst", "answered": "analyst", "submitted": "analyst"}
    people.update({step: "second_analyst" for step in people if step != shaped_by})
    created = ok(world.client.post("/v1/assessments", json={"company": "nordvik-co"}, headers=world.h(people["created"])), 201)
    aid = created.get_json()["id"]
    written = ok(world.client.put(f"/v1/assessments/{aid}/answers", json={"answers": half_marks()[:2]},
                                  headers=world.h(people["answered"], created.headers["ETag"])))
    submitted = ok(world.client.post(f"/v1/assessments/{aid}/submit", headers=world.h(people["submitted"], written.headers["ETag"])))
    assert "analyst@example.org" in submitted.get_json()["authors"]
    with world.session() as session, transaction(session):
        session.exec(select(User).where(User.email == "analyst@example.org")).one().role = "reviewer"

    refused = world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("analyst", submitted.headers["ETag"]))
    assert (refused.status_code, refused.get_json()["code"]) == (403, "four_eyes")
    assert world.count(PublishedRating) == 0
    ok(world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("reviewer", submitted.headers["ETag"])), 201)


def test_drafts_created_by_an_api_import_carry_the_importing_user_who_cannot_publish_them(world):
    world.company("Nordvik & Co", "nordvik-co")
    document = {"assessments": [{"company": "nordvik-co", "cycle_year": 2026, "answers": half_marks()[:3]}]}
    ok(world.client.post("/v1/imports", json=document, headers=world.h("analyst")))
    aid = 1  # the first assessment of a clean database
    draft = ok(world.client.get(f"/v1/assessments/{aid}", headers=world.h("reviewer"))).get_json()
    assert draft["authors"] == ["analyst@example.org"] and draft["author"] == "analyst@example.org"
    submitted = ok(world.client.post(f"/v1/assessments/{aid}/submit", headers=world.h("second_analyst", f'"assessment-{aid}-v{draft["version"]}"')))
    with world.session() as session, transaction(session):
        session.exec(select(User).where(User.email == "analyst@example.org")).one().role = "reviewer"
    refused = world.client.post(f"/v1/assessments/{aid}/publish", headers=world.h("analyst", submitted.headers["ETag"]))
    assert (refused.status_code, refused.get_json()["code"]) == (403, "four_eyes")


def test_the_cli_import_needs_an_actor_who_becomes_the_author(world, tmp_path):
    world.company("Nordvik & Co", "nordvik-co")
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"assessments": [{"company": "nordvik-co", "cycle_year": 2026, "answers": half_marks()[:3]}]}))
    runner = CliRunner()
    missing = runner.invoke(main, ["import", str(path), "--database-url", world.url])
    assert missing.exit_code == 1 and "--actor EMAIL" in missing.output and len(missing.output.strip().splitlines()) == 1
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"companies": [{"slug": "fjell", "name": "Fjell"}]}))
    anonymous = runner.invoke(main, ["import", str(catalog), "--database-url", world.url])  # proposals need a proposer too
    assert anonymous.exit_code == 1 and "--actor EMAIL" in anonymous.output
    unknown = runner.invoke(main, ["import", str(path), "--actor", "nobody@example.org", "--database-url", world.url])
    assert unknown.exit_code == 1 and "nobody@example.org" in unknown.output and "Traceback" not in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
    done = runner.invoke(main, ["import", str(path), "--actor", "Analyst2@example.org", "--database-url", world.url])
    assert done.exit_code == 0, done.output
    draft = ok(world.client.get("/v1/assessments/1", headers=world.h("reviewer"))).get_json()
    assert draft["authors"] == ["analyst2@example.org"]


# --- 4. grade-moving catalog changes are proposals ----------------------------------------------------------

def test_moving_a_brand_is_a_proposal_approved_by_a_reviewer_and_its_history_keeps_the_earlier_owners_ratings(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    world.company("Fjord Holdings", "fjord-holdings")
    old_rating = world.published("nordvik-co", half_marks())
    superseded = world.published("fjord-holdings", half_marks()[:20], year=2025)  # replaced before the brand came
    new_rating = world.published("fjord-holdings", half_marks()[:40])
    version = world.version()

    proposed = ok(world.client.patch("/v1/brands/nordvik", json={"company": "fjord-holdings", "aliases": ["Nordvik Wool"]},
                                     headers=world.h("analyst")), 202).get_json()
    assert (proposed["kind"], proposed["status"], proposed["proposed_by"]) == ("brand_owner", "pending", "analyst@example.org")
    assert proposed["change"] == {"brand": "nordvik", "from_company": "nordvik-co", "to_company": "fjord-holdings"}
    card = world.client.get("/v1/brands/nordvik").get_json()
    assert card["brand"]["company"]["slug"] == "nordvik-co" and card["brand"]["aliases"] == ["Nordvik Wool"]  # the rest applies
    pending = ok(world.client.get("/v1/proposals?status=pending", headers=world.h("reviewer"))).get_json()["items"]
    assert [p["id"] for p in pending] == [proposed["id"]]
    again = world.client.patch("/v1/brands/nordvik", json={"company": "nordvik-co"}, headers=world.h("analyst"))
    assert again.status_code == 200 and world.count(Proposal) == 1  # the owner it has already: nothing to propose

    approved = ok(world.client.post(f"/v1/proposals/{proposed['id']}/approve", headers=world.h("reviewer"))).get_json()
    assert (approved["status"], approved["decided_by"]) == ("approved", "reviewer@example.org")
    assert world.version() > version  # the move is a public change, logged in the approving transaction
    card = world.client.get("/v1/brands/nordvik").get_json()
    assert card["brand"]["company"]["slug"] == "fjord-holdings" and card["rating"]["id"] == new_rating["rating"]
    history = {h["id"]: h for h in card["history"]}
    assert set(history) == {old_rating["rating"], new_rating["rating"]}  # not the new owner's superseded one
    assert superseded["rating"] not in history
    earlier = history[old_rating["rating"]]
    assert earlier["company"]["slug"] == "nordvik-co" and earlier["owned_to"] is not None
    assert history[new_rating["rating"]]["company"]["slug"] == "fjord-holdings" and history[new_rating["rating"]]["owned_to"] is None
    assert earlier["owned_to"] == history[new_rating["rating"]]["owned_from"]
    assert world.actions("proposal.") == ["proposal.brand_owner.propose", "proposal.brand_owner.approve"]
    assert not ok(world.client.get("/v1/proposals?status=pending", headers=world.h("admin"))).get_json()["items"]


def test_proposing_and_rejecting_append_no_catalog_version_and_change_nothing(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    world.company("Fjord Holdings", "fjord-holdings")
    version = world.version()
    proposal = ok(world.client.patch("/v1/brands/nordvik", json={"company": "fjord-holdings"}, headers=world.h("analyst")), 202).get_json()
    assert world.version() == version
    assert world.client.post(f"/v1/proposals/{proposal['id']}/reject", json={"reason": "  "}, headers=world.h("reviewer")).status_code == 422
    rejected = ok(world.client.post(f"/v1/proposals/{proposal['id']}/reject", json={"reason": "Not sold after all"},
                                    headers=world.h("reviewer"))).get_json()
    assert (rejected["status"], rejected["decision_reason"]) == ("rejected", "Not sold after all")
    assert world.version() == version
    assert world.client.get("/v1/brands/nordvik").get_json()["brand"]["company"]["slug"] == "nordvik-co"
    late = world.client.post(f"/v1/proposals/{proposal['id']}/approve", headers=world.h("reviewer2"))
    assert (late.status_code, late.get_json()["code"]) == (409, "proposal_decided")
    assert world.actions("proposal.") == ["proposal.brand_owner.propose", "proposal.brand_owner.reject"]


def test_a_gs1_prefix_for_a_graded_company_is_a_proposal_and_for_an_ungraded_one_is_registered(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    world.company("Fjord Holdings", "fjord-holdings")
    ok(world.client.post("/v1/companies/fjord-holdings/gs1-prefixes", json={"prefix": "5012345"}, headers=world.h("analyst")), 201)
    world.published("nordvik-co", half_marks())
    proposal = ok(world.client.post("/v1/companies/nordvik-co/gs1-prefixes", json={"prefix": "4006381"},
                                    headers=world.h("analyst")), 202).get_json()
    assert proposal["change"] == {"company": "nordvik-co", "prefix": "4006381"}
    assert world.client.get("/v1/barcodes/4006381333931").status_code == 404  # nothing resolves yet
    duplicate = world.client.post("/v1/companies/nordvik-co/gs1-prefixes", json={"prefix": "4006381"}, headers=world.h("analyst"))
    assert duplicate.status_code == 202 and duplicate.get_json()["id"] == proposal["id"]
    assert world.count(Proposal) == 1
    ok(world.client.post(f"/v1/proposals/{proposal['id']}/approve", headers=world.h("admin")))
    found = ok(world.client.get("/v1/barcodes/4006381333931")).get_json()
    assert (found["match"], found["company"]["slug"], found["rating"]["grade"]) == ("gs1_prefix", "nordvik-co", "C")


def test_the_proposer_cannot_approve_and_an_analyst_cannot_decide(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    rating = world.published("nordvik-co", half_marks())
    proposal = ok(world.client.post(f"/v1/ratings/{rating['rating']}/withdraw", json={"reason": "Evidence retracted"},
                                    headers=world.h("admin")), 202).get_json()
    own = world.client.post(f"/v1/proposals/{proposal['id']}/approve", headers=world.h("admin"))
    assert (own.status_code, own.get_json()["code"]) == (403, "four_eyes")
    analyst = world.client.post(f"/v1/proposals/{proposal['id']}/approve", headers=world.h("analyst"))
    assert (analyst.status_code, analyst.get_json()["code"]) == (403, "forbidden_role")
    assert world.client.get("/v1/proposals", headers=world.h("analyst")).status_code == 403


def test_an_import_proposes_brand_moves_and_prefixes_of_graded_companies_instead_of_applying_them(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    world.company("Fjord Holdings", "fjord-holdings")
    world.published("nordvik-co", half_marks())
    document = {"brands": [{"slug": "nordvik", "name": "Nordvik", "company": "fjord-holdings", "industry": "apparel"}],
                "gs1_prefixes": [{"company": "nordvik-co", "prefix": "4006381"}, {"company": "fjord-holdings", "prefix": "5012345"}]}
    counts = ok(world.client.post("/v1/imports", json=document, headers=world.h("analyst"))).get_json()["counts"]
    assert counts["brands"] == {"unchanged": 1, "proposed": 1}
    assert counts["gs1_prefixes"] == {"proposed": 1, "created": 1}
    with world.session() as session:
        assert session.exec(select(Brand)).one().company_id == 1
        assert session.exec(select(Gs1Prefix.prefix)).all() == ["5012345"]
    again = ok(world.client.post("/v1/imports", json=document, headers=world.h("analyst"))).get_json()["counts"]
    assert again["brands"] == {"unchanged": 1, "proposed": 1} and world.count(Proposal) == 2  # no duplicates
    pending = ok(world.client.get("/v1/proposals?status=pending", headers=world.h("reviewer"))).get_json()["items"]
    assert {p["kind"] for p in pending} == {"brand_owner", "gs1_prefix"}
    assert {p["proposed_by"] for p in pending} == {"analyst@example.org"}
    for item in pending:
        ok(world.client.post(f"/v1/proposals/{item['id']}/approve", headers=world.h("reviewer")))
    assert world.client.get("/v1/brands/nordvik").get_json()["brand"]["company"]["slug"] == "fjord-holdings"
    assert world.client.get("/v1/barcodes/4006381333931").get_json()["company"]["slug"] == "nordvik-co"


# --- 5. withdrawal by two people -----------------------------------------------------------------------------

def test_a_withdrawal_proposed_by_an_admin_takes_effect_when_a_second_admin_approves(world):
    world.company("Nordvik & Co", "nordvik-co", brand="Nordvik")
    rating = world.published("nordvik-co", half_marks())
    proposal = ok(world.client.post(f"/v1/ratings/{rating['rating']}/withdraw", json={"reason": "Evidence retracted"},
                                    headers=world.h("admin")), 202).get_json()
    assert (proposal["kind"], proposal["reason"], proposal["change"]["rating"]) == ("withdrawal", "Evidence retracted", rating["rating"])
    assert world.client.get("/v1/brands/nordvik").get_json()["rating"]["id"] == rating["rating"]  # not yet
    twice = world.client.post(f"/v1/ratings/{rating['rating']}/withdraw", json={"reason": "Other"}, headers=world.h("admin2"))
    assert (twice.status_code, twice.get_json()["code"]) == (409, "proposal_pending")
    ok(world.client.post(f"/v1/proposals/{proposal['id']}/approve", headers=world.h("admin2")))
    card = world.client.get("/v1/brands/nordvik").get_json()
    assert card["rating"] is None and card["history"][0]["withdrawn_reason"] == "Evidence retracted"
    after = world.client.post(f"/v1/ratings/{rating['rating']}/withdraw", json={"reason": "Again"}, headers=world.h("admin"))
    assert (after.status_code, after.get_json()["code"]) == (409, "already_withdrawn")
    assert world.actions("proposal.") == ["proposal.withdrawal.propose", "proposal.withdrawal.approve"]
