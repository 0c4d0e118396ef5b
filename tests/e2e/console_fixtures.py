"""Helpers of the console's browser tests: log in by keyboard, screenshots (axe is tests/e2e/axe.py). The fixtures (the live
console server, `new_page` on the shared headless chromium) are in tests/e2e/conftest.py."""

from __future__ import annotations

from pathlib import Path

from tests.console_data import PASSWORDS

SCREENSHOTS = Path(__file__).parent / "screenshots"  # git-ignored; README: Console


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

