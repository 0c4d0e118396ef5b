"""GET /v1/assessments (status, company, author=me|others) and GET /v1/replies: filters and access."""

import pytest
from sqlmodel import Session

from ratings import users
from ratings.db import make_engine, transaction
from tests.console_data import ANALYST, COMPANY, REVIEWER, SECOND_ANALYST, build_world


@pytest.fixture
def lists(database_url, app_factory):
    world = build_world(database_url)
    engine = make_engine(database_url)
    tokens = {}
    with Session(engine) as session, transaction(session):
        for email in (ANALYST, REVIEWER, COMPANY, SECOND_ANALYST, "admin@demo.example"):
            tokens[email] = users.issue_token(session, user=users.get_user(session, email=email))
    engine.dispose()
    client = app_factory().test_client()

    def get(path, email):
        return client.get(path, headers={"Authorization": f"Bearer {tokens[email]}"})

    return world, get


def ids(response):
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


def test_author_me_lists_my_assessments_by_status(lists):
    world, get = lists
    assert ids(get("/v1/assessments?status=draft&author=me", ANALYST)) == {world.draft, world.returned}
    assert ids(get("/v1/assessments?status=returned&author=me", ANALYST)) == {world.returned}
    assert ids(get("/v1/assessments?status=submitted&author=me", ANALYST)) == {world.submitted}
    assert ids(get("/v1/assessments?status=draft&author=me", SECOND_ANALYST)) == {world.others_draft}


def test_a_reviewer_sees_submitted_work_of_others_and_the_returned_comment_is_listed(lists):
    world, get = lists
    assert ids(get("/v1/assessments?status=submitted&author=others", REVIEWER)) == {world.submitted, world.others_submitted}
    assert ids(get("/v1/assessments?status=submitted&author=others", SECOND_ANALYST)) == {world.submitted}
    body = get("/v1/assessments?status=returned", REVIEWER).get_json()
    assert body["items"][0]["review_comment"] == world.comment and body["items"][0]["returned"] is True
    assert body["items"][0]["you_are_author"] is False


def test_the_list_filters_by_company_and_pages_with_a_total(lists):
    world, get = lists
    assert ids(get("/v1/assessments?company=fernhollow-textiles&status=draft", ANALYST)) == {world.others_draft}
    first = get("/v1/assessments?page_size=2", ANALYST).get_json()
    second = get("/v1/assessments?page_size=2&page=2", ANALYST).get_json()
    assert set(first) == {"items", "page", "page_size", "total"}
    assert len(first["items"]) == 2 and first["total"] >= 5 + 10  # five in the world, the demo's published ones
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_bad_filters_are_validation_errors_and_an_unknown_company_is_404(lists):
    _, get = lists
    for query in ("status=archived", "author=you", "page_size=1000", "page=0", "company=Not%20A%20Slug"):
        response = get(f"/v1/assessments?{query}", ANALYST)
        assert response.status_code == 422, query
        assert set(response.get_json()) >= {"status", "code", "message"}
    missing = get("/v1/assessments?company=no-such-company", ANALYST)
    assert (missing.status_code, missing.get_json()["code"]) == (404, "company_not_found")


def test_companies_and_admins_never_list_assessments_and_only_reviewers_list_replies(lists):
    world, get = lists
    for email in (COMPANY, "admin@demo.example"):
        assert get("/v1/assessments", email).status_code == 403
    for email in (COMPANY, ANALYST, "admin@demo.example"):
        assert get("/v1/replies?status=pending", email).status_code == 403
    pending = get("/v1/replies?status=pending", REVIEWER).get_json()
    assert [r["id"] for r in pending["items"]] == [world.reply]
    assert pending["items"][0]["company"]["slug"] == "tidewren-apparel-co"
    assert get("/v1/replies?status=accepted", REVIEWER).get_json()["total"] == 0
