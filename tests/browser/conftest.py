"""Fixtures of the browser tests: Debian's chromium driven by Playwright.

Playwright's own browser downloads are never used (no ``playwright install``): the tests launch
the system ``chromium`` (``apt-get install chromium fonts-nanum``) and skip with a reason when it
is missing. Screenshots go to ``artifacts/screenshots/``, axe reports to ``artifacts/axe/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.support import AXE_SCRIPT, CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = ""
    if CHROMIUM is None:
        reason = "Debian's chromium is not installed: apt-get install -y chromium fonts-nanum"
    elif not AXE_SCRIPT.exists():
        reason = "axe-core is not installed: run npm ci (make install)"
    for item in items:
        if item.get_closest_marker("browser") and reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser(django_db_setup: None, live_server: Any) -> Iterator[Any]:
    """One chromium per module, started after the test database and the live server.

    Playwright's sync API keeps an event loop in this thread while it runs, which trips Django's
    guard against synchronous database calls from async code; the tests' own ORM calls (creating
    data, flushing the database) are plain synchronous code, so the guard stands aside meanwhile.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Reports every Content Security Policy violation of a page to the test (a binding survives navigation).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.fosterCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (one person each); all closed at the end.

    The browser asks for English (``en-US``) on purpose: the pages must still start in Korean.
    Any Content Security Policy violation on any page (a ``securitypolicyviolation`` event, or
    chromium's console message about the policy) fails the test at the end: the pages must work
    without inline scripts or eval. The test's own injections (axe-core) go through the DevTools
    protocol (``page.evaluate``), which the policy does not govern, so the policy stays on.
    """
    contexts = []
    violations: list[str] = []

    def console_message(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    def make() -> Any:
        context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        context.expose_binding(
            "fosterCspViolation", lambda source, text: violations.append(f"{source['page'].url}: {text}")
        )
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        page = context.new_page()
        page.on("console", console_message)
        return page

    make.csp_violations = violations  # type: ignore[attr-defined]  # read by the check's own test
    yield make
    for context in contexts:
        context.close()
    assert violations == [], "Content Security Policy violations:\n" + "\n".join(violations)
