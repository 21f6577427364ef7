"""Two-factor log-in with TOTP (RFC 6238) and one-time recovery codes (ASVS 2.7, 2.8).

Required for ministry planners, agency officials and staff (``two_factor_is_required``); any other
user may turn it on. A session counts as fully logged in once ``SESSION_VERIFIED_KEY`` is set, by
``two_factor_session_verify`` after a code or by enrolment; until then ``TwoFactorMiddleware``
lets such a user reach only the enrolment, verification and log-out pages.

Codes are six digits over 30-second steps; a code of the step before or after is accepted (clock
drift), and each step once only: ``last_used_step`` is moved forward with a compare-and-set
UPDATE, so two requests with the same code cannot both pass. Recovery codes are 10 random
characters shown once, stored as HMAC-SHA256 under the secret key, and used once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import RecoveryCode, TwoFactorDevice, User
from foster.accounts.throttling import Lockout, Recorder, attempt_failed, attempt_locked, login_failures_clear
from foster.core.services import audit_event_record

SESSION_VERIFIED_KEY = "foster_two_factor_verified"
REQUIRED_ROLES = frozenset({Role.MINISTRY_PLANNER, Role.AGENCY_OFFICIAL})
ISSUER = "Foster"
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
VALID_WINDOW = 1  # steps either side of now
DEMO_EMAIL_SUFFIX = "demo.foster.kr"


def two_factor_is_required(user: Any) -> bool:
    """Whether the user's role makes the second factor mandatory."""
    return bool(
        getattr(user, "is_authenticated", False) and (user.role in REQUIRED_ROLES or user.is_staff or user.is_superuser)
    )


def confirmed_device(user: Any) -> TwoFactorDevice | None:
    if not getattr(user, "pk", None):
        return None
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def two_factor_is_needed(user: Any) -> bool:
    """Whether this user must give a second factor after the password (required, or turned on)."""
    return two_factor_is_required(user) or confirmed_device(user) is not None


def session_is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_VERIFIED_KEY))


def two_factor_session_verify(request: HttpRequest) -> None:
    """Mark the session as past the second factor (a new session key against fixation)."""
    request.session.cycle_key()
    request.session[SESSION_VERIFIED_KEY] = True


# --- Enrolment ---------------------------------------------------------------------------------


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> TwoFactorDevice:
    """A new unconfirmed authenticator with a fresh secret (replacing an unconfirmed one).

    A confirmed device stays as it is: turning the factor off or replacing the phone is an
    administrator's task (docs/security.md)."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.is_confirmed:
        return device
    if device is None:
        device = TwoFactorDevice(user=user)
    device.secret = pyotp.random_base32()
    device.last_used_step = 0
    device.save()
    return device


def provisioning_uri(device: TwoFactorDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def qr_code_svg(device: TwoFactorDevice) -> str:
    """The provisioning URI as an inline SVG QR code (drawn here; no outside service)."""
    qr = segno.make(provisioning_uri(device), error="m")
    svg: str = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", title="QR")
    return svg


def _accepted_step(device: TwoFactorDevice, code: str) -> int | None:
    """The time step ``code`` belongs to (within the window, after the last used one), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(device.secret)
    now_step = int(time.time()) // totp.interval
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if step > device.last_used_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(device: TwoFactorDevice, step: int) -> bool:
    """Move the last used step forward unless another request got there first (no replay)."""
    return bool(TwoFactorDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step))


