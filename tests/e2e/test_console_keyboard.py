"""A full f2w-2026 assessment (105 answer slots) entered through the form with the keyboard alone: Tab to each
control, Arrow keys in the choices, typing numbers and source URLs, Space on each Save button; no mouse, no
programmatic focus. Every request the page sends is recorded: each save carries one answer (one slot's form,
posted to that slot's URL), and its response carries the live preview (score, grade, scale, completeness),
swapped in out of band, so no second request is needed to update it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.console_data import ANALYST
from tests.e2e.axe import describe, serious_violations
from tests.e2e.console_fixtures import log_in, screenshot

SLOTS = 105  # f2w-2026: 51 indicators, staged ones once per stage
TABS_TO_A_CONTROL = 40  # more than any slot's controls (a date input takes a Tab per part), the header's links


def tab_to(page, element_id: str) -> None:
    """Press Tab until the element with this id has the focus, as a keyboard user moves through the form."""
    for _ in range(TABS_TO_A_CONTROL):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{TABS_TO_A_CONTROL} Tabs did not reach #{element_id}; the focus is on {focused}")


def test_a_full_assessment_entered_by_keyboard_saves_one_answer_per_request(console_server, new_page):
    base, world = console_server
    page = new_page()
    log_in(page, base, ANALYST)
    page.goto(f"{base}/console/assessments/{world.draft}")
    slots = page.locator("form.slot").evaluate_all(
        "forms => forms.map(f => ({id: f.id, choices: f.querySelector('select[name=value]')?.options.length ?? 0}))")
    assert len(slots) == SLOTS
    expect(page.locator("#completeness")).to_have_attribute("value", "0")

    requests = []
    page.on("request", lambda request: requests.append(request))
    for index, slot in enumerate(slots):
        sid = slot["id"]
        tab_to(page, f"{sid}-value")
        if slot["choices"]:  # "— unanswered —", the methodology's options, "not applicable": pick an option
            for _ in range(1 + index % (slot["choices"] - 2)):
                page.keyboard.press("ArrowDown")
        else:
            page.keyboard.type(str(10 + index * 7 % 90))
        tab_to(page, f"{sid}-e0-url")
        page.keyboard.type(f"https://e.example/{index}")  # short: each character is a key press
        tab_to(page, f"{sid}-save")
        with page.expect_response(lambda r: r.request.method == "POST") as saved:
            page.keyboard.press("Space")
        response = saved.value
        assert response.status == 200, (sid, response.status)
        body = response.text()  # the slot re-rendered and, out of band, the live preview: one response
        assert f'id="{sid}"' in body and re.search(r'<aside id="live"[^>]*hx-swap-oob="true"', body), sid
        assert all(f'id="live-{part}"' in body for part in ("grade", "score", "scale")), sid
        expect(page.locator("#completeness")).to_have_attribute("value", str(index + 1))  # swapped in from it
        expect(page.locator(f"#{sid}-save")).to_be_focused()  # htmx gives the focus back: the next Tab goes on

    posts = [r for r in requests if r.method != "GET"]
    assert len(posts) == SLOTS and len(requests) == SLOTS, [r.url for r in requests if r.method == "GET"]
    saved_slots = set()
    for request in posts:
        form = parse_qs(request.post_data or "", keep_blank_values=True)
        assert len(form.get("value", [])) == 1 and len(form["version"]) == 1, request.post_data  # one answer
        assert "answers" not in form and not any(key.startswith("slot-") for key in form), request.post_data
        path = urlsplit(request.url).path
        assert re.fullmatch(rf"/console/assessments/{world.draft}/answers/[A-Z]+-\d+(/[a-z_]+)?", path), path
        saved_slots.add(path)
    assert len(saved_slots) == SLOTS  # each slot saved once, by its own request

    live = page.locator("#live")
    expect(live).to_contain_text(f"{SLOTS} of {SLOTS} answers given (100%)")
    expect(page.locator("#completeness")).to_have_attribute("value", str(SLOTS))
    expect(page.locator("#live-unanswered summary")).to_have_text("0 unanswered")
    expect(page.locator("#live-bare-count")).to_have_text("0")
    page.reload()  # what was saved, not only what was swapped in
    expect(page.locator("#completeness")).to_have_attribute("value", str(SLOTS))
    violations = serious_violations(page)
    assert violations == [], describe(violations)
    live.scroll_into_view_if_needed()
    screenshot(page, "assessment-keyboard-complete", full_page=False)
