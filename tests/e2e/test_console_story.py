"""The whole story through the console's pages, in headless chromium, on one live server: an analyst creates a
company, its brand and a product, enters sourcing, fills an assessment (with a conflict between two analysts)
and submits it; a reviewer returns it with a comment on one answer; the analyst fixes it and resubmits; the
reviewer publishes and the public barcode lookup shows the new grade; the company user reads the scorecard and
chart and replies on an indicator; the reviewer accepts the reply and the public scorecard shows it; an admin
proposes withdrawing the rating, a reviewer approves, and the barcode is no longer rated.

The public API is read over HTTP from the same server (Playwright's request client, not the app in process)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.console_data import ADMIN, ANALYST, REVIEWER, SECOND_ANALYST, SECOND_PASSWORD
from tests.e2e.axe import describe, serious_violations
from tests.e2e.console_fixtures import log_in, screenshot

COMPANY_NAME = "Larkspur Knitwear GmbH"
COMPANY_SLUG = "larkspur-knitwear-gmbh"
BRAND_NAME = "Larkspur"
BRAND_SLUG = "larkspur"
COMPANY_USER = "buyer@larkspur.example"
COMPANY_PASSWORD = "larkspur's own passphrase"
REPLY = "Our spinning mills in Turkey are audited every year; the 2026 report is public."


def with_check_digit(first_twelve: str) -> str:
    """An EAN-13 from its first 12 digits (GS1's mod-10 check digit), so the test owns a fresh valid GTIN."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


GTIN = with_check_digit("409876543210")


def assert_accessible(page):
    violations = serious_violations(page)
    assert violations == [], describe(violations)


def submit(page, *, button: str):
    """Press a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def save_slot(page, slot_id: str, value, evidence_url: str | None = None):
    """Fill one answer slot and save it (htmx: one request, the slot and the live panel swapped in)."""
    slot = page.locator(f"#{slot_id}")
    control = slot.locator(f"#{slot_id}-value")
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(str(value))
    else:
        control.fill(str(value))
    if evidence_url:
        slot.get_by_label("New source URL").fill(evidence_url)
    with page.expect_response(lambda r: "/answers/" in r.url and r.request.method == "POST") as response:
        slot.get_by_role("button", name=re.compile(r"^Save ")).click()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    return response.value


def public(page, path: str) -> tuple[int, dict]:
    response = page.request.get(f"{page.url.split('/console/')[0]}{path}")
    return response.status, response.json()


def test_the_whole_story_from_a_new_company_to_a_withdrawn_rating(console_server, new_page):
    base, _world = console_server

    # The analyst creates the company, its brand and a product, and enters sourcing on the research page.
    analyst = new_page()
    log_in(analyst, base, ANALYST)
    analyst.get_by_role("link", name="New company").click()
    assert_accessible(analyst)
    analyst.get_by_label("Name").fill(COMPANY_NAME)
    analyst.get_by_label("Head office country").fill("DE")
    analyst.get_by_label("Website").fill("https://larkspur.example")
    submit(analyst, button="Create the company")
    assert analyst.url == f"{base}/console/companies/{COMPANY_SLUG}"
    expect(analyst.get_by_role("heading", name=COMPANY_NAME, level=1)).to_be_visible()
    analyst.get_by_label("Brand name").fill(BRAND_NAME)
    submit(analyst, button="Add the brand")
    expect(analyst.locator(".flash")).to_have_text(f"Added {BRAND_NAME}.")
    analyst.get_by_label("GTIN").fill(GTIN)
    analyst.get_by_label("Product name").fill("Merino crew jumper")
    analyst.get_by_label("Brand", exact=True).select_option(BRAND_SLUG)
    submit(analyst, button="Add the product")
    expect(analyst.locator("#h-products ~ .table-wrap")).to_contain_text(GTIN)
    analyst.get_by_label("Stage", exact=True).select_option("raw_materials")
    analyst.get_by_label("Good", exact=True).fill("cotton")
    analyst.get_by_label("Country").fill("TM")
    submit(analyst, button="Add the sourcing record")
    raw_materials = analyst.locator("#stage-raw_materials + .table-wrap")
    expect(raw_materials).to_contain_text("on the list")  # cotton from Turkmenistan, matched as it is entered
    analyst.get_by_label("Stage", exact=True).select_option("final_manufacturing")
    analyst.get_by_label("Good", exact=True).fill("knitwear")
    analyst.get_by_label("Country").fill("PT")
    submit(analyst, button="Add the sourcing record")
    expect(analyst.locator("#stage-final_manufacturing + .table-wrap")).to_contain_text("no match")
    expect(raw_materials).to_contain_text("on the list")  # the first record is kept
    assert_accessible(analyst)
    screenshot(analyst, "story-company")

    # The analyst fills part of the form; a second analyst saves POL-2 on a stale copy: both values are shown.
    submit(analyst, button="Start an empty assessment")
    aid = int(analyst.url.rsplit("/", 1)[1])
    expect(analyst.get_by_role("heading", name=f"Assessment #{aid}: {COMPANY_NAME}")).to_be_visible()
    second = new_page()
    log_in(second, base, SECOND_ANALYST, SECOND_PASSWORD)
    second.goto(f"{base}/console/assessments/{aid}")
    assert save_slot(analyst, "slot-POL-1", "yes", "https://larkspur.example/policy.pdf").status == 200
    save_slot(analyst, "slot-TT-1--raw_materials", 40)
    assert save_slot(analyst, "slot-POL-2", "most", "https://larkspur.example/audit.pdf").status == 200
    assert save_slot(second, "slot-POL-2", "none").status == 409
    conflict = second.locator("#slot-POL-2 .conflict")
    expect(conflict.locator(".theirs")).to_contain_text("most")
    expect(conflict.locator(".yours")).to_contain_text("none")
    expect(analyst.locator("#live")).to_contain_text("3 of 105 answers given")
    submit(analyst, button="Submit for review")
    expect(analyst.locator("#warn-unanswered")).to_contain_text("102 of 105 answer slots are unanswered")
    submit(analyst, button="Submit anyway")
    expect(analyst.get_by_text(f"Assessment #{aid} is submitted for review.")).to_be_visible()

    # The reviewer returns it with a comment on one answer.
    reviewer = new_page()
    log_in(reviewer, base, REVIEWER)
    reviewer.locator(f"#queue-awaiting_review [data-assessment='{aid}'] a").click()
    expect(reviewer.get_by_role("button", name="Publish")).to_be_visible()
    assert_accessible(reviewer)
    reviewer.get_by_label("Comment on TT-1 Raw materials").fill("Which traceability report gives 40%? Cite it.")
    submit(reviewer, button="Return to the analyst with comments")

    # The analyst sees the comment on that answer, fixes it and resubmits.
    analyst.get_by_role("link", name="Work queues").click()
    analyst.locator(f"#queue-returned [data-assessment='{aid}'] a").click()
    slot = analyst.locator("#slot-TT-1--raw_materials")
    expect(slot.locator(".comment")).to_contain_text("Which traceability report gives 40%?")
    slot.locator(".comment").scroll_into_view_if_needed()
    screenshot(analyst, "story-returned-comment", full_page=False)
    save_slot(analyst, "slot-TT-1--raw_materials", 45, "https://larkspur.example/traceability-2026.pdf")
    expect(analyst.locator("#live-bare-count")).to_have_text("0")
    submit(analyst, button="Submit for review")
    submit(analyst, button="Submit anyway")

    # The reviewer publishes; the barcode lookup (public API, over HTTP) shows the new grade.
    reviewer.goto(f"{base}/console/assessments/{aid}/review")
    submit(reviewer, button="Publish")
    grade = re.search(r"grade (\S+) \(", reviewer.locator(".flash").inner_text()).group(1)
    status, barcode = public(reviewer, f"/v1/barcodes/{GTIN}")
    assert status == 200 and barcode["status"] == "rated", barcode
    assert barcode["rating"]["grade"] == grade and barcode["brand"]["slug"] == BRAND_SLUG

    # An admin gives the company a login; the company user reads the scorecard and chart and replies.
    admin = new_page()
    log_in(admin, base, ADMIN)
    admin.get_by_role("link", name="Users").first.click()
    admin.get_by_label("Email").fill(COMPANY_USER)
    admin.get_by_label("Role").select_option("company")
    admin.get_by_label("Company scope").select_option(COMPANY_SLUG)
    submit(admin, button="Create the user")
    admin.get_by_label("User", exact=True).select_option(COMPANY_USER)
    admin.get_by_label("New password").fill(COMPANY_PASSWORD)
    submit(admin, button="Set the password")
    company = new_page()
    log_in(company, base, COMPANY_USER, COMPANY_PASSWORD)
    company.get_by_role("link", name="Your scorecard explained, the roadmap, and your replies").click()
    expect(company.get_by_role("heading", name="Published scorecard")).to_be_visible()
    expect(company.locator("main")).to_contain_text(grade)
    chart = company.get_by_role("img", name=f"Score per cycle of {COMPANY_NAME}")
    expect(chart.locator("circle")).to_have_count(1)  # one published cycle
    company.get_by_label("Indicators the reply is about").select_option(["TT-1"])
    company.get_by_label("Your reply").fill(REPLY)
    company.get_by_label("Evidence links").fill("https://larkspur.example/mill-audits-2026.pdf")
    submit(company, button="Send the reply")
    reply = company.locator("#replies li").filter(has_text=REPLY)
    expect(reply).to_contain_text("pending")
    reply_id = reply.get_attribute("data-reply")
    assert_accessible(company)
    screenshot(company, "story-portal")

    # The reviewer accepts the reply; the public scorecard shows it.
    reviewer.get_by_role("link", name="Work queues").click()
    submit(reviewer, button=f"Accept reply #{reply_id}")
    expect(reviewer.get_by_text(f"Reply #{reply_id} is accepted")).to_be_visible()
    status, scorecard = public(reviewer, f"/v1/brands/{BRAND_SLUG}")
    assert status == 200 and scorecard["reply"]["text"] == REPLY, scorecard.get("reply")
    company.reload()
    expect(company.locator(f'#replies li[data-reply="{reply_id}"]')).to_contain_text("Shown on your public scorecard.")

    # An admin proposes the withdrawal; a second person (the reviewer) approves it; the barcode is not rated.
    admin.goto(f"{base}/console/admin/withdrawals")
    rating = admin.get_by_label("Rating")
    rating_id = rating.locator("option", has_text=COMPANY_NAME).get_attribute("value")
    rating.select_option(rating_id)
    admin.get_by_label("Reason").fill("The traceability report was retracted by its auditor.")
    submit(admin, button="Propose the withdrawal")
    pending = admin.locator("#pending-withdrawals li").filter(has_text=f"Withdraw rating #{rating_id} of")
    expect(pending).to_contain_text("You proposed this; another person decides it.")
    status, barcode = public(admin, f"/v1/barcodes/{GTIN}")
    assert barcode["status"] == "rated"  # nothing changes publicly until a second person approves
    reviewer.get_by_role("link", name="Withdrawals").click()
    pending = reviewer.locator("#pending-withdrawals li").filter(has_text=f"Withdraw rating #{rating_id} of")
    with reviewer.expect_navigation():
        pending.get_by_role("button", name="Approve: withdraw the rating").click()
    expect(reviewer.locator("#decided-withdrawals")).to_contain_text("approved")
    status, barcode = public(reviewer, f"/v1/barcodes/{GTIN}")
    assert status == 200 and barcode["status"] == "not_rated" and barcode["rating"] is None, barcode
    reviewer.goto(f"{base}/console/companies/{COMPANY_SLUG}")
    expect(reviewer.locator("#h-history ~ .table-wrap")).to_contain_text("withdrawn")
    screenshot(reviewer, "story-withdrawn")
