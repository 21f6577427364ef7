"""Log-in throttling, session timeouts, sessions ended by deactivation and password change,
security events for authentication and refusals, and the password rules (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY, password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import LoginFailure, User
from foster.core.demo import DEMO_PASSWORD
from foster.core.models import AuditEvent
from foster.core.security import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.factories import PASSWORD, ProgramFactory, UserFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"


def log_in(client: Client, email: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


# --- Throttling ------------------------------------------------------------------------------------


def test_the_fifth_failure_locks_the_account_even_with_the_right_password(settings: Any) -> None:
    user = UserFactory(email="kim@example.kr")
    client = english_client()
    for _attempt in range(4):
        response = log_in(client, user.email, WRONG)
        assert "not correct" in response.content.decode()

    fifth = log_in(client, user.email, WRONG)
    right = log_in(client, user.email, PASSWORD)

    assert "Too many failed log-ins for this account. Try again after" in fifth.content.decode()
    assert right.status_code == 200
    assert "Too many failed log-ins for this account" in right.content.decode()
    assert "(in 15 minutes)" in right.content.decode()
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_refused_locked").count() == 1


def test_the_lock_is_in_korean_by_default() -> None:
    user = UserFactory()
    client = Client()
    for _attempt in range(5):
        log_in(client, user.email, WRONG)

    response = log_in(client, user.email, PASSWORD)

    assert "로그인 실패가 너무 많습니다" in response.content.decode()


def test_the_lock_ends_when_the_failures_leave_the_window() -> None:
    user = UserFactory()
    client = english_client()
    for _attempt in range(5):
        log_in(client, user.email, WRONG)
    LoginFailure.objects.update(failed_at=timezone.now() - dt.timedelta(minutes=16))

    response = log_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_successful_log_in_clears_the_account_failures() -> None:
    user = UserFactory()
    client = english_client()
    for _attempt in range(4):
        log_in(client, user.email, WRONG)

    assert log_in(client, user.email, PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(scope="account").exists()
    assert LoginFailure.objects.filter(scope="address").count() == 4


def test_many_accounts_tried_from_one_address_lock_the_address(settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    user = UserFactory()
    client = english_client()
    for index in range(6):
        log_in(client, f"guess{index}@example.kr", WRONG, address="203.0.113.9")

    from_there = log_in(client, user.email, PASSWORD, address="203.0.113.9")
    from_elsewhere = log_in(english_client(), user.email, PASSWORD, address="198.51.100.7")

    assert "Too many failed log-ins from your network" in from_there.content.decode()
    assert from_elsewhere.status_code == 302


def test_the_failures_are_counted_in_the_database_for_every_process() -> None:
    """Another process sees the same rows: a failure written directly counts for this one."""
    user = UserFactory()
    LoginFailure.objects.bulk_create([LoginFailure(scope="account", key=user.email) for _ in range(5)])

    response = log_in(english_client(), user.email, PASSWORD)

    assert "Too many failed log-ins for this account" in response.content.decode()


# --- Sessions --------------------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    client = english_client()
    assert log_in(client, user.email, PASSWORD).status_code == 302
    return client


def shift_session(client: Client, *, started: int = 0, seen: int = 0) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] -= started
    session[SESSION_SEEN_KEY] -= seen
    session.save()


def test_an_idle_session_ends(settings: Any) -> None:
    client = signed_in(UserFactory())
    shift_session(client, seen=settings.SESSION_IDLE_TIMEOUT + 5)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.get(action="auth.session_expired").changes["reason"] == "idle"


def test_a_session_in_use_ends_at_the_absolute_timeout(settings: Any) -> None:
    client = signed_in(UserFactory())
    assert client.get(reverse("accounts:profile")).status_code == 200
    shift_session(client, started=settings.SESSION_ABSOLUTE_TIMEOUT + 5)

    response = client.get(reverse("api:me"))

    assert response.status_code == 401
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.get(action="auth.session_expired").changes["reason"] == "absolute"


def test_activity_keeps_a_session_alive(settings: Any) -> None:
    client = signed_in(UserFactory())
    shift_session(client, seen=settings.SESSION_IDLE_TIMEOUT - 120)

    assert client.get(reverse("accounts:profile")).status_code == 200
    assert time.time() - client.session[SESSION_SEEN_KEY] < 60


def test_a_disabled_account_is_logged_out_at_its_next_request(make_user: Callable[[str], User]) -> None:
    user = make_user(Role.COMPANY_MEMBER)
    client = signed_in(user)
    api = Client()
    api.force_login(user)

    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:login"))
    assert api.get(reverse("api:me")).status_code in {401, 403}


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one() -> None:
    user = UserFactory()
    here, elsewhere = signed_in(user), signed_in(user)

    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert elsewhere.get(reverse("accounts:profile"))["Location"].startswith(reverse("accounts:login"))
    event = AuditEvent.objects.get(action="auth.password_change")
    assert event.actor == user
    assert "passphrase" not in str(event.changes)


# --- Security events -------------------------------------------------------------------------------


def test_log_in_failure_and_log_out_are_recorded_without_the_password(caplog: pytest.LogCaptureFixture) -> None:
    user = UserFactory()
    client = english_client()
    with caplog.at_level(logging.INFO, logger="foster.security"):
        log_in(client, user.email, WRONG, address="192.0.2.10")
        log_in(client, user.email, PASSWORD, address="192.0.2.10")
        client.post(reverse("accounts:logout"), REMOTE_ADDR="192.0.2.10")

    events = list(AuditEvent.objects.filter(action__startswith="auth.").order_by("id"))
    assert [event.action for event in events] == ["auth.login_failed", "auth.login", "auth.logout"]
    failed, login, logout = events
    assert failed.actor is None and failed.changes["email"] == user.email
    assert failed.changes["address"] == "192.0.2.10" and failed.changes["path"] == reverse("accounts:login")
    assert login.actor == user and logout.actor == user
    recorded = str([event.changes for event in events]) + caplog.text
    assert WRONG not in recorded and PASSWORD not in recorded
    assert "auth.login_failed" in caplog.text and "192.0.2.10" in caplog.text


def test_a_refused_page_and_a_refused_api_call_are_recorded(make_user: Callable[[str], User]) -> None:
    client = Client()
    user = make_user(Role.REVIEWER)
    client.force_login(user)

    page = client.get(reverse("registry:company-export"))
    program = ProgramFactory()
    api = client.patch(
        reverse("api:program-detail", args=[program.pk]), {"name_en": "x"}, content_type="application/json"
    )

    assert page.status_code == 403 and api.status_code == 403
    refused = list(AuditEvent.objects.filter(action="access.denied").order_by("id"))
    assert [(event.changes["path"], event.changes["method"]) for event in refused] == [
        (reverse("registry:company-export"), "GET"),
        (reverse("api:program-detail", args=[program.pk]), "PATCH"),
    ]
    assert all(event.actor == user for event in refused)


# --- Password rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short-pass1", "too short"),
        ("x" * 129, "too long"),
        ("password1234", "too common"),
        ("kimjisoo@example.kr", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password: str, problem: str) -> None:
    user = User(email="kimjisoo@example.kr", full_name="Kim Jisoo")
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match=problem):
        password_validation.validate_password(password, user)


@pytest.mark.parametrize(
    "password",
    ["twelve chars", "x" * 64, "모든 문자 허용되는 긴 비밀 문장입니다", "123456789012345678", PASSWORD, DEMO_PASSWORD],
)
def test_long_passwords_of_any_characters_are_accepted(password: str) -> None:
    password_validation.validate_password(password, User(email="someone@example.kr", full_name="Someone"))


def test_the_admin_log_in_is_throttled_too() -> None:
    staff = UserFactory(is_staff=True, role=Role.MINISTRY_PLANNER)
    client = english_client()
    for _attempt in range(5):
        client.post(reverse("admin:login"), {"username": staff.email, "password": WRONG})

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed log-ins for this account" in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("header", "count", "forwarded", "expected"),
    [
        ("", 1, "198.51.100.1", "10.0.0.2"),  # no proxy configured: the connection's address
        ("HTTP_X_FORWARDED_FOR", 1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # a forged first entry is ignored
        ("HTTP_X_FORWARDED_FOR", 2, "198.51.100.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        ("HTTP_X_FORWARDED_FOR", 2, "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: not trusted
    ],
)
def test_the_client_address_is_read_from_the_trusted_proxy_only(
    settings: Any, header: str, count: int, forwarded: str, expected: str
) -> None:
    from django.test import RequestFactory

    from foster.core.security import client_address

    settings.CLIENT_ADDRESS_HEADER, settings.TRUSTED_PROXY_COUNT = header, count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected
