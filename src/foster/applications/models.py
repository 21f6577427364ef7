"""Applications to calls, their answers and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.applications.choices import ApplicationStatus
from foster.programs.models import ApplicationForm, Call
from foster.registry.models import Company


class Application(models.Model):
    """A company's application to a call, answering one version of the call's form.

    ``status`` changes only through ``application_transition`` (the workflow table in workflow.py).
    ``eligibility`` keeps the last screening: a list of per-rule results with reason codes.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="applications")
    form = models.ForeignKey(ApplicationForm, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    title = models.CharField(_("project title"), max_length=300, blank=True)
    requested_amount_krw = models.BigIntegerField(_("requested amount (KRW)"), default=0)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    eligibility = models.JSONField(_("eligibility screening"), default=list, blank=True)
    is_eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["call", "status"], name="applications_call_status_idx"),
            # A call's list for its officials, newest submission first: the first page without sorting the call.
            models.Index(fields=["call", "-submitted_at", "-id"], name="applications_call_sent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "company"],
                condition=~models.Q(status="withdrawn"),
                name="applications_one_live_application_per_call",
            ),
            models.CheckConstraint(condition=models.Q(requested_amount_krw__gte=0), name="applications_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.call}"


class Attachment(models.Model):
    """A file attached to an answer. Its type was checked from its content; it is served only
    after a permission check (never from a public media URL)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.CharField(_("form field"), max_length=64)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "field_key", "id"]

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    """Every status change of an application: who, when, from, to, why, and whether it was an
    official's override (a skipped or reverted step). The applicant sees this history."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transition = models.CharField(_("transition"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ApplicationStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    is_override = models.BooleanField(_("override"), default=False)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"
