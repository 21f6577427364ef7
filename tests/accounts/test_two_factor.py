"""Two-factor log-in over HTTP: enrolment, the verify step, wrong and replayed codes, recovery
codes, what an unverified session may reach, and API tokens. These tests use the real two steps
(``client.login``/the log-in form), never ``force_login``, which stands for both (tests/conftest.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pyotp
import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from foster.accounts.choices import Role
from foster.accounts.models import RecoveryCode, TwoFactorDevice, User
from foster.accounts.two_factor import (
    SESSION_VERIFIED_KEY,
    demo_code_for,
    recovery_codes_replace,
    two_factor_demo_enrol,
)
from foster.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db

VERIFY = "accounts:two-factor-verify"
ENROL = "accounts:two-factor-enrol"


def now_code(device: TwoFactorDevice, offset: int = 0) -> str:
    totp = pyotp.TOTP(device.secret)
    return str(totp.generate_otp(int(time.time()) // 30 + offset))


def password_step(client: Client, user: User, next_url: str = "") -> str:
    """Send the log-in form; returns where it redirects."""
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 302, response.content
    return str(response["Location"])


@pytest.fixture
def official(make_user: Callable[[str], User]) -> User:
    return make_user(Role.AGENCY_OFFICIAL)


@pytest.fixture
def enrolled_official(official: User) -> User:
    two_factor_demo_enrol(user=official)
    return official


def test_an_official_without_an_authenticator_is_sent_to_enrolment_and_reaches_nothing_else(official: User) -> None:
    client = english_client()

    location = password_step(client, official, next_url="/programs/")

    assert location.startswith(reverse(ENROL) + "?next=")
    assert client.session[SESSION_KEY] == str(official.pk)
    assert client.session.get(SESSION_VERIFIED_KEY) is None
    refused = client.get("/programs/")
    assert refused.status_code == 302 and refused["Location"].startswith(reverse(ENROL))
    assert client.get(reverse("accounts:profile")).status_code == 302
    api = client.get(reverse("api:me"))
    assert api.status_code == 403
    assert "second factor" in api.json()["detail"]


def test_enrolment_shows_a_qr_code_and_the_key_and_a_correct_code_turns_it_on(official: User) -> None:
    client = english_client()
    password_step(client, official, next_url="/programs/")

    page = client.get(reverse(ENROL), {"next": "/programs/"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "</svg>" in html
    device = TwoFactorDevice.objects.get(user=official)
    shown_key = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", html)
    assert shown_key is not None and shown_key.group(1).replace(" ", "") == device.secret
    assert device.confirmed_at is None

    response = client.post(reverse(ENROL), {"code": now_code(device), "next": "/programs/"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor-codes")
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10
    assert 'href="/programs/"' in page
    again = client.get(reverse("accounts:two-factor-codes"))  # shown once
    assert again.status_code == 302 and codes[0] not in again.content.decode()
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert client.session[SESSION_VERIFIED_KEY] is True
    stored = list(RecoveryCode.objects.filter(user=official).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, never the codes
    assert client.get("/programs/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.two_factor.enrol", actor=official).exists()


def test_a_wrong_enrolment_code_is_refused_and_changes_nothing(official: User) -> None:
    client = english_client()
    password_step(client, official)
    client.get(reverse(ENROL))
    device = TwoFactorDevice.objects.get(user=official)
    wrong = "000000" if now_code(device) != "000000" else "111111"

    response = client.post(reverse(ENROL), {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed_at is None and device.last_used_step == 0
    assert not RecoveryCode.objects.filter(user=official).exists()
    assert client.session.get(SESSION_VERIFIED_KEY) is None


def test_the_verify_step_accepts_the_current_code_and_goes_on_to_next(enrolled_official: User) -> None:
    client = english_client()
    location = password_step(client, enrolled_official, next_url="/programs/")
    assert location.startswith(reverse(VERIFY))
    device = TwoFactorDevice.objects.get(user=enrolled_official)

    response = client.post(reverse(VERIFY), {"code": now_code(device), "next": "/programs/"})

    assert response.status_code == 302
    assert response["Location"] == "/programs/"
    assert client.session[SESSION_VERIFIED_KEY] is True
    assert client.get("/programs/").status_code == 200
    success = AuditEvent.objects.get(action="auth.two_factor.success", actor=enrolled_official)
    assert success.changes["path"] == reverse(VERIFY)
    assert success.changes["method"] == "totp"
    assert now_code(device) not in str(success.changes)


def test_a_wrong_code_is_refused_and_changes_nothing_but_the_failure_count(enrolled_official: User) -> None:
    client = english_client()
    password_step(client, enrolled_official)
    device = TwoFactorDevice.objects.get(user=enrolled_official)
    valid = {now_code(device, offset) for offset in (-1, 0, 1)}
    wrong = next(code for code in ("123456", "654321", "111111", "222222") if code not in valid)

    response = client.post(reverse(VERIFY), {"code": wrong})

    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    assert client.session.get(SESSION_VERIFIED_KEY) is None
    device.refresh_from_db()
    assert device.last_used_step == 0
    assert client.get("/programs/")["Location"].startswith(reverse(VERIFY))
    failure = AuditEvent.objects.get(action="auth.two_factor.failure")
    assert wrong not in str(failure.changes)


def test_a_replayed_code_is_refused(enrolled_official: User) -> None:
    device = TwoFactorDevice.objects.get(user=enrolled_official)
    code = now_code(device)
    first = english_client()
    password_step(first, enrolled_official)
    assert first.post(reverse(VERIFY), {"code": code}).status_code == 302

    second = english_client()
    password_step(second, enrolled_official)
    response = second.post(reverse(VERIFY), {"code": code})

    assert response.status_code == 200
    assert "used already" in response.content.decode()
    assert second.session.get(SESSION_VERIFIED_KEY) is None


def test_a_recovery_code_works_once(enrolled_official: User) -> None:
    codes = recovery_codes_replace(user=enrolled_official)
    first = english_client()
    password_step(first, enrolled_official)

    response = first.post(reverse(VERIFY), {"code": codes[3].upper()})

    assert response.status_code == 302
    assert first.session[SESSION_VERIFIED_KEY] is True
    assert RecoveryCode.objects.filter(user=enrolled_official, used_at__isnull=False).count() == 1
    used = AuditEvent.objects.get(action="auth.recovery_code.use")
    assert used.changes["left"] == 9 and codes[3] not in str(used.changes)

    second = english_client()
    password_step(second, enrolled_official)
    again = second.post(reverse(VERIFY), {"code": codes[3]})

    assert again.status_code == 200
    assert second.session.get(SESSION_VERIFIED_KEY) is None
    assert RecoveryCode.objects.filter(user=enrolled_official, used_at__isnull=False).count() == 1


def test_a_company_member_logs_in_with_the_password_only_unless_they_turned_two_factor_on(
    make_user: Callable[[str], User],
) -> None:
    member = make_user(Role.COMPANY_MEMBER)
    client = english_client()
    assert password_step(client, member) == reverse("portal:home")
    assert client.get(reverse("accounts:profile")).status_code == 200

    two_factor_demo_enrol(user=member)
    later = english_client()
    assert password_step(later, member).startswith(reverse(VERIFY))


def test_an_api_token_is_refused_for_an_account_with_two_factor(official: User) -> None:
    token = Token.objects.create(user=official)

    response = Client().get(reverse("api:me"), headers={"authorization": f"Token {token.key}", "accept-language": "en"})

    assert response.status_code in {401, 403}
    assert "two factors" in response.json()["detail"]


def test_the_demo_code_is_shown_only_in_the_demo_and_only_for_demo_accounts(settings: object) -> None:
    demo_user = UserFactory(email="official@kosme.demo.foster.kr", role=Role.AGENCY_OFFICIAL)
    other = UserFactory(email="official@kosme.example.kr", role=Role.AGENCY_OFFICIAL)
    for user in (demo_user, other):
        two_factor_demo_enrol(user=user)

    assert demo_code_for(demo_user) == ""  # FOSTER_MODE=test: never
    settings.MODE = "demo"  # type: ignore[attr-defined]
    assert demo_code_for(other) == ""
    code = demo_code_for(demo_user)
    assert code == now_code(TwoFactorDevice.objects.get(user=demo_user), 0)  # what the app shows now

    client = english_client()
    password_step(client, demo_user)
    page = client.get(reverse(VERIFY)).content.decode()
    assert "Demo only" in page and code in page
    assert client.post(reverse(VERIFY), {"code": code}).status_code == 302


def test_the_demo_planner_and_officials_get_an_authenticator_and_the_others_none() -> None:
    from foster.accounts.seeding import agencies_seed
    from foster.core.demo import DEMO_USERS, demo_users_seed

    agencies_seed()
    demo_users_seed()

    enrolled = set(TwoFactorDevice.objects.filter(confirmed_at__isnull=False).values_list("user__email", flat=True))
    expected = {user.email for user in DEMO_USERS if user.role in {Role.MINISTRY_PLANNER, Role.AGENCY_OFFICIAL}}
    assert enrolled == expected


def test_staff_reset_a_lost_authenticator_and_the_user_enrols_again(enrolled_official: User) -> None:
    recovery_codes_replace(user=enrolled_official)
    admin_user = User.objects.create_superuser("root@example.kr", PASSWORD)
    staff = Client()
    staff.force_login(admin_user)
    device = TwoFactorDevice.objects.get(user=enrolled_official)

    page = staff.get(reverse("admin:accounts_twofactordevice_change", args=[device.pk]))
    response = staff.post(reverse("admin:accounts_twofactordevice_delete", args=[device.pk]), {"post": "yes"})

    assert device.secret not in page.content.decode()
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=enrolled_official).exists()
    assert not RecoveryCode.objects.filter(user=enrolled_official).exists()
    assert AuditEvent.objects.get(action="auth.two_factor.reset").actor == admin_user
    assert password_step(english_client(), enrolled_official).startswith(reverse(ENROL))
