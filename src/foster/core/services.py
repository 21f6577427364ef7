"""Writes for platform-wide records: audit events and job progress."""

from __future__ import annotations

from typing import Any

from django.db import models

from foster.core.choices import JobStatus
from foster.core.models import AuditEvent, Job


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
