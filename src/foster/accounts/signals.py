"""Django's log-in and log-out signals, recorded as security events.

The signals are the one place every log-in passes (this site's form, the admin site, tests'
``Client.login``), so the audit trail misses none; the receivers only record and start the
session clock.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from foster.core.security import request_security_event, session_clock_start

LOGIN_RECORDED_UID = "foster.accounts.login_recorded"


@receiver(user_logged_in, dispatch_uid=LOGIN_RECORDED_UID)
def login_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    session_clock_start(request)
    request_security_event(request, "auth.login", user=user)


@receiver(user_logged_out, dispatch_uid="foster.accounts.logout_recorded")
def logout_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or user is None:
        return
    request_security_event(request, "auth.logout", user=user)
