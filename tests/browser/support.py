"""Helpers of the browser tests: where screenshots and axe reports go, and the page check."""

from __future__ import annotations

import functools
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

from django.urls import reverse

from foster.accounts.models import TwoFactorDevice, User
from foster.accounts.two_factor import (
    code_after_last_use,
    confirmed_device,
    two_factor_demo_enrol,
    two_factor_is_needed,
)

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_REPORTS = ROOT / "artifacts" / "axe"
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Any, name: str) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA and best practices) on the page; keep the report; return violations."""
    # Through the DevTools protocol, not a <script> tag: the page's Content Security Policy allows no inline script.
    page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }"""
    )
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / f"{name}.json").write_text(json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8")
    return violations


def check_page(page: Any, name: str) -> None:
    """Screenshot the whole page, then assert axe finds no violation at all (minor and moderate ones
    included: every page checked had none when this was made strict, so any is a regression)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = axe_violations(page, name)
    assert violations == [], (name, violations)


def click_and_load(page: Any, target: Any) -> None:
    """Click something that loads another page (a link, a form's button) and wait for that page,
    so that what follows reads the new page, never the one being left."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        target.click()


def log_in_here(page: Any, email: str, password: str) -> None:
    """Fill the log-in form of the page the browser is on (reached from the header or a redirect) and
    send it; for a user who needs a second factor, type the code of their authenticator too.

    A user who needs one but has none yet (officials made by the factories) is given an
    authenticator first, as an administrator would; the code is computed from its stored secret:
    the current step's, or the next step's when the current one was used (a code is accepted
    once; when both are used up, wait for the next step).
    """
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and two_factor_is_needed(user) and confirmed_device(user) is None:
        two_factor_demo_enrol(user=user)
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    click_and_load(page, page.locator("main form button[type=submit]"))
    if user is None or "/login/two-factor/" not in page.url:
        return
    code = ""
    for _attempt in range(40):
        device = TwoFactorDevice.objects.get(user=user)
        code = code_after_last_use(device)
        if code:
            break
        time.sleep(1)
    page.locator("input[name=code]").fill(code)
    click_and_load(page, page.locator("main form button[type=submit]").first)


def log_in_from_home(page: Any, email: str, password: str) -> None:
    """From the home page, the header's log-in link, then the log-in form (``log_in_here``); back home."""
    page.goto("/")
    click_and_load(page, page.locator(f'header a[href^="{reverse("accounts:login")}"]').first)
    log_in_here(page, email, password)
    page.wait_for_url(re.compile(r"/$"))


def switch_language(page: Any, language: str) -> None:
    """Choose ``language`` with the header's switch (Korean is the default; the choice is remembered)."""
    switch = page.locator(f"header form.language-switch button[value={language}]")
    if switch.count():
        click_and_load(page, switch)
    assert page.locator("html").get_attribute("lang") == language


def translated(language: str, text: str) -> str:
    """An interface string as the pages show it in ``language``."""
    from django.utils import translation

    with translation.override(language):
        return str(translation.gettext(text))
