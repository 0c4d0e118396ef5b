"""Console pages 5 and 6 through Flask's test client: the company portal (scorecard, chart, replies and
their status, reviewers' decisions) and the admin pages (users, withdrawals by two people, audit log),
with their scope: a company user reaches neither another company's portal nor any admin page."""

import re

import pytest
from sqlmodel import Session, select

from ratings.db import make_engine
from ratings.models import CompanyResponse, RatingWithdrawal
from tests.console_data import ADMIN, ANALYST, COMPANY, OTHER_COMPANY_USER, PASSWORDS, REVIEWER, build_world

OTHER_PASSWORD = "other-company-password"
PORTAL = "/console/companies/tidewren-apparel-co/portal"


@pytest.fixture
def world(database_url):
    return build_world(database_url)


def token_of(page_text: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_text).group(1)


def logged_in(app, email, password=None):
    client = app.test_client()
    page = client.get("/console/login")
    response = client.post("/console/login", data={"email": email, "password": password or PASSWORDS[email],
                                                   "csrf_token": token_of(page.text)})
    assert response.status_code == 302, response.text
    return client


def post(client, path, data, page="/console/"):
    return client.post(path, data={**data, "csrf_token": token_of(client.get(page).text)})


def test_the_portal_shows_the_scorecard_explained_the_chart_and_the_roadmap(world, app):
    client = logged_in(app, COMPANY)
    page = client.get(PORTAL)
    assert page.status_code == 200
    text = page.text
    assert "Published scorecard" in text and 'id="explanation"' in text
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in text and "<title id=\"chart-title\">" in text
    assert 'id="history-table"' in text  # the chart's numbers as a table too
    assert "Roadmap to a better grade" in text
    assert "analysts' working note" not in text.lower()
    assert client.get("/console/portal").headers["Location"].endswith(PORTAL)


def test_a_company_user_cannot_reach_another_companys_portal_or_the_admin_pages(world, app):
    client = logged_in(app, COMPANY)
    other = client.get("/console/companies/fernhollow-textiles/portal")
    assert other.status_code == 403 and "Fernhollow" not in other.text
    assert client.get("/console/companies/no-such-company/portal").status_code == 404
    for path in ("/console/admin/users", "/console/admin/withdrawals", "/console/admin/audit"):
        assert client.get(path).status_code == 403, path
    assert post(client, "/console/admin/users", {"email": "x@example.org", "role": "admin"}).status_code == 403
    assert post(client, "/console/companies/fernhollow-textiles/portal/replies", {"rating": "1", "text": "Hi"}).status_code == 403
    other_client = logged_in(app, OTHER_COMPANY_USER, OTHER_PASSWORD)
    assert other_client.get(PORTAL).status_code == 403
    assert logged_in(app, ANALYST).get(PORTAL).status_code == 403  # the portal is the company's own view


def test_a_reply_names_indicators_and_links_and_a_reviewer_rejects_it_with_a_reason(world, app, database_url):
    company = logged_in(app, COMPANY)
    rating = re.search(r'name="rating" value="(\d+)"', company.get(PORTAL).text).group(1)
    bad = post(company, f"{PORTAL}/replies", {"rating": rating, "text": "See the audit.", "indicators": "POL-1",
                                              "evidence": "not a link"}, page=PORTAL)
    assert bad.status_code == 422 and "evidence link" in bad.text.lower()
    sent = company.post(f"{PORTAL}/replies", data={
        "rating": rating, "text": "Our audits are public.", "indicators": ["POL-1", "POL-2"],
        "evidence": "https://example.org/audits\nhttps://example.org/list", "csrf_token": token_of(company.get(PORTAL).text)})
    assert sent.status_code == 302
    with Session(make_engine(database_url)) as session:
        reply = session.exec(select(CompanyResponse).where(CompanyResponse.text == "Our audits are public.")).one()
    assert reply.indicators == ["POL-1", "POL-2"] and reply.evidence == ["https://example.org/audits", "https://example.org/list"]
    reviewer = logged_in(app, REVIEWER)
    queue = reviewer.get("/console/").text
    assert f"Reason for rejecting reply #{reply.id}" in queue and "about POL-1, POL-2" in queue
    assert post(reviewer, f"/console/replies/{reply.id}/reject", {"reason": " "}).status_code == 422
    assert post(reviewer, f"/console/replies/{reply.id}/reject", {"reason": "The audit is from 2019."}).status_code == 302
    assert post(company, f"/console/replies/{world.reply}/accept", {}).status_code == 403  # not the company's to decide
    assert post(reviewer, f"/console/replies/{world.reply}/accept", {}).status_code == 302
    page = company.get(PORTAL).text
    assert "The audit is from 2019." in page and "rejected" in page and "accepted" in page


