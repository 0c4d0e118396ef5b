"""Concurrency on PostgreSQL through a real threaded HTTP server: nothing lost, nothing published twice."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func
from sqlmodel import Session, select
from werkzeug.serving import make_server

from ratings import users
from ratings.db import make_engine, transaction
from ratings.models import Brand, Company, PublishedRating
from ratings.publishing import current_rating

ANSWERS = [{"indicator": "POL-1", "value": "yes"}]


@pytest.fixture
def server(postgres_demo_url, make_app):
    app = make_app(postgres_demo_url, RATE_LIMITS_ENABLED=False)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def tokens(postgres_demo_url):
    engine = make_engine(postgres_demo_url)
    made = {}
    with Session(engine) as session, transaction(session):
        for name, role in (("analyst", "analyst"), ("analyst2", "analyst"), ("reviewer", "reviewer"), ("reviewer2", "reviewer")):
            _, made[name] = users.create_user(session, email=f"{name}@example.org", role=role)
    engine.dispose()
    return {name: {"Authorization": f"Bearer {token}"} for name, token in made.items()}


def draft(server, analyst, company="fernhollow-textiles", year=2030):
    response = requests.post(f"{server}/v1/assessments", json={"company": company, "cycle_year": year}, headers=analyst, timeout=10)
    response.raise_for_status()
    return response.json()["id"], response.headers["ETag"]


def submitted(server, analyst, company, year):
    assessment_id, etag = draft(server, analyst, company, year)
    written = requests.put(f"{server}/v1/assessments/{assessment_id}/answers", json={"answers": ANSWERS},
                           headers={**analyst, "If-Match": etag}, timeout=10)
    done = requests.post(f"{server}/v1/assessments/{assessment_id}/submit", headers={**analyst, "If-Match": written.headers["ETag"]},
                         timeout=10)
    done.raise_for_status()
    return assessment_id, {"If-Match": done.headers["ETag"]}


def at_once(*calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_analysts_writing_one_assessment_exactly_one_wins(server, tokens):
    for _ in range(5):  # a race can hide; run it several times
        assessment_id, etag = draft(server, tokens["analyst"])
        url = f"{server}/v1/assessments/{assessment_id}/answers"
        results = at_once(
            lambda: requests.put(url, json={"answers": ANSWERS}, headers={**tokens["analyst"], "If-Match": etag}, timeout=20),
            lambda: requests.put(url, json={"answers": []}, headers={**tokens["analyst2"], "If-Match": etag}, timeout=20),
        )
        assert sorted(r.status_code for r in results) == [200, 412], [r.text for r in results]
        winner = next(r for r in results if r.status_code == 200)
        stored = requests.get(url.removesuffix("/answers"), headers=tokens["analyst"], timeout=10).json()
        assert stored["version"] == winner.json()["version"] and stored["answers"] == winner.json()["answers"]


def test_two_reviewers_publishing_at_once_make_exactly_one_rating(server, tokens, postgres_demo_url):
    for year in range(2031, 2036):
        assessment_id, reviewed = submitted(server, tokens["analyst"], "fernhollow-textiles", year)
        url = f"{server}/v1/assessments/{assessment_id}/publish"
        results = at_once(
            lambda: requests.post(url, headers={**tokens["reviewer"], **reviewed}, timeout=20),
            lambda: requests.post(url, headers={**tokens["reviewer2"], **reviewed}, timeout=20),
        )
        assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
        engine = make_engine(postgres_demo_url)
        with Session(engine) as session:
            count = session.exec(select(func.count()).select_from(PublishedRating).where(PublishedRating.assessment_id == assessment_id)).one()
        engine.dispose()
        assert count == 1


def test_two_reviewers_approving_one_proposal_at_once_apply_it_once(server, tokens, postgres_demo_url):
    from ratings.models import BrandOwnership, Proposal

    brands = ["tidewren-kids", "northwren"]
    for index, brand in enumerate(brands):
        target = "fernhollow-textiles" if index % 2 == 0 else "kestrelmoor-outfitters-ltd"
        proposed = requests.patch(f"{server}/v1/brands/{brand}", json={"company": target}, headers=tokens["analyst"], timeout=10)
        assert proposed.status_code == 202, proposed.text
        url = f"{server}/v1/proposals/{proposed.json()['id']}/approve"
        results = at_once(
            lambda: requests.post(url, headers=tokens["reviewer"], timeout=20),
            lambda: requests.post(url, headers=tokens["reviewer2"], timeout=20),
        )
        assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
        assert next(r for r in results if r.status_code == 409).json()["code"] == "proposal_decided"
        engine = make_engine(postgres_demo_url)
        with Session(engine) as session:
            proposal = session.get(Proposal, proposed.json()["id"])
            periods = session.exec(select(func.count()).select_from(BrandOwnership)
                                   .join(Brand, Brand.id == BrandOwnership.brand_id).where(Brand.slug == brand)).one()
        engine.dispose()
        assert proposal.status == "approved" and periods == 2  # moved once: the old owner's period and the new one


def test_fifty_threads_mixing_publications_and_lookups_lose_nothing(server, tokens, postgres_demo_url):
    companies = {"fernhollow-textiles": "fernhollow", "quillmere-confiserie-ag": "quillmere", "solvane-roasters-bv": "cafe-solvane"}
    seen_grades = {c: {requests.get(f"{server}/v1/companies/{c}", timeout=10).json()["rating"]["grade"]} for c in companies}
    to_publish = [(c, submitted(server, tokens["analyst"], c, 2040 + n)) for n in range(3) for c in companies]
    published, lookups = [], []

    def publish(item):
        company, (assessment_id, reviewed) = item
        response = requests.post(f"{server}/v1/assessments/{assessment_id}/publish", headers={**tokens["reviewer"], **reviewed},
                                 timeout=30)
        published.append((company, response.status_code, response.json()))

    def lookup(company):
        response = requests.get(f"{server}/v1/companies/{company}", timeout=30)
        lookups.append((company, response.status_code, response.json()))

    work = [lambda item=item: publish(item) for item in to_publish]
    work += [lambda c=random.Random(n).choice(list(companies)): lookup(c) for n in range(50 - len(work))]
    random.Random(7).shuffle(work)
    with ThreadPoolExecutor(50) as pool:
        list(pool.map(lambda call: call(), work))

    assert all(status == 201 for _, status, _ in published), published
    for company, _, body in published:
        seen_grades[company].add(body["grade"])
    assert all(status == 200 for _, status, _ in lookups)
    assert all(body["rating"]["grade"] in seen_grades[company] for company, _, body in lookups)
    engine = make_engine(postgres_demo_url)
    with Session(engine) as session:
        stored = {a for (a,) in session.connection().execute(select(PublishedRating.assessment_id))}
    engine.dispose()
    assert {assessment_id for _, (assessment_id, _) in to_publish} <= stored  # no lost write
    final = {c: requests.get(f"{server}/v1/companies/{c}", timeout=10).json()["rating"]["id"] for c in companies}
    engine = make_engine(postgres_demo_url)
    with Session(engine) as session:
        truth = {c: current_rating(session, session.exec(select(Company).where(Company.slug == c)).one().id).id for c in companies}
    engine.dispose()
    assert final == truth  # once the dust settles, the cache serves what the database holds
