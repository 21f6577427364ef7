"""Writes for platform-wide records: audit events, job progress and notifications."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, connection, models, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from foster.core.choices import JobStatus
from foster.core.models import AuditEvent, Job, Notification, NotificationPreference

logger = logging.getLogger(__name__)
ModelT = TypeVar("ModelT", bound=models.Model)


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


def locked_update(instance: ModelT, values: dict[str, Any], *, actor: Any, action: str) -> ModelT:
    """In one transaction: lock ``instance``'s row, ``fields_save`` the ``values`` and, when any
    changed, audit them under ``action``. Returns the locked, updated row (the caller checked the
    permission and validated the values)."""
    with transaction.atomic():
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        changes = fields_save(locked, values)
        if changes:
            audit_event_record(actor=actor, action=action, target=locked, changes=changes)
    return locked


def fields_save(instance: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set and save (only) those of ``values`` that differ from ``instance`` (a row the caller has
    locked); returns their ``field_changes`` for the audit event, empty when nothing changed."""
    changes = field_changes(instance, values)
    if changes:
        for name in changes:
            setattr(instance, name, values[name])
        instance.save(update_fields=list(changes))
    return changes


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


UNFINISHED_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


def job_lease_seconds() -> int:
    """How long a running job's lease lasts without renewal (``FOSTER_JOB_LEASE_SECONDS``)."""
    return max(1, int(settings.FOSTER_JOB_LEASE_SECONDS))


def _lease_until(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(seconds=job_lease_seconds())


SQLITE_LOCK_PATIENCE_SECONDS = 10.0


def _updated_when_unlocked(queryset: models.QuerySet[Job], **fields: Any) -> int:
    """``queryset.update(**fields)``, tried again while SQLite answers "table is locked".

    SQLite databases in shared-cache mode (the test suite's in-memory database, shared by the live
    server's threads) lock tables and fail at once instead of waiting out the busy timeout, so a
    worker's progress write could fail only because a page was being served. PostgreSQL and a
    file database (which waits out its timeout) never see this; other errors pass through."""
    deadline = time.monotonic() + SQLITE_LOCK_PATIENCE_SECONDS
    while True:
        try:
            return queryset.update(**fields)
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str | None = None) -> bool:
    """Record how far a running job has got and renew its lease (a single UPDATE; safe to call often).

    Returns False, changing nothing, if the job has finished meanwhile: cancelled, or failed by the
    sweep after its lease ran out (ADR 0012). The caller then stops (``JobReport`` raises ``JobLeaseLost``).
    """
    fields: dict[str, Any] = {"done": done, "status": JobStatus.RUNNING, "lease_expires_at": _lease_until()}
    if total is not None:
        fields["total"] = total
    if message is not None:
        fields["message"] = message
    return bool(_updated_when_unlocked(Job.objects.filter(pk=job_id, status__in=UNFINISHED_JOB_STATUSES), **fields))


def job_heartbeat(*, job_id: int) -> bool:
    """Renew a running job's lease without other change; False if the job is not running any more."""
    return bool(
        _updated_when_unlocked(Job.objects.filter(pk=job_id, status=JobStatus.RUNNING), lease_expires_at=_lease_until())
    )


def _job_end(job_id: int, status: str, message: str, result: dict[str, Any]) -> bool:
    """End a job that has not finished yet (one swept or cancelled meanwhile keeps its outcome)."""
    return bool(
        _updated_when_unlocked(
            Job.objects.filter(pk=job_id, status__in=UNFINISHED_JOB_STATUSES),
            status=status,
            message=message,
            result=result,
            lease_expires_at=None,
        )
    )


def job_finish(*, job_id: int, result: dict[str, Any], message: str = "") -> bool:
    """Mark a job as succeeded with its result (not one that has finished already, e.g. swept)."""
    return _job_end(job_id, JobStatus.SUCCEEDED, message, result)


def job_fail(*, job_id: int, message: str, result: dict[str, Any] | None = None) -> bool:
    """Mark a job as failed, saying why in words the user can act on (not one that has finished already)."""
    return _job_end(job_id, JobStatus.FAILED, message, result or {})


def jobs_sweep_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Mark failed every running job whose lease has run out: its worker died (killed, out of memory,
    machine lost) without finishing it. Returns the ids of the jobs swept. One indexed UPDATE per job;
    a worker that is still alive renews its lease long before it runs out (ADR 0012), and a job that
    finishes meanwhile is left alone (the UPDATE is conditional on the expired lease)."""
    now = now or timezone.now()
    swept: list[int] = []
    stale = Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    for job_id, owner_language, lease in stale.values_list("pk", "owner__preferred_language", "lease_expires_at"):
        if lease is None:  # pragma: no cover - filtered on lease_expires_at < now
            continue
        last_sign_of_life = timezone.localtime(lease - dt.timedelta(seconds=job_lease_seconds()))
        with translation.override(owner_language or settings.LANGUAGE_CODE):
            message = _(
                "The background worker running this job stopped before it finished (last sign of life at "
                "%(time)s). Steps it had not completed were not kept; please start the job again."
            ) % {"time": formats.date_format(last_sign_of_life, "DATETIME_FORMAT")}
        updated = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, lease_expires_at__lt=now).update(
            status=JobStatus.FAILED, message=message, lease_expires_at=None
        )
        if updated:
            logger.warning("background job %s swept: its worker's lease ran out at %s", job_id, lease.isoformat())
            swept.append(job_id)
    return swept


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
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.CANCELLED, message=message, result=result or {}, lease_expires_at=None
    )


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
