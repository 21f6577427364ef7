"""Writes for platform-wide records: audit events, job progress and notifications."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.mail import send_mail
from django.db import models
from django.utils import timezone

from foster.core.choices import JobStatus
from foster.core.models import AuditEvent, Job, Notification, NotificationPreference

logger = logging.getLogger(__name__)


def jsonable(value: Any) -> Any:
    """A field value as the audit trail and stored plans keep it: dates and times in ISO 8601,
    decimals as strings, everything else as it is."""
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def jsonable_values(values: dict[str, Any]) -> dict[str, Any]:
    """``jsonable`` applied to every value of a dict (a created object's fields, for its audit event)."""
    return {key: jsonable(value) for key, value in values.items()}


def field_changes(instance: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each of ``values`` that differs from ``instance``: what an
    update service records in its audit event."""
    return {
        name: [jsonable(getattr(instance, name)), jsonable(value)]
        for name, value in values.items()
        if getattr(instance, name) != value
    }


def audit_event_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event for ``target``. Call it inside the transaction of the change."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        reason=reason,
        changes=changes or {},
    )


security_logger = logging.getLogger("foster.security")

# Actions of the security events: authentication ("auth.*") and refused authorization ("access.*").
SECURITY_ACTION_PREFIXES = ("auth.", "access.")


def security_event_record(
    *,
    action: str,
    user: Any = None,
    email: str = "",
    address: str = "",
    path: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record an authentication event or a refused authorization in the audit trail and in the
    ``foster.security`` log: who (the user, or the e-mail address typed), from which address, on
    which path. Never pass a password or a code in ``details``.

    Written in its own transaction when called outside one, so a failed log-in is recorded even
    though nothing else is.
    """
    known_user = user if getattr(user, "is_authenticated", False) else None
    changes = {"address": address, "path": path, **(details or {})}
    if email:
        changes["email"] = email
    event = AuditEvent.objects.create(
        actor=known_user,
        action=action,
        object_type="accounts.user",
        object_id=str(known_user.pk) if known_user else "",
        changes=changes,
    )
    level = logging.INFO if action in {"auth.login", "auth.logout", "auth.two_factor.success"} else logging.WARNING
    security_logger.log(
        level,
        "%s user=%s email=%s address=%s path=%s details=%s",
        action,
        known_user.pk if known_user else "-",
        email or (known_user.email if known_user else "-"),
        address or "-",
        path or "-",
        details or {},
    )
    return event


def job_create(*, kind: str, owner: Any, total: int = 0, message: str = "") -> Job:
    """Create the user-visible record of a background job before it is enqueued."""
    return Job.objects.create(
        kind=kind,
        owner=owner if getattr(owner, "is_authenticated", False) else None,
        total=total,
        message=message,
    )


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str | None = None) -> None:
    """Record how far a running job has got (a single UPDATE; safe to call often)."""
    fields: dict[str, Any] = {"done": done, "status": JobStatus.RUNNING}
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(*, job_id: int, result: dict[str, Any], message: str = "") -> None:
    """Mark a job as succeeded with its result."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.SUCCEEDED, result=result, message=message)


def job_fail(*, job_id: int, message: str, result: dict[str, Any] | None = None) -> None:
    """Mark a job as failed, saying why in words the user can act on."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, message=message, result=result or {})


def job_cancel_request(*, job_id: int) -> bool:
    """Ask a queued or running job to stop (a single UPDATE); returns whether the request was recorded
    (False once the job has finished). The task stops at its next check (``JobReport.check_cancelled``)."""
    unfinished = [JobStatus.QUEUED, JobStatus.RUNNING]
    return bool(
        Job.objects.filter(pk=job_id, status__in=unfinished, cancel_requested_at__isnull=True).update(
            cancel_requested_at=timezone.now()
        )
    )


def job_is_cancel_requested(*, job_id: int) -> bool:
    """Whether the job's owner asked it to stop."""
    return Job.objects.filter(pk=job_id, cancel_requested_at__isnull=False).exists()


def job_cancelled(*, job_id: int, message: str, result: dict[str, Any] | None = None) -> None:
    """Mark a job as stopped at its owner's request."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.CANCELLED, message=message, result=result or {})


@dataclass(frozen=True)
class Notice:
    """One notice to send: its recipient, and subject and body already in the recipient's language."""

    user: Any
    subject: str
    body: str


def notifications_send(*, kind: str, notices: Iterable[Notice], url: str = "") -> list[Notification]:
    """Tell each notice's user something, by e-mail and in the application, as their preferences
    for ``kind`` allow. The preferences of all recipients are read in one query and the in-app
    notices written in one insert. Returns the in-app notices written (none for a user who
    receives this kind in the application no more, or is inactive).

    Call it after the change it reports has committed (``transaction.on_commit``), so that
    nobody is told of a change that was rolled back.
    """
    notices = [notice for notice in notices if notice.user is not None and notice.user.is_active]
    if not notices:
        return []
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(
            kind=kind, user__in=[notice.user.pk for notice in notices]
        )
    }
    in_app_notices = []
    for notice in notices:
        user, preference = notice.user, preferences.get(notice.user.pk)
        by_email = preference.by_email if preference else True
        if by_email and user.email:
            body = f"{notice.body}\n\n{url}" if url else notice.body
            try:
                send_mail(notice.subject, body, None, [user.email])
            except Exception:  # a mail server outage must not lose the in-app notice
                logger.exception("notification e-mail to user %s failed", user.pk)
        if preference is None or preference.in_app:
            in_app_notices.append(
                Notification(user=user, kind=kind, subject=notice.subject[:200], body=notice.body, url=url)
            )
    return Notification.objects.bulk_create(in_app_notices)


def notification_send(*, user: Any, kind: str, subject: str, body: str, url: str = "") -> Notification | None:
    """Tell one ``user`` something (``notifications_send`` for one notice); returns the in-app
    notice, or None if the user receives this kind in the application no more."""
    written = notifications_send(kind=kind, notices=[Notice(user=user, subject=subject, body=body)], url=url)
    return written[0] if written else None


def notification_preferences_set(*, user: Any, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store ``user``'s choice per kind: ``{kind: (by_email, in_app)}``."""
    for kind, (by_email, in_app) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"by_email": by_email, "in_app": in_app}
        )


def notifications_mark_read(*, user: Any) -> int:
    """Mark every unread notice of ``user`` as read; returns how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
