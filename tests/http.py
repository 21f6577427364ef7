"""Test clients for HTTP tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client


def english_client(user: Any = None) -> Client:
    """A client whose pages come in English (the language switch's cookie), logged in as ``user`` if given."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client
