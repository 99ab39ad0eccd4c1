"""Browser journeys: the real site in headless Chromium (Debian's package, driven
by Playwright), with axe-core scanning every page for WCAG 2.1 A/AA violations.

Without Chromium, Playwright or axe-core the journeys are skipped with a loud
message, except under CI (CI=true), where they must run and a missing tool fails.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DIARIUM_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(os.environ.get("DIARIUM_SCREENSHOTS") or Path(tempfile.gettempdir()) / "diarium-screenshots")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"axe-core not found at {AXE} (npm install)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():
    problem = _missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"BROWSER TESTS CANNOT RUN IN CI: {problem}")
        warnings.warn(f"BROWSER TESTS SKIPPED: {problem}")
        pytest.skip(f"BROWSER TESTS SKIPPED: {problem}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make next to it are safe (no real async code runs here).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    print(f"\nBrowser journeys: screenshots in {SCREENSHOTS}")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_scan(page) -> None:
    """Fail with each WCAG 2.0/2.1 A/AA violation: the rule and the elements."""
    # Evaluated through the DevTools protocol, which the page's CSP (no inline
    # scripts) does not govern; a <script> tag would be refused by it, as it
    # should be. axe is the test's tool, not part of the page.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(" ".join(n["target"]) for n in v["nodes"])
        for v in result["violations"]
    ]
    assert not problems, f"axe found WCAG violations on {page.url}:\n" + "\n".join(problems)


def screenshot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def follow(locator) -> None:
    """Click a link or a submit button and wait until the next page has loaded."""
    with locator.page.expect_navigation():
        locator.click()