def test_the_api_rejects_a_reply_with_a_reason(world, app, database_url):
    from tests.api.exercise import tokens_for

    tokens = tokens_for(database_url)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['reviewer']}"}
    assert client.post(f"/v1/replies/{world.reply}/reject", json={}, headers=headers).status_code == 422
    response = client.post(f"/v1/replies/{world.reply}/reject", json={"reason": "No source."}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected" and response.get_json()["reason"] == "No source."
    assert client.post(f"/v1/replies/{world.reply}/accept", headers=headers).status_code == 409


def test_an_admin_creates_a_company_user_sets_a_password_and_revokes_its_tokens(world, app):
    admin = logged_in(app, ADMIN)
    created = post(admin, "/console/admin/users", {"email": "buyer@tidewren.example", "role": "company",
                                                   "company": "tidewren-apparel-co"}, page="/console/admin/users")
    assert created.status_code == 201 and 'id="new-token"' in created.text
    assert post(admin, "/console/admin/users", {"email": "buyer@tidewren.example", "role": "company",
                                                "company": "tidewren-apparel-co"}, page="/console/admin/users").status_code == 409
    assert post(admin, "/console/admin/users", {"email": "scope@x.example", "role": "analyst",
                                                "company": "tidewren-apparel-co"}, page="/console/admin/users").status_code == 422
    weak = post(admin, "/console/admin/users/password", {"email": "buyer@tidewren.example", "password": "short"},
                page="/console/admin/users")
    assert weak.status_code == 422
    assert post(admin, "/console/admin/users/password", {"email": "buyer@tidewren.example",
                                                         "password": "a long enough passphrase"},
                page="/console/admin/users").status_code == 302
    buyer = logged_in(app, "buyer@tidewren.example", "a long enough passphrase")
    assert buyer.get(PORTAL).status_code == 200
    assert post(admin, "/console/admin/users/revoke", {"email": "buyer@tidewren.example"},
                page="/console/admin/users").status_code == 302
    row = re.search(r'<tr data-user="buyer@tidewren.example">.*?</tr>', admin.get("/console/admin/users").text, re.S).group(0)
    assert '<td class="tokens">0</td>' in row
    assert post(logged_in(app, ANALYST), "/console/admin/users/revoke", {"email": ADMIN}).status_code == 403


def test_a_withdrawal_takes_an_admin_and_a_second_person_and_the_audit_log_shows_it(world, app, database_url):
    admin = logged_in(app, ADMIN)
    page = admin.get("/console/admin/withdrawals").text
    rating = re.search(r'<option value="(\d+)">Tidewren', page).group(1)
    assert post(admin, "/console/admin/withdrawals", {"rating": rating, "reason": ""},
                page="/console/admin/withdrawals").status_code == 422
    assert post(admin, "/console/admin/withdrawals", {"rating": rating, "reason": "Evidence was fabricated."},
                page="/console/admin/withdrawals").status_code == 302
    proposal = re.search(r'data-proposal="(\d+)"', admin.get("/console/admin/withdrawals").text).group(1)
    assert post(admin, f"/console/admin/proposals/{proposal}/approve", {}, page="/console/admin/withdrawals").status_code == 403
    reviewer = logged_in(app, REVIEWER)
    assert post(reviewer, "/console/admin/withdrawals", {"rating": rating, "reason": "x"}).status_code == 403  # admins propose
    assert post(reviewer, f"/console/admin/proposals/{proposal}/approve", {}, page="/console/admin/withdrawals").status_code == 302
    with Session(make_engine(database_url)) as session:
        assert session.exec(select(RatingWithdrawal).where(RatingWithdrawal.rating_id == int(rating))).one().reason == \
            "Evidence was fabricated."
    log = admin.get("/console/admin/audit", query_string={"actor": REVIEWER, "action": "proposal.withdrawal.approve"})
    assert log.status_code == 200 and f"Proposal:{proposal}" in log.text and "proposal.withdrawal.propose" not in log.text.split('id="audit"')[1]
    by_entity = admin.get("/console/admin/audit", query_string={"entity": f"Proposal:{proposal}", "since": "2000-01-01"})
    assert by_entity.text.split("<tbody>")[1].count("<tr>") == 2  # proposed, approved
    none_yet = admin.get("/console/admin/audit", query_string={"until": "2000-01-01"})
    assert "No event matches." in none_yet.text
    assert admin.get("/console/admin/audit", query_string={"since": "yesterday"}).status_code == 422


def test_analysts_see_rating_requests_by_demand_on_their_queues(world, app, database_url):
    from ratings import rating_requests

    with Session(make_engine(database_url)) as session:
        for client in ("a", "b", "c"):
            rating_requests.request_rating(session, client=client, brand="fernhollow")
        rating_requests.request_rating(session, client="a", gtin="4006381333931")
        session.commit()
    queue = logged_in(app, ANALYST).get("/console/").text.split('id="queue-rating_requests"')[1].split("</section>")[0]
    assert "<strong>3</strong> requests" in queue and "<strong>1</strong> request" in queue
    assert queue.index("<strong>3</strong>") < queue.index("<strong>1</strong> request")  # most asked for first
    assert "4006381333931" in queue


def test_reviewers_and_admins_decide_pending_grade_moving_changes_from_their_queues(world, app, database_url):
    admin = logged_in(app, ADMIN)
    page = admin.get("/console/admin/withdrawals").text
    rating = re.search(r'<option value="(\d+)">Tidewren', page).group(1)
    post(admin, "/console/admin/withdrawals", {"rating": rating, "reason": "Evidence was fabricated."},
         page="/console/admin/withdrawals")
    own = admin.get("/console/").text.split('id="queue-pending_changes"')[1].split("</section>")[0]
    assert f"Withdraw rating #{rating} of tidewren-apparel-co" in own and "You proposed this" in own
    reviewer = logged_in(app, REVIEWER)
    queue = reviewer.get("/console/").text.split('id="queue-pending_changes"')[1].split("</section>")[0]
    proposal = re.search(r'data-proposal="(\d+)"', queue).group(1)
    assert "Evidence was fabricated." in queue and "Approve" in queue
    decided = post(reviewer, f"/console/admin/proposals/{proposal}/approve", {"next": "/console/"})
    assert decided.status_code == 302 and decided.headers["Location"] == "/console/"
    assert "Nothing here." in reviewer.get("/console/").text.split('id="queue-pending_changes"')[1].split("</section>")[0]
    elsewhere = post(admin, f"/console/admin/proposals/{proposal}/reject", {"next": "https://evil.example/", "reason": "x"})
    assert elsewhere.status_code == 409  # decided already; and never a redirect to another site
    assert "pending_changes" not in logged_in(app, ANALYST).get("/console/").text  # analysts do not decide
