"""Shared fixtures: one user per role, companies, and a logged-in client per role."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as settings_module
from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.accounts.signals import LOGIN_RECORDED_UID, login_recorded
from foster.accounts.two_factor import SESSION_VERIFIED_KEY
from foster.core.security import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.factories import (
    AgencyFactory,
    AgencyMembershipFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    UserFactory,
)

ROLES = [role.value for role in Role]


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Every test starts in the platform's default language (Korean), whatever an earlier test's
    request left active in this thread: a test that reads English says so (``translation.override``
    or ``english_client``), so its result does not depend on the order tests run in."""
    translation.activate(settings_module.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def matching_index_directory(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Each test stores the open-innovation matching indexes in its own directory (rows of one
    test's database must not be found through another test's index)."""
    settings.MATCHING_INDEX_DIR = tmp_path_factory.mktemp("matching")
    return settings.MATCHING_INDEX_DIR


@pytest.fixture(autouse=True)
def force_login_is_a_complete_log_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(user)`` stands for a complete log-in: the password and, for users who
    need it, the second factor (the session is marked as verified). Tests of what happens between
    the two steps use the real forms (tests/accounts/test_two_factor.py); ``client.login`` with a
    password stops after the first step, as the log-in page does. The shortcut records no
    ``auth.login`` event (real log-ins do: tests/accounts/test_security.py)."""
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        # A test's shortcut, not a person logging in: no auth.login event in the audit trail, so
        # tests that count a module's audit events count only what they do after logging in.
        user_logged_in.disconnect(dispatch_uid=LOGIN_RECORDED_UID)
        try:
            original(self, user, backend)
        finally:
            user_logged_in.connect(login_recorded, dispatch_uid=LOGIN_RECORDED_UID)
        session = self.session
        session[SESSION_VERIFIED_KEY] = True
        session[SESSION_STARTED_KEY] = session[SESSION_SEEN_KEY] = int(time.time())
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def agency(db: None) -> Agency:
    return AgencyFactory(code="kosme", name_ko="중소벤처기업진흥공단", name_en="KOSME")


@pytest.fixture
def make_user(db: None, agency: Agency) -> Callable[[str], User]:
    """Create a user of a role, with the memberships that role has in real life."""

    def make(role: str) -> User:
        user = UserFactory(role=role)
        if role == Role.AGENCY_OFFICIAL:
            AgencyMembershipFactory(user=user, agency=agency)
        if role == Role.MINISTRY_PLANNER:
            AgencyMembershipFactory(user=user, agency=AgencyFactory(code="mss"))
        if role in {Role.COMPANY_MEMBER, Role.LARGE_COMPANY_MEMBER}:
            CompanyMembershipFactory(user=user)
        return user

    return make


@pytest.fixture
def client_for(make_user: Callable[[str], User]) -> Callable[[str | None], Client]:
    """A test client logged in as a new user of ``role`` (None: anonymous)."""

    def make(role: str | None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(make_user(role))
        return client

    return make


@pytest.fixture
def company(db: None):  # type: ignore[no-untyped-def]
    return CompanyFactory()
