"""axe-core on a Playwright page: the serious and critical accessibility violations, nothing else.

axe-core's script ships inside the `axe-playwright-python` wheel and is injected into the page, so it
works with the network off.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

SERIOUS = ("serious", "critical")


def serious_violations(page, *, context: str | None = None) -> list[dict[str, Any]]:
    """axe's violations of impact serious or critical on the page (or within a CSS `context`), as axe reports them:
    each with `id`, `impact`, `help`, `helpUrl` and `nodes` (each node's `target` selector and `failureSummary`)."""
    options = {"resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, for an assertion message."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}" for v in violations for node in v["nodes"])
