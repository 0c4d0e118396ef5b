"""Browser tests: the real server (werkzeug, on a free port, the demo loaded) and headless Debian chromium.

Playwright drives `/usr/bin/chromium` (never `playwright install`). The network is off for the page:
chromium resolves no host name, and a route aborts, and records, every request not for 127.0.0.1.
Without chromium these tests skip with a reason; under CI=true they fail instead (like PostgreSQL's).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI
from tests.console_data import build_world
from tests.fixtures_api import load_demo

CHROMIUM = Path(os.environ.get("RATINGS_TEST_CHROMIUM", "/usr/bin/chromium"))
# No DNS at all, so nothing outside this machine can be reached even past the route below.
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-proxy-server",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"{CHROMIUM} is missing: apt-get install -y chromium to run the browser tests."
    if IN_CI:
        pytest.fail(f"{message} Under CI=true the browser tests must run.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> str:
    """The app on a demo SQLite database, served by werkzeug on a free port of 127.0.0.1; its base URL."""
    from api import create_app
    from ratings import migrations
    from ratings.db import make_engine

    workdir = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{workdir / 'ratings.db'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    load_demo(url)
    app = create_app({"DATABASE_URL": url, "EXPORT_DIR": str(workdir / "exports"), "RATE_LIMITS_ENABLED": False,
                      "CACHE_KEY_PREFIX": "e2e:"})
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the system picks a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["ratings_engine"].dispose()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=OFFLINE_FLAGS)
        yield browser
        browser.close()


class OfflinePage:
    """A page whose requests may only go to 127.0.0.1; `blocked` lists what it tried to fetch elsewhere."""

    def __init__(self, page):
        self.page = page
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")


@pytest.fixture(scope="module")
def console_server(sqlite_template, tmp_path_factory):
    """The console's world (tests/console_data.py) on a copy of the migrated template, served on a free port:
    (base URL, world). One per test module: a module's tests share the world they change."""
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


@pytest.fixture
def new_page(browser):
    """Makes pages in fresh browser contexts (separate cookie jars: one per person), laptop-sized unless told."""
    contexts = []

    def make(width=1280, height=800):
        context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)  # ms: a wait for an element, not a timed test
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def offline_page(browser):
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)  # ms: a wait for an element, not a timed test
    yield OfflinePage(page)
    context.close()


@pytest.fixture(scope="session")
def demo_gtin() -> str:
    """A demo product whose brand has a published rating."""
    import json

    from ratings import demo

    catalog = json.loads((demo.DEMO_DIR / "catalog.json").read_text())
    return catalog["products"][0]["gtin"]
