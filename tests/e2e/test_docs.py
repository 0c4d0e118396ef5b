"""`/docs` works with no network: Swagger UI comes from the installed package, and "Try it out" calls the API."""

import re

from tests.e2e.axe import describe, serious_violations

BARCODE_OPERATION = "#operations-barcodes-get_v1_barcodes__code_"  # Swagger UI's id: tag, method, path


def open_docs(offline_page, live_server):
    page = offline_page.page
    page.goto(f"{live_server}/docs")
    page.locator(".opblock").first.wait_for()
    return page


def test_docs_page_lists_the_operations_with_the_network_off(offline_page, live_server):
    page = open_docs(offline_page, live_server)
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/v1/barcodes/{code}", "/v1/brands", "/v1/brands/{slug}", "/v1/assessments/{assessment_id}/answers"} <= {
        p.replace("\u200b", "") for p in paths}
    assert page.locator(".info .title").inner_text().startswith("Forced-labour ratings API")
    assert offline_page.blocked == [], "the page tried to load something from outside this server"


def test_try_it_out_looks_up_a_demo_barcode(offline_page, live_server, demo_gtin):
    page = open_docs(offline_page, live_server)
    operation = page.locator(BARCODE_OPERATION)
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='code']").fill(demo_gtin)
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table tr.response .response-col_status").first
    live.wait_for()
    assert live.inner_text().strip() == "200"
    body = operation.locator(".live-responses-table tr.response .response-col_description .microlight").first.inner_text()
    assert re.search(r'"gtin":\s*"%s"' % demo_gtin.zfill(14), body)
    assert offline_page.blocked == []


def test_axe_helper_returns_only_serious_and_critical_violations(offline_page):
    page = offline_page.page
    page.set_content('<html lang="en"><head><title>t</title></head><body><img src="/x.png">'
                     '<div>outside any landmark</div></body></html>')
    found = {v["id"]: v["impact"] for v in serious_violations(page)}
    assert found.get("image-alt") == "critical"
    assert "region" not in found  # moderate: left out


def test_docs_page_has_a_language_and_a_title_for_assistive_technology(offline_page, live_server):
    """Our page template (api/templates/swagger_ui.html) passes axe; Swagger UI's own styling is reported only."""
    page = open_docs(offline_page, live_server)
    found = serious_violations(page)
    print("\naxe on /docs, serious or critical:\n" + (describe(found) or "none"))
    assert {"html-has-lang", "document-title", "landmark-one-main"}.isdisjoint(v["id"] for v in found)
    assert page.locator("html").get_attribute("lang") == "en"
