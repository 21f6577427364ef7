"""Log-in throttling (ASVS 2.2.1): too many failures for one account or from one address lock
further attempts for a while.

Failures are rows of ``LoginFailure`` in the database, so every web process and machine counts the
same failures (no cache needed; docs/deployment.md). A failure is a wrong password for an e-mail
address, or a wrong second-factor code. Within ``LOGIN_FAILURE_WINDOW`` seconds, the
``LOGIN_MAX_FAILURES_PER_ACCOUNT``-th failure for one account, or the
``LOGIN_MAX_FAILURES_PER_ADDRESS``-th from one address, locks that account or address until the
oldest counted failure leaves the window. A successful log-in clears the account's failures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from foster.accounts.models import LoginFailure

ACCOUNT = "account"
ADDRESS = "address"

# Records a security event of the attempt: ``record(action, **details)`` (the caller's request).
Recorder = Callable[..., None]


@dataclass(frozen=True)
class Lockout:
    """Attempts are refused until ``until``; ``scope`` says whether the account or the address is locked."""

    scope: str
    until: dt.datetime

    @property
    def minutes_left(self) -> int:
        seconds = (self.until - timezone.now()).total_seconds()
        return max(1, int(-(-seconds // 60)))


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def _limits() -> dict[str, int]:
    return {ACCOUNT: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT, ADDRESS: settings.LOGIN_MAX_FAILURES_PER_ADDRESS}


def _account_key(email: str) -> str:
    return (email or "").strip().lower()[:254]


def login_lockout(*, email: str, address: str) -> Lockout | None:
    """The lockout in force for this account or address, if any (account first)."""
    start = _window_start()
    for scope, key in ((ACCOUNT, _account_key(email)), (ADDRESS, address)):
        if not key:
            continue
        recent = LoginFailure.objects.filter(scope=scope, key=key, failed_at__gt=start)
        summary = recent.aggregate(oldest=Min("failed_at"))
        count = recent.count()
        if count >= _limits()[scope] and summary["oldest"] is not None:
            return Lockout(scope, summary["oldest"] + dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW))
    return None


def login_failure_record(*, email: str, address: str) -> Lockout | None:
    """Count one failure for the account and the address; returns the lockout it starts, if any.

    Failures older than the window are deleted on the way, so the table stays small.
    """
    now = timezone.now()
    LoginFailure.objects.filter(failed_at__lte=_window_start()).delete()
    rows = [
        LoginFailure(scope=scope, key=key, failed_at=now)
        for scope, key in ((ACCOUNT, _account_key(email)), (ADDRESS, address))
        if key
    ]
    LoginFailure.objects.bulk_create(rows)
    return login_lockout(email=email, address=address)


def login_failures_clear(*, email: str) -> None:
    """Forget the account's failures after a complete log-in (the address's stay counted)."""
    LoginFailure.objects.filter(scope=ACCOUNT, key=_account_key(email)).delete()


def attempt_locked(*, email: str, address: str, record: Recorder) -> Lockout | None:
    """The lockout in force for a log-in attempt (the password or the second factor), recorded as
    ``auth.login_refused_locked``; None when the attempt may be checked."""
    lockout = login_lockout(email=email, address=address)
    if lockout is not None:
        record("auth.login_refused_locked", scope=lockout.scope)
    return lockout


def attempt_failed(*, email: str, address: str, record: Recorder) -> Lockout | None:
    """Count a failed attempt; returns the lockout it starts, recorded as ``auth.lockout``."""
    lockout = login_failure_record(email=email, address=address)
    if lockout is not None:
        record("auth.lockout", scope=lockout.scope)
    return lockout
