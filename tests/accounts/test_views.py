"""Log-in, log-out, sign-up and the account page, over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.core.models import AuditEvent
from tests.factories import PASSWORD, CompanyMembershipFactory, UserFactory
from tests.http import english_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


@pytest.mark.parametrize("typed", ["kim@example.kr", "Kim@Example.KR", "  KIM@EXAMPLE.KR "])
def test_login_by_email_ignores_case(client: Client, typed: str) -> None:
    user = UserFactory(email="kim@example.kr")

    response = client.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_with_a_wrong_password_says_so_and_logs_nobody_in(client: Client) -> None:
    UserFactory(email="kim@example.kr")

    response = client.post(reverse("accounts:login"), {"username": "kim@example.kr", "password": "wrong-password-1"})

    assert response.status_code == 200
    assert "The e-mail address or password is not correct" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_user_cannot_log_in(client: Client) -> None:
    UserFactory(email="gone@example.kr", is_active=False)

    response = client.post(reverse("accounts:login"), {"username": "gone@example.kr", "password": PASSWORD})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_logout_ends_the_session(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_signup_creates_a_public_account_and_continues_to_company_registration(client: Client) -> None:
    response = client.post(
        reverse("accounts:signup"),
        {"email": "New.Founder@Example.kr", "full_name": "신창업", "password": PASSWORD},
    )

    user = User.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:company-register")
    assert (user.email, user.full_name, user.role) == ("new.founder@example.kr", "신창업", Role.PUBLIC)
    assert user.check_password(PASSWORD)
    assert client.session[SESSION_KEY] == str(user.pk)
    assert AuditEvent.objects.filter(action="user.signup", object_id=str(user.pk)).count() == 1


@pytest.mark.parametrize("email", ["taken@example.kr", "Taken@Example.KR"])
def test_signup_refuses_an_email_in_use_with_a_clear_message(client: Client, email: str) -> None:
    UserFactory(email="taken@example.kr")

    response = client.post(reverse("accounts:signup"), {"email": email, "full_name": "중복", "password": PASSWORD})

    assert response.status_code == 200
    assert "An account with this e-mail address exists already; log in instead." in response.content.decode()
    assert User.objects.count() == 1
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("password", ["12345678901", "short1", "password123"])
def test_signup_refuses_a_weak_password(client: Client, password: str) -> None:
    response = client.post(
        reverse("accounts:signup"), {"email": "weak@example.kr", "full_name": "약한", "password": password}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.exists()


def test_signup_sends_a_signed_in_user_to_their_account(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post(
        reverse("accounts:signup"), {"email": "second@example.kr", "full_name": "둘째", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert User.objects.count() == 1


def test_profile_lists_the_users_companies_and_agencies_only(client: Client, make_user: Callable[[str], User]) -> None:
    member = make_user(Role.COMPANY_MEMBER)
    own = member.company_memberships.get().company
    other = CompanyMembershipFactory().company
    client.force_login(member)

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert list(response.context["companies"]) == [own]
    assert list(response.context["agencies"]) == []
    assert other.name_ko not in response.content.decode()


def test_profile_of_an_official_shows_their_agency(client: Client, make_user: Callable[[str], User]) -> None:
    official = make_user(Role.AGENCY_OFFICIAL)
    client.force_login(official)

    response = client.get(reverse("accounts:profile"))

    assert [agency.code for agency in response.context["agencies"]] == ["kosme"]
    assert list(response.context["companies"]) == []