@transaction.atomic
def two_factor_enrolment_confirm(*, user: User, code: str) -> list[str] | None:
    """Confirm the unconfirmed authenticator with a code from the app; returns the new recovery
    codes (to show once), or None when the code is wrong (nothing changes)."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        return None
    step = _accepted_step(device, code)
    if step is None or not _use_step(device, step):
        return None
    TwoFactorDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    codes = recovery_codes_replace(user=user)
    audit_event_record(actor=user, action="auth.two_factor.enrol", target=user)
    return codes


# --- Verification --------------------------------------------------------------------------------


def two_factor_check(*, user: User, code: str) -> str | None:
    """Check a second-factor code: ``"totp"`` or ``"recovery"`` when accepted (and used up), None when not."""
    device = confirmed_device(user)
    if device is not None:
        step = _accepted_step(device, code)
        if step is not None and _use_step(device, step):
            return "totp"
    if recovery_code_use(user=user, code=code):
        return "recovery"
    return None


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of the second step of a log-in: accepted (``method``), refused, or locked."""

    method: str | None = None  # "totp" or "recovery" when accepted
    lockout: Lockout | None = None  # the lockout in force or started by this failure
    recovery_codes_left: int = 0  # after a recovery code was used


def two_factor_login_check(*, user: User, code: str, address: str, record: Recorder) -> CodeCheck:
    """The second step of a log-in, throttled like the first (``accounts.throttling``): refused
    while the account or address is locked; a wrong code counts as a failure; an accepted one
    clears the account's failures. Each outcome is recorded as a security event (``record``)."""
    lockout = attempt_locked(email=user.email, address=address, record=record)
    if lockout is not None:
        return CodeCheck(lockout=lockout)
    method = two_factor_check(user=user, code=code)
    if method is None:
        record("auth.two_factor.failure")
        return CodeCheck(lockout=attempt_failed(email=user.email, address=address, record=record))
    login_failures_clear(email=user.email)
    record("auth.two_factor.success", method=method)
    left = 0
    if method == "recovery":
        left = recovery_codes_left(user)
        record("auth.recovery_code.use", left=left)
    return CodeCheck(method=method, recovery_codes_left=left)


# --- Recovery codes ------------------------------------------------------------------------------


def _recovery_hash(code: str) -> str:
    normalised = "".join(code.lower().split()).replace("-", "")
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; returns them (shown once, never stored)."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_recovery_hash(code)) for code in codes])
    return codes


def recovery_code_use(*, user: User, code: str) -> bool:
    """Use up one recovery code; False if it is unknown or used already (compare-and-set)."""
    if not code.strip():
        return False
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_recovery_hash(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def two_factor_reset(*, actor: Any, user: User) -> None:
    """Remove a user's authenticator and recovery codes (a lost phone); staff only, through the
    admin site. The user enrols again at their next log-in; the reset is in the audit trail."""
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit_event_record(actor=actor, action="auth.two_factor.reset", target=user)


# --- The demo ------------------------------------------------------------------------------------


def demo_code_for(user: Any) -> str:
    """In the demo only (``FOSTER_MODE=demo``) and for the demo accounts only: the code the
    authenticator app would show now, so the demo can be clicked through without a phone.
    Empty everywhere else."""
    if settings.MODE != "demo" or not str(getattr(user, "email", "")).endswith(DEMO_EMAIL_SUFFIX):
        return ""
    device = TwoFactorDevice.objects.filter(user=user).first()
    if device is None:
        return ""
    return code_after_last_use(device)


def code_after_last_use(device: TwoFactorDevice) -> str:
    """The code an authenticator app would show now, or, when that step was used already, the
    next step's (still accepted, as the window reaches one step ahead); empty when both were used
    (the demo and the tests' helper). Never an earlier step's: typed a moment later, across a
    step boundary, it would no longer be accepted."""
    totp = pyotp.TOTP(device.secret)
    now_step = int(time.time()) // totp.interval
    step = max(now_step, device.last_used_step + 1)
    if step > now_step + VALID_WINDOW:
        return ""
    return str(totp.generate_otp(step))


@transaction.atomic
def two_factor_demo_enrol(*, user: User) -> TwoFactorDevice:
    """Give a seeded account a confirmed authenticator (the demo, tests); no recovery codes."""
    device, _created = TwoFactorDevice.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    if device.confirmed_at is None:
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
    return device
