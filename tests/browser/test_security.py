"""Two-factor log-in in a real browser under the Content Security Policy: an official enrols by
reading the key off the page (as an app would from the QR code), later logs in with a code; the
API documentation (Swagger UI) runs with no inline script. Any CSP violation fails the test
(tests/browser/conftest.py)."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest

from foster.accounts.choices import Role
from foster.accounts.models import TwoFactorDevice
from tests.browser.support import check_page, click_and_load, log_in_here
from tests.factories import PASSWORD, AgencyFactory, AgencyMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "official-2fa@example.kr"


@pytest.fixture
def official(transactional_db: None) -> Any:
    user = UserFactory(email=EMAIL, full_name="김보안", role=Role.AGENCY_OFFICIAL)
    AgencyMembershipFactory(user=user, agency=AgencyFactory(code="kosme"))
    return user


def test_an_official_enrols_then_logs_in_with_a_code(new_page: Any, live_server: Any, official: Any) -> None:
    page = new_page()
    page.goto("/accounts/login/?next=/programs/")
    page.locator("input[name=username]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    click_and_load(page, page.locator("main form button[type=submit]"))

    assert "/accounts/two-factor/" in page.url
    assert page.locator("figure.qr-code svg").count() == 1
    check_page(page, "security-enrol")
    secret = re.sub(r"\s", "", page.locator("[data-totp-secret]").inner_text())
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    click_and_load(page, page.locator("main form button[type=submit]").first)

    assert "/accounts/two-factor/recovery-codes/" in page.url
    assert page.locator("[data-recovery-codes] li").count() == 10
    check_page(page, "security-recovery-codes")
    click_and_load(page, page.get_by_role("button", name=re.compile("계속")))
    assert page.url.endswith("/programs/")

    later = new_page()
    later.goto("/accounts/login/")
    log_in_here(later, EMAIL, PASSWORD)
    assert "/login/two-factor/" not in later.url
    device = TwoFactorDevice.objects.get(user=official)
    assert device.last_used_step >= int(time.time()) // 30 - 1


def test_the_verification_page_and_the_api_documentation_work_under_the_policy(
    new_page: Any, live_server: Any, official: Any
) -> None:
    from foster.accounts.two_factor import two_factor_demo_enrol

    two_factor_demo_enrol(user=official)
    page = new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    click_and_load(page, page.locator("main form button[type=submit]"))
    assert "/login/two-factor/" in page.url
    check_page(page, "security-verify")

    docs = new_page()
    docs.goto("/api/docs/")
    docs.locator(".swagger-ui .info").wait_for()
    assert docs.locator(".swagger-ui .opblock").count() > 10


def test_the_policy_check_catches_an_inline_script(new_page: Any, live_server: Any) -> None:
    """The check of every browser test can fail: an inline script added to a page is blocked and reported."""
    page = new_page()
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
        "document.body.appendChild(s); }"
    )
    for _poll in range(100):  # the report arrives asynchronously: wait for it, up to 10 s
        if new_page.csp_violations:
            break
        page.wait_for_timeout(100)

    assert page.evaluate("() => window.ran") is None  # the policy blocked it
    assert any("script-src" in violation for violation in new_page.csp_violations), new_page.csp_violations
    new_page.csp_violations.clear()  # expected here; the fixture would otherwise fail this test
