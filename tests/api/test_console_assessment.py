"""Console pages 3 and 4 through Flask's test client: the assessment form (one answer per request, the
live result in the same response, conflicts showing both values, submit warnings), "Start from last
cycle", and the review (changes beside the previous cycle, comments per answer, return, publish)."""

import re

from sqlmodel import Session

from ratings import assessments, review
from ratings.db import make_engine, transaction
from ratings.models import Assessment
from tests.api.test_console_pages import login
from tests.console_data import ANALYST, COMPANY, REVIEWER, SECOND_ANALYST, SECOND_PASSWORD, build_world

import pytest


@pytest.fixture
def world(database_url):
    return build_world(database_url)


def page_token(page_text):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_text).group(1)


def as_user(app, email, password=None):
    client = app.test_client()
    assert login(client, email, password).status_code == 302
    return client


def save(client, aid, slot, token, *, version=0, htmx=True, **fields):
    data = {"csrf_token": token, "version": str(version), **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/console/assessments/{aid}/answers/{slot}", data=data, headers=headers)


def version_of(database_url, aid):
    engine = make_engine(database_url)
    with Session(engine) as session:
        version = session.get(Assessment, aid).version
    engine.dispose()
    return version


def test_the_form_has_every_slot_of_the_methodology_with_the_right_control(world, app):
    client = as_user(app, ANALYST)
    page = client.get(f"/console/assessments/{world.draft}")
    assert page.status_code == 200
    assert page.text.count('<form id="slot-') == 105  # f2w-2026: one slot per stage for staged indicators
    assert 'id="slot-POL-3--raw_materials"' in page.text and 'id="slot-POL-1"' in page.text
    assert re.search(r'<select id="slot-POL-1-value" name="value"', page.text)
    assert 'type="number"' in page.text  # percent indicators
    assert "0 of 105 answers given" in page.text and 'id="live-grade"' in page.text


def test_saving_one_answer_returns_the_slot_and_the_live_result_in_the_same_response(world, app):
    client = as_user(app, ANALYST)
    token = page_token(client.get(f"/console/assessments/{world.draft}").text)
    saved = save(client, world.draft, "POL-1", token, value="yes",
                 **{"evidence-0-url": "https://tidewren.example/policy.pdf", "evidence-0-source_type": "third_party",
                    "evidence-0-date": "2026-03-01", "evidence-0-visibility": "confidential"})
    assert saved.status_code == 200, saved.text
    assert 'value="2026-03-01"' in saved.text and '<option value="confidential" selected>' in saved.text
    assert saved.text.startswith('\n<form id="slot-POL-1"') or 'id="slot-POL-1"' in saved.text.split("<aside")[0]
    assert 'hx-swap-oob="true"' in saved.text and "1 of 105 answers given" in saved.text
    assert "Answers without evidence: <span id=\"live-bare-count\">0</span>" in saved.text
    bare = save(client, world.draft, "POL-3/inputs", token, value="partial")
    assert bare.status_code == 200 and '<span id="live-bare-count">1</span>' in bare.text
    assert "no evidence" in bare.text


def test_a_bad_answer_is_named_and_nothing_is_saved(world, app):
    client = as_user(app, ANALYST)
    token = page_token(client.get(f"/console/assessments/{world.draft}").text)
    bad = save(client, world.draft, "POL-1", token, value="maybe")
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "maybe" in bad.text
    assert "0 of 105 answers given" in bad.text


def test_two_analysts_saving_one_answer_see_a_conflict_with_both_values(world, app):
    first = as_user(app, ANALYST)
    second = as_user(app, SECOND_ANALYST, SECOND_PASSWORD)
    token1 = page_token(first.get(f"/console/assessments/{world.draft}").text)
    token2 = page_token(second.get(f"/console/assessments/{world.draft}").text)
    assert save(first, world.draft, "POL-1", token1, version=0, value="yes").status_code == 200
    clash = save(second, world.draft, "POL-1", token2, version=0, value="no")
    assert clash.status_code == 409
    assert "Someone else saved this answer" in clash.text
    assert re.search(r'class="theirs"><strong>yes</strong>', clash.text) and re.search(r'class="yours"><strong>no</strong>', clash.text)
    assert 'name="version" value="1"' in clash.text  # saving again now replaces theirs deliberately
    assert save(second, world.draft, "POL-1", token2, version=1, value="no").status_code == 200


def test_submit_warns_of_unanswered_slots_and_answers_without_evidence_then_asks_to_confirm(world, app, database_url):
    client = as_user(app, ANALYST)
    token = page_token(client.get(f"/console/assessments/{world.draft}").text)
    save(client, world.draft, "POL-1", token, value="yes")
    version = version_of(database_url, world.draft)
    warned = client.post(f"/console/assessments/{world.draft}/submit", data={"csrf_token": token, "version": version})
    assert warned.status_code == 200
    assert "104 of 105 answer slots are unanswered" in warned.text and "1 answers have no evidence" in warned.text
    assert 'name="confirm" value="yes"' in warned.text
    assert version_of(database_url, world.draft) == version  # nothing submitted yet
    done = client.post(f"/console/assessments/{world.draft}/submit",
                       data={"csrf_token": token, "version": version, "confirm": "yes"})
    assert done.status_code == 302
    page = client.get(f"/console/assessments/{world.draft}")
    assert "<strong>submitted</strong>" in page.text and "Submit for review" not in page.text


def test_start_from_last_cycle_copies_answers_marked_copied_until_touched(world, app):
    client = as_user(app, ANALYST)
    token = page_token(client.get("/console/companies/tidewren-apparel-co").text)
    started = client.post("/console/companies/tidewren-apparel-co/assessments", data={"csrf_token": token, "from": "last_cycle"})
    assert started.status_code == 302
    form = client.get(started.headers["Location"])
    copied = form.text.count("copied from last cycle")
    assert copied > 10 and "0 of 105" not in form.text
    aid = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    version = re.search(r'id="slot-POL-1".*?name="version" value="(\d+)"', form.text, re.S).group(1)
    touched = save(client, aid, "POL-1", token, version=int(version), value="no")
    assert touched.status_code == 200 and "copied from last cycle" not in touched.text.split("<aside")[0]


def test_a_company_user_cannot_open_the_form_or_the_review(world, app):
    client = as_user(app, COMPANY)
    assert client.get(f"/console/assessments/{world.draft}").status_code == 403
    assert client.get(f"/console/assessments/{world.submitted}/review").status_code == 403


def test_review_shows_changes_returns_with_a_comment_per_answer_and_the_analyst_sees_it(world, app, database_url):
    analyst = as_user(app, ANALYST)
    token = page_token(analyst.get("/console/companies/tidewren-apparel-co").text)
    aid = int(analyst.post("/console/companies/tidewren-apparel-co/assessments",
                           data={"csrf_token": token, "from": "last_cycle"}).headers["Location"].rsplit("/", 1)[1])
    form = analyst.get(f"/console/assessments/{aid}").text
    version = re.search(r'id="slot-POL-1".*?name="version" value="(\d+)"', form, re.S).group(1)
    save(analyst, aid, "POL-1", token, version=int(version), value="no")
    analyst.post(f"/console/assessments/{aid}/submit",
                 data={"csrf_token": token, "version": version_of(database_url, aid), "confirm": "yes"})

    reviewer = as_user(app, REVIEWER)
    page = reviewer.get(f"/console/assessments/{aid}/review")
    assert page.status_code == 200
    assert '<strong id="changed-count">1</strong>' in page.text
    assert re.search(r'<tr id="review-slot-POL-1" class="changed">', page.text)
    assert 'id="slot-POL-2-comment"' in page.text and ">Publish</button>" in page.text
    rtoken = page_token(page.text)
    returned = reviewer.post(f"/console/assessments/{aid}/return", data={
        "csrf_token": rtoken, "version": version_of(database_url, aid), "comment": "One thing.",
        "comment-POL-1": "Why did POL-1 drop to no?"})
    assert returned.status_code == 302
    form = analyst.get(f"/console/assessments/{aid}").text
    assert "Why did POL-1 drop to no?" in form and "One thing." in form


def test_publish_sends_the_version_on_the_page_and_is_offered_only_to_non_authors(world, app, database_url):
    engine = make_engine(database_url)
    from ratings import users

    with Session(engine) as session, transaction(session):
        reviewer = users.get_user(session, email=REVIEWER)
        own = assessments.create_assessment(session, company="tidewren-apparel-co", cycle_year=2033, author=reviewer)
        session.flush()
        assessments.submit(session, own.id, actor=reviewer)
        own_id = own.id
    engine.dispose()
    client = as_user(app, REVIEWER)
    mine = client.get(f"/console/assessments/{own_id}/review")
    assert ">Publish</button>" not in mine.text and "another reviewer must publish it" in mine.text
    page = client.get(f"/console/assessments/{world.submitted}/review")
    token = page_token(page.text)
    stale = client.post(f"/console/assessments/{world.submitted}/publish", data={"csrf_token": token, "version": "1"})
    assert stale.status_code == 412
    done = client.post(f"/console/assessments/{world.submitted}/publish",
                       data={"csrf_token": token, "version": version_of(database_url, world.submitted)})
    assert done.status_code == 302
    forced = client.post(f"/console/assessments/{own_id}/publish",
                         data={"csrf_token": token, "version": version_of(database_url, own_id)})
    assert forced.status_code == 403  # the server refuses an author, whatever the page offered


def test_return_refuses_a_comment_on_an_unknown_slot(world, database_url):
    engine = make_engine(database_url)
    from ratings.errors import Invalid

    with Session(engine) as session:
        with pytest.raises(Invalid):
            review.return_with_comments(session, world.submitted, comment="x", comments={("NOPE-1", None): "?"})
    engine.dispose()
