"""The console in headless chromium: login by keyboard, the queues per role, scope, logout everywhere,
accessibility (axe-core: no serious or critical violation), and a screenshot of each page."""

from __future__ import annotations

from sqlmodel import Session

from ratings import users
from ratings.db import make_engine, transaction
from tests.console_data import ADMIN, ANALYST, COMPANY, REVIEWER
from tests.e2e.axe import serious_violations
from tests.e2e.console_fixtures import log_in, screenshot


def test_login_page_is_accessible_and_logs_in_by_keyboard(console_server, new_page):
    base, _world = console_server
    page = new_page()
    page.goto(f"{base}/console/login")
    assert page.get_by_label("Email").get_attribute("name") == "email"
    assert page.get_by_label("Password").get_attribute("name") == "password"
    assert serious_violations(page) == []
    screenshot(page, "login")
    log_in(page, base, ANALYST)
    assert page.url == f"{base}/console/"
    assert page.get_by_role("heading", name="Work queues").is_visible()


def test_a_wrong_password_shows_an_error_and_opens_no_session(console_server, new_page):
    base, _world = console_server
    page = new_page()
    log_in(page, base, ANALYST, "not-the-right-password")
    assert page.get_by_text("Wrong email or password.").is_visible()
    page.goto(f"{base}/console/")
    assert "/console/login" in page.url


def test_focus_is_visible_on_the_login_form(console_server, new_page):
    base, _world = console_server
    page = new_page()
    page.goto(f"{base}/console/login")
    page.get_by_label("Email").focus()
    outline = page.eval_on_selector("#email", "e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"


def test_each_role_sees_its_own_queues_and_they_pass_axe(console_server, new_page):
    base, world = console_server
    for email, name, expected in (
        (ANALYST, "queues-analyst", ["My drafts", "Returned to me with comments", "Submitted by me, awaiting review",
                                     "Rating requests, most asked for first"]),
        (REVIEWER, "queues-reviewer", ["Submitted, awaiting review (you are not an author)", "Company replies awaiting a decision",
                                       "Grade-moving changes awaiting a second person"]),
        (COMPANY, "queues-company", ["Tidewren Apparel Co."]),
        (ADMIN, "queues-admin", ["Grade-moving changes awaiting a second person", "Administration"]),
    ):
        page = new_page()
        log_in(page, base, email)
        headings = page.locator("#queues h2").all_inner_texts()
        assert [h.rsplit(" ", 1)[0] if h[-1].isdigit() else h for h in headings] == expected, headings
        assert serious_violations(page) == [], email
        screenshot(page, name)
    analyst = new_page()
    log_in(analyst, base, ANALYST)
    assert analyst.locator("#queue-returned").get_by_text(world.comment).is_visible()
    drafts = analyst.locator("#queue-my_drafts [data-assessment]").evaluate_all("els => els.map(e => +e.dataset.assessment)")
    assert drafts == [world.draft]
    reviewer = new_page()
    log_in(reviewer, base, REVIEWER)
    waiting = reviewer.locator("#queue-awaiting_review [data-assessment]").evaluate_all("els => els.map(e => +e.dataset.assessment)")
    assert set(waiting) == {world.submitted, world.others_submitted}
    reviewer.get_by_role("button", name="Refresh").click()  # htmx, served by the app, swaps the queues in place
    reviewer.wait_for_load_state("networkidle")
    assert reviewer.evaluate("typeof window.htmx") == "object"
    assert reviewer.locator("#queue-awaiting_review [data-assessment]").count() == 2


def test_the_company_page_passes_axe_and_reads_on_a_phone(console_server, new_page):
    base, _world = console_server
    page = new_page()
    log_in(page, base, ANALYST)
    page.goto(f"{base}/console/companies/tidewren-apparel-co")
    assert page.get_by_role("heading", name="Sourcing per stage").is_visible()
    assert page.get_by_text("on the list").first.is_visible()  # cotton from Turkmenistan is on the risk list
    assert serious_violations(page) == []
    screenshot(page, "company")
    phone = new_page(width=390, height=844)
    log_in(phone, base, ANALYST)
    phone.goto(f"{base}/console/companies/tidewren-apparel-co")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling of the page
    screenshot(phone, "company-phone")


def test_a_company_user_cannot_open_another_companys_page(console_server, new_page):
    base, _world = console_server
    page = new_page()
    log_in(page, base, COMPANY)
    page.get_by_role("link", name="Your company's published scorecard and history").click()
    assert page.get_by_role("heading", name="Tidewren Apparel Co.").is_visible()
    response = page.goto(f"{base}/console/companies/fernhollow-textiles")
    assert response.status == 403 and "Fernhollow" not in page.content()
    screenshot(page, "forbidden")


def test_a_password_change_logs_out_the_other_browsers(console_server, new_page):
    base, world = console_server
    laptop, phone = new_page(), new_page(width=390, height=844)
    log_in(laptop, base, REVIEWER)
    log_in(phone, base, REVIEWER)
    engine = make_engine(world.url)
    with Session(engine) as session, transaction(session):
        users.set_password(session, email=REVIEWER, password="the reviewer's new passphrase")
    engine.dispose()
    for page in (laptop, phone):
        page.goto(f"{base}/console/")
        assert "/console/login" in page.url
    log_in(laptop, base, REVIEWER, "the reviewer's new passphrase")
    assert laptop.url == f"{base}/console/"
    with Session(make_engine(world.url)) as session, transaction(session):  # later tests log in with the demo password
        users.set_password(session, email=REVIEWER, password="demo-reviewer-password")


def test_logging_out_by_keyboard_ends_the_session(console_server, new_page):
    base, _world = console_server
    page = new_page()
    log_in(page, base, ANALYST)
    page.get_by_role("button", name="Log out").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/console/login" in page.url and page.get_by_text("You are logged out.").is_visible()
    page.goto(f"{base}/console/")
    assert "/console/login" in page.url
