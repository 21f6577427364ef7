"""Fixtures of the API fuzzing: Django's WSGI handler in-process, and the schema it publishes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token

from foster.accounts.models import User
from foster.accounts.two_factor import two_factor_is_needed


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI handler, with the test's database transaction kept open across requests (as
    Django's test client does: the end of a request would otherwise close the connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app: WSGIHandler) -> Any:
    """``/api/schema/`` loaded by Schemathesis from the app; its requests go to the app in-process."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


@dataclass(frozen=True)
class Credentials:
    """How a user authenticates to the API: headers and cookies sent with every request."""

    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


def credentials(user: User) -> Credentials:
    """A token, or, for accounts that log in with two factors (planners, officials, staff; a token
    is refused for them), a session past both factors with its CSRF cookie and header, as a browser
    or a scripted client that logged in both steps has."""
    if not two_factor_is_needed(user):
        return Credentials(headers={"Authorization": f"Token {Token.objects.create(user=user).key}"})
    client = Client()
    client.force_login(user)  # a complete log-in, both factors (tests/conftest.py)
    csrf = get_random_string(32)
    return Credentials(
        headers={"X-CSRFToken": csrf},
        cookies={
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: csrf,
        },
    )
