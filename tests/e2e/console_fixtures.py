"""Fixtures of the console's browser tests (imported by tests/e2e/test_console_*.py; kept out of conftest.py):
a live server on a free port over the console world, and headless Debian chromium through Playwright."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.console_data import PASSWORDS, build_world

CHROMIUM = "/usr/bin/chromium"  # Debian's package; never `playwright install`
SCREENSHOTS = Path(__file__).parent / "screenshots"  # git-ignored; README: Console
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def console_server(sqlite_template, tmp_path_factory):
    """The app on a copy of the migrated template with the console world, served on a free port."""
    from api import create_app

    path = tmp_path_factory.mktemp("console") / "ratings.db"
    shutil.copy(sqlite_template, path)
    world = build_world(f"sqlite:///{path}")
    app = create_app({"DATABASE_URL": world.url, "TESTING": True, "CACHE_KEY_PREFIX": "e2e-console:"})
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the system picks a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", world
    server.shutdown()
    thread.join(5)
    app.extensions["ratings_engine"].dispose()


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Fresh browser contexts (separate cookie jars), laptop-sized unless told otherwise."""
    contexts = []

    def make(width=1280, height=800):
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, base: str, email: str, password: str | None = None) -> None:
    """Log in by keyboard only, as a person without a mouse would."""
    page.goto(f"{base}/console/login")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # ...the header's home link
    page.get_by_label("Email").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS.get(email) if password is None else password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """`full_page=False` for the long pages (the form has 105 answer slots): what the window shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    return target


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page (axe-playwright-python bundles axe-core)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in results.response["violations"] if v["impact"] in SERIOUS]
