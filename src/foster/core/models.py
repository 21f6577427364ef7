"""Platform-wide records: the audit trail, the progress of background jobs and notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foster.core.audit_chain import chain_lock, chain_seal
from foster.core.choices import JobStatus, NotificationKind


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Audit events are appended, never changed: ``create`` and ``bulk_create`` add each new row to the
    hash chain (``foster.core.audit_chain``); ``update`` and ``delete`` are refused."""

    def create(self, **values: Any) -> AuditEvent:
        return self.bulk_create([self.model(**values)])[0]

    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> list[AuditEvent]:
        events = list(objs)
        if not events:
            return events
        with transaction.atomic(using=self.db):
            chain_lock(self.db)
            previous = self.order_by("-id").values_list("record_hash", flat=True).first() or ""
            for event in events:
                previous = chain_seal(event, previous)
            return super().bulk_create(events, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise AuditEventImmutableError(_("Audit events cannot be changed."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutableError(_("Audit events cannot be deleted."))


class AuditEventImmutableError(Exception):
    """Someone tried to change or delete an audit event."""


class AuditEvent(models.Model):
    """Who did what to which object, when and why. Append-only: never updated or deleted.

    Each row carries the SHA-256 of its content and of the row before it (``record_hash``,
    ``previous_hash``), so a changed, removed or inserted row breaks the chain that
    ``foster audit verify`` walks (docs/adr/0011-audit-hash-chain.md). On PostgreSQL a trigger
    refuses UPDATE and DELETE too. The actor cannot be deleted while their events exist (PROTECT):
    people who have acted are deactivated, not deleted.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    previous_hash = models.CharField(_("hash of the previous event"), max_length=64, blank=True, editable=False)
    record_hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refused: events are appended with ``AuditEvent.objects.create`` (which chains them) and
        never changed afterwards."""
        raise AuditEventImmutableError(_("Audit events are appended with AuditEvent.objects.create and never changed."))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutableError(_("Audit events cannot be deleted."))


class Job(models.Model):
    """A long-running background task as the user sees it: what, whose, how far along, outcome.

    The task itself runs through the Django Tasks API; ``task_result_id`` links to it.
    """

    kind = models.CharField(_("kind"), max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("total steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # Set when the owner asks to stop; a task that can stop checks it between steps (JobReport.check_cancelled).
    cancel_requested_at = models.DateTimeField(_("cancellation requested at"), null=True, blank=True)
    # The running worker's lease (ADR 0012): renewed by every progress update and by the worker's
    # heartbeat; a running job whose lease has run out belongs to a worker that died, and the sweep
    # (``core.services.jobs_sweep_stale``) marks it failed.
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="core_job_lease_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}


class Notification(models.Model):
    """An in-app notice to one user (the same text may also have gone out by e-mail).

    Written only by ``core.services.notifications_send``, which honours the user's preferences.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class NotificationPreference(models.Model):
    """How one user wants one kind of notification. No row means both channels are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    by_email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in the application"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="core_notificationpreference_user_kind_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class DailyRun(models.Model):
    """The claim of one day's run of a daily background task (``core.schedule``).

    Whoever queues the run of ``name`` for ``day`` creates this row first; the unique constraint
    makes every other attempt (a second worker, a second chain, the start command run again) a
    no-op, so a daily task is queued once a day without cron.
    """

    name = models.CharField(_("task"), max_length=100)
    day = models.DateField(_("day"))
    run_after = models.DateTimeField(_("runs after"))
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="core_dailyrun_name_day_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
