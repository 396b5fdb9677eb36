"""Browser fixtures: Playwright driving Debian's Chromium (no browser download) against live_server."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# The user guide's screenshots. Tests never write into tracked files, so a run keeps them in a
# temporary folder; KINERJA_SCREENSHOTS_DIR=docs/img retakes the guide's images on purpose.
SCREENSHOTS = Path(
    os.environ.get("KINERJA_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "kinerja-screenshots"
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield _WatchedBrowser(browser)
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 1440, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# What the browser reported blocked by the Content-Security-Policy (an inline script or handler,
# eval, a foreign source) during the current test, in any of its browser contexts.
CSP_VIOLATIONS: list[str] = []


def _seen(text: str) -> None:
    if "Content Security Policy" in text or "Refused to" in text:
        CSP_VIOLATIONS.append(text)


class _WatchedBrowser:
    """The browser, with every new context reporting its console and page errors to _seen."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.on(
            "console", lambda message: _seen(f"{message.location.get('url')}: {message.text}")
        )
        context.on("weberror", lambda error: _seen(str(error.error)))
        return context


@pytest.fixture(autouse=True)
def no_csp_violations():
    CSP_VIOLATIONS.clear()
    yield
    if CSP_VIOLATIONS:
        found = "\n".join(CSP_VIOLATIONS)
        CSP_VIOLATIONS.clear()
        pytest.fail(f"Content-Security-Policy violations in the browser:\n{found}")


@pytest.fixture
def demo(transactional_db):
    from django.core.management import call_command

    call_command("load-framework")
    call_command("demo", rangkui=True)


def login(page, username: str, password: str = "kinerja-demo") -> None:
    page.goto("/akun/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
