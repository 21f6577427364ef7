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


def domain_audit_event_count() -> int:
    """Audit events other than the security events (``auth.*``, ``access.*``): a refused request
    records that it was refused (docs/security.md) and changes nothing else."""
    from foster.core.models import AuditEvent
    from foster.core.services import SECURITY_ACTION_PREFIXES

    events = AuditEvent.objects.all()
    for prefix in SECURITY_ACTION_PREFIXES:
        events = events.exclude(action__startswith=prefix)
    return events.count()
