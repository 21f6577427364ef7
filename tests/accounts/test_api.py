"""Accounts API: the current user, agencies, and token authentication."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from foster.accounts.choices import Role
from foster.accounts.models import User

pytestmark = pytest.mark.django_db


def test_me_describes_the_signed_in_user(make_user: Callable[[str], User]) -> None:
    official = make_user(Role.AGENCY_OFFICIAL)
    client = Client()
    client.force_login(official)

    response = client.get(reverse("api:me"))

    assert response.status_code == 200
    assert response.json() == {
        "id": official.pk,
        "email": official.email,
        "full_name": official.full_name,
        "role": "agency_official",
        "preferred_language": "ko",
        "agencies": ["kosme"],
    }


def test_token_authentication_works(make_user: Callable[[str], User]) -> None:
    user = make_user(Role.REVIEWER)
    token = Token.objects.create(user=user)

    response = Client().get(reverse("api:me"), headers={"authorization": f"Token {token.key}"})

    assert response.status_code == 200
    assert response.json()["email"] == user.email


@pytest.mark.parametrize("header", ["Token not-a-real-token", ""])
def test_without_a_valid_token_the_api_refuses(header: str) -> None:
    headers = {"authorization": header} if header else {}

    response = Client().get(reverse("api:me"), headers=headers)

    assert response.status_code in {401, 403}
    assert "email" not in response.json()


def test_agencies_are_listed_for_signed_in_users(make_user: Callable[[str], User]) -> None:
    client = Client()
    client.force_login(make_user(Role.PUBLIC))

    response = client.get(reverse("api:agency-list"))

    assert response.status_code == 200
    assert [agency["code"] for agency in response.json()["results"]] == ["kosme"]
