"""Console pages 5 and 6 in headless chromium: the company portal (scorecard explained, the history chart
and its table, the roadmap in words, a reply on indicators with evidence links, its status after a
reviewer's decision) and the admin pages (users, a withdrawal by two people, the audit log with filters);
axe-core on every page (no serious or critical violation), a screenshot of each, and the scope."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.console_data import ADMIN, COMPANY, REVIEWER
from tests.e2e.axe import describe, serious_violations
from tests.e2e.console_fixtures import log_in, screenshot

PORTAL = "/console/companies/tidewren-apparel-co/portal"


def assert_accessible(page):
    violations = serious_violations(page)
    assert violations == [], describe(violations)


def test_the_company_portal_shows_the_explained_scorecard_and_the_chart(console_server, new_page):
    base, _world = console_server
    page = new_page()
    log_in(page, base, COMPANY)
    page.get_by_role("link", name="Your scorecard explained, the roadmap, and your replies").click()
    assert page.url == f"{base}{PORTAL}"
    expect(page.get_by_role("heading", name="Published scorecard")).to_be_visible()
    expect(page.locator("#explanation p").first).not_to_be_empty()
    chart = page.get_by_role("img", name="Score per cycle of Tidewren Apparel Co.")
    expect(chart).to_be_visible()
    assert chart.locator("circle").count() == page.locator("#history-table tbody tr").count() >= 1
    expect(page.get_by_role("heading", name="Roadmap to a better grade")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "portal")
    phone = new_page(width=390, height=844)
    log_in(phone, base, COMPANY)
    phone.goto(f"{base}{PORTAL}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling of the page
    screenshot(phone, "portal-phone")


def test_a_reply_on_indicators_is_rejected_with_a_reason_the_company_then_reads(console_server, new_page):
    base, world = console_server
    company = new_page()
    log_in(company, base, COMPANY)
    company.goto(f"{base}{PORTAL}")
    company.get_by_label("Indicators the reply is about").select_option(["POL-1", "POL-2"])
    company.get_by_label("Your reply").focus()
    company.keyboard.type("Our supplier audits are public since March.")
    company.get_by_label("Evidence links").focus()
    company.keyboard.type("https://example.org/audits")
    company.get_by_role("button", name="Send the reply").focus()
    with company.expect_navigation():
        company.keyboard.press("Enter")
    reply = company.locator("#replies li").filter(has_text="Our supplier audits are public since March.")
    expect(reply).to_contain_text("pending")
    expect(reply).to_contain_text("about POL-1, POL-2")
    reply_id = reply.get_attribute("data-reply")

    reviewer = new_page()
    log_in(reviewer, base, REVIEWER)
    reason = reviewer.get_by_label(f"Reason for rejecting reply #{reply_id}")
    reason.focus()
    reviewer.keyboard.type("The audit report linked is from 2019.")
    with reviewer.expect_navigation():
        reviewer.keyboard.press("Enter")
    expect(reviewer.get_by_text(f"Reply #{reply_id} is rejected")).to_be_visible()
    assert_accessible(reviewer)
    screenshot(reviewer, "queues-reviewer-replies")

    with reviewer.expect_navigation():  # the world's earlier reply: accepted, so the public scorecard shows it
        reviewer.get_by_role("button", name=f"Accept reply #{world.reply}").click()
    expect(reviewer.get_by_text(f"Reply #{world.reply} is accepted")).to_be_visible()
    public = reviewer.request.get(f"{base}/v1/brands/tidewren").json()
    assert public["reply"]["text"] == "We published our supplier list."

    company.reload()
    reply = company.locator(f'#replies li[data-reply="{reply_id}"]')
    expect(reply).to_contain_text("rejected")
    expect(reply).to_contain_text("The audit report linked is from 2019.")
    expect(company.locator(f'#replies li[data-reply="{world.reply}"]')).to_contain_text("Shown on your public scorecard.")
    assert_accessible(company)
    screenshot(company, "portal-replies")


def test_a_company_user_cannot_reach_another_companys_portal_or_the_admin_pages(console_server, new_page):
    base, _world = console_server
    page = new_page()
    log_in(page, base, COMPANY)
    response = page.goto(f"{base}/console/companies/fernhollow-textiles/portal")
    assert response.status == 403 and "Fernhollow" not in page.content()
    for path in ("/console/admin/users", "/console/admin/withdrawals", "/console/admin/audit"):
        assert page.goto(f"{base}{path}").status == 403, path
    assert page.get_by_role("link", name="Users").count() == 0  # not offered either


def test_an_admin_creates_a_user_sets_a_password_and_revokes_its_tokens(console_server, new_page):
    base, _world = console_server
    admin = new_page()
    log_in(admin, base, ADMIN)
    admin.get_by_role("link", name="Users").first.click()
    assert_accessible(admin)
    admin.get_by_label("Email").fill("buyer@tidewren.example")
    admin.get_by_label("Role").select_option("company")
    admin.get_by_label("Company scope").select_option("tidewren-apparel-co")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Create the user").click()
    expect(admin.locator("#new-token")).not_to_be_empty()
    screenshot(admin, "admin-users")
    admin.get_by_label("User", exact=True).select_option("buyer@tidewren.example")
    admin.get_by_label("New password").fill("the buyer's first passphrase")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Set the password").click()
    expect(admin.get_by_text("buyer@tidewren.example has a new password")).to_be_visible()
    row = admin.locator('tr[data-user="buyer@tidewren.example"]')
    expect(row.locator(".tokens")).to_have_text("1")
    with admin.expect_navigation():
        row.get_by_role("button", name="Revoke the API tokens of buyer@tidewren.example").click()
    expect(admin.locator('tr[data-user="buyer@tidewren.example"] .tokens')).to_have_text("0")
    buyer = new_page()
    log_in(buyer, base, "buyer@tidewren.example", "the buyer's first passphrase")
    assert buyer.goto(f"{base}{PORTAL}").status == 200


def test_an_admin_proposes_a_withdrawal_a_reviewer_approves_and_the_audit_log_shows_both(console_server, new_page):
    base, _world = console_server
    admin = new_page()
    log_in(admin, base, ADMIN)
    admin.goto(f"{base}/console/admin/withdrawals")
    assert_accessible(admin)
    rating = admin.get_by_label("Rating")
    option = rating.locator("option", has_text="Brindlecourt")
    rating.select_option(option.get_attribute("value"))
    admin.get_by_label("Reason").fill("The sourcing evidence was withdrawn by its publisher.")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Propose the withdrawal").click()
    pending = admin.locator("#pending-withdrawals li")
    expect(pending).to_contain_text("You proposed this; another person decides it.")
    screenshot(admin, "admin-withdrawals")

    reviewer = new_page()
    log_in(reviewer, base, REVIEWER)
    reviewer.get_by_role("link", name="Withdrawals").click()
    assert_accessible(reviewer)
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Approve: withdraw the rating").click()
    expect(reviewer.locator("#decided-withdrawals")).to_contain_text("approved")
    reviewer.goto(f"{base}/console/companies/brindlecourt-group-plc")
    expect(reviewer.get_by_text("withdrawn").first).to_be_visible()

    admin.get_by_role("link", name="Audit log").click()
    assert_accessible(admin)
    admin.get_by_label("Action").select_option("proposal.withdrawal.approve")
    admin.get_by_label("Actor").fill(REVIEWER)
    with admin.expect_navigation():
        admin.get_by_role("button", name="Filter").click()
    rows = admin.locator("#audit tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(REVIEWER)
    assert_accessible(admin)
    screenshot(admin, "admin-audit")
