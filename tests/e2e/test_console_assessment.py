"""The assessment form and the review in headless chromium: answers saved one per request with the live
result updated in place, a conflict between two analysts, submit warnings, a return with a comment on one
answer, the fix, and publication by a reviewer; axe-core on every page, and a screenshot of each."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.console_data import ANALYST, REVIEWER, SECOND_ANALYST, SECOND_PASSWORD
from tests.e2e.axe import serious_violations
from tests.e2e.console_fixtures import log_in, screenshot


def start_assessment(page, base):
    page.goto(f"{base}/console/companies/tidewren-apparel-co")
    page.get_by_role("button", name="Start an empty assessment").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return int(page.url.rsplit("/", 1)[1])


def save_by_keyboard(page, slot_id, value, evidence_url=None):
    """Choose the answer, optionally type a source URL, and press Enter on the slot's Save button."""
    slot = page.locator(f"#{slot_id}")
    control = slot.locator(f"#{slot_id}-value")
    control.focus()
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(value)
    else:
        page.keyboard.type(str(value))
    if evidence_url:
        slot.get_by_label("New source URL").focus()
        page.keyboard.type(evidence_url)
    slot.get_by_role("button", name=re.compile(r"^Save ")).focus()
    with page.expect_response(lambda r: "/answers/" in r.url) as response:
        page.keyboard.press("Enter")
    settled(page)
    return response.value


def settled(page):
    """htmx swaps after the response arrives: wait until no element is mid-request, swapping or settling."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


def test_an_analyst_fills_the_form_a_reviewer_returns_it_and_publishes_it(console_server, new_page):
    base, _world = console_server
    analyst = new_page()
    log_in(analyst, base, ANALYST)
    aid = start_assessment(analyst, base)
    assert analyst.get_by_role("heading", name=re.compile(r"Assessment #\d+: Tidewren")).is_visible()
    assert serious_violations(analyst) == []
    bodies = []
    analyst.on("request", lambda r: bodies.append(r.post_data or "") if "/answers/" in r.url else None)
    score_before = analyst.locator("#live-score").inner_text()
    first = save_by_keyboard(analyst, "slot-POL-1", "yes", "https://tidewren.example/policy.pdf")
    assert first.status == 200 and analyst.url.endswith(f"/console/assessments/{aid}")  # no page load: htmx swapped
    expect(analyst.locator("#live-score")).not_to_have_text(score_before)  # the live result, from the same response
    expect(analyst.locator("#live")).to_contain_text("1 of 105 answers given")
    save_by_keyboard(analyst, "slot-TT-1--raw_materials", 60)
    expect(analyst.locator("#live")).to_contain_text("Answers without evidence: 1")
    assert all(body.count("&value=") + body.startswith("value=") <= 1 for body in bodies) and len(bodies) == 2
    analyst.locator("#slot-POL-1").scroll_into_view_if_needed()
    screenshot(analyst, "assessment-form", full_page=False)

    # A second analyst saves POL-2 on a form read before the first analyst's save: both values are shown.
    second = new_page()
    log_in(second, base, SECOND_ANALYST, SECOND_PASSWORD)
    second.goto(f"{base}/console/assessments/{aid}")
    save_by_keyboard(analyst, "slot-POL-2", "most", "https://tidewren.example/audit.pdf")
    clash = save_by_keyboard(second, "slot-POL-2", "none")
    assert clash.status == 409
    conflict = second.locator("#slot-POL-2 .conflict")
    conflict.wait_for(timeout=5000)  # htmx swaps after the response has arrived
    assert conflict.is_visible() and "most" in conflict.locator(".theirs").inner_text()
    assert "none" in conflict.locator(".yours").inner_text()
    assert serious_violations(second) == []
    conflict.scroll_into_view_if_needed()
    screenshot(second, "assessment-conflict", full_page=False)

    # Submit warns of the unanswered slots and the answer without evidence, and asks to confirm.
    analyst.reload()
    analyst.get_by_role("button", name="Submit for review").click()
    analyst.wait_for_load_state()
    assert "102 of 105 answer slots are unanswered" in analyst.locator("#warn-unanswered").inner_text()
    assert "1 answers have no evidence" in analyst.locator("#warn-bare").inner_text()
    assert serious_violations(analyst) == []
    screenshot(analyst, "submit-confirm")
    with analyst.expect_navigation():
        analyst.get_by_role("button", name="Submit anyway").click()

    # The reviewer sees the answers beside last cycle's, comments on one and returns it.
    reviewer = new_page()
    log_in(reviewer, base, REVIEWER)
    reviewer.locator(f"#queue-awaiting_review [data-assessment='{aid}'] a").click()
    reviewer.wait_for_load_state()
    assert f"/console/assessments/{aid}/review" in reviewer.url
    assert reviewer.locator("tr.changed").count() > 3
    assert serious_violations(reviewer) == []
    screenshot(reviewer, "review", full_page=False)
    reviewer.get_by_label("Comment on TT-1 Raw materials").fill("Cite the traceability report for raw materials.")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Return to the analyst with comments").click()

    # The analyst sees the comment on that answer, adds the evidence and resubmits.
    analyst.goto(f"{base}/console/assessments/{aid}")
    slot = analyst.locator("#slot-TT-1--raw_materials")
    assert "Cite the traceability report" in slot.locator(".comment").inner_text()
    slot.get_by_label("New source URL").fill("https://tidewren.example/traceability.pdf")
    with analyst.expect_response(lambda r: "/answers/" in r.url):
        slot.get_by_role("button", name=re.compile("^Save")).click()
    settled(analyst)
    expect(analyst.locator("#live")).to_contain_text("Answers without evidence: 0")
    analyst.get_by_role("button", name="Submit for review").click()
    analyst.wait_for_load_state()
    with analyst.expect_navigation():
        analyst.get_by_role("button", name="Submit anyway").click()

    # The reviewer publishes; the public API serves the new grade.
    reviewer.goto(f"{base}/console/assessments/{aid}/review")
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="Publish").click()
    published = reviewer.locator(".flash").inner_text()
    grade = re.search(r"grade (\S+) \(", published).group(1)
    brand = json.loads(reviewer.request.get(f"{base}/v1/brands/tidewren").text())
    assert brand["rating"]["grade"] == grade


def test_the_form_reads_on_a_phone(console_server, new_page):
    base, world = console_server
    phone = new_page(width=390, height=844)
    log_in(phone, base, ANALYST)
    phone.goto(f"{base}/console/assessments/{world.draft}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "assessment-form-phone", full_page=False)
