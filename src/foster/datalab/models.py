"""The data creation LAB: uploaded tables (kept in the LAB, never downloadable), synthesis runs with their
synthetic file and report, data-sharing agreements with startups, and the log of every download."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foster.datalab.choices import (
    DatasetState,
    DeletionReason,
    PermittedUse,
    RunState,
    SynthesisMethod,
)


class Dataset(models.Model):
    """A table an SME uploaded. The original file stays in the LAB: no route serves it, and it is deleted
    on the owner's request or when ``retention_until`` has passed (the row stays, without the file).

    ``columns`` holds, per column: ``name``, ``inferred_kind``, ``kind`` (the owner may override it),
    ``personal_data`` (a ``PersonalDataKind`` or ""), ``personal_data_share``, ``handling`` (a
    ``PersonalDataHandling`` or "" when no personal data was found) and a ``summary`` for the profile.
    """

    owner_company = models.ForeignKey("registry.Company", on_delete=models.CASCADE, related_name="datasets")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    original = models.FileField(_("original file"), upload_to="datalab/originals/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    file_format = models.CharField(_("format"), max_length=16, blank=True)
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=DatasetState.choices, default=DatasetState.PROFILING)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    pseudonym_key = models.CharField(max_length=64, blank=True)
    profile_job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    retention_until = models.DateField(_("kept until"))
    original_deleted_at = models.DateTimeField(_("original deleted at"), null=True, blank=True)
    deletion_reason = models.CharField(_("why deleted"), max_length=16, choices=DeletionReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")

    def __str__(self) -> str:
        return self.title

    @property
    def has_original(self) -> bool:
        return self.state == DatasetState.READY and bool(self.original)

    @property
    def modelled_columns(self) -> list[dict[str, Any]]:
        return [column for column in self.columns if column.get("handling") != "drop"]


class SynthesisRun(models.Model):
    """One synthesis of a dataset: method, seed and parameters as run, the synthetic file, the report
    (``foster.engines.synthesis.pipeline``) and whether the release gate lets it be downloaded."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("method"), max_length=16, choices=SynthesisMethod.choices, default=SynthesisMethod.CART)
    rows = models.PositiveIntegerField(_("synthetic rows"))
    seed = models.BigIntegerField(_("seed"))
    epsilon = models.FloatField(_("ε (epsilon)"), null=True, blank=True)
    delta = models.FloatField(_("δ (delta)"), null=True, blank=True)
    rules = models.JSONField(_("business rules"), default=list, blank=True)
    condition = models.JSONField(_("conditional sampling"), default=dict, blank=True)
    target = models.CharField(_("column to predict"), max_length=200, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    message = models.TextField(_("message"), blank=True)
    synthetic_file = models.FileField(_("synthetic file"), upload_to="datalab/synthetic/%Y/%m/", blank=True)
    synthetic_sha256 = models.CharField(max_length=64, blank=True)
    synthetic_size_bytes = models.BigIntegerField(default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    release_allowed = models.BooleanField(_("release allowed"), default=False)
    fit_seconds = models.FloatField(null=True, blank=True)
    sample_seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("synthesis run")
        verbose_name_plural = _("synthesis runs")

    def __str__(self) -> str:
        return f"{self.dataset} #{self.pk} ({self.method})"

    @property
    def is_finished(self) -> bool:
        return self.state in {RunState.SUCCEEDED, RunState.FAILED, RunState.CANCELLED}

    @property
    def is_downloadable(self) -> bool:
        return self.state == RunState.SUCCEEDED and self.release_allowed and bool(self.synthetic_file)


class SharingAgreement(models.Model):
    """A data-sharing agreement: the owner SME lets a startup's members download one synthetic result for a
    stated purpose and permitted use, from ``starts_on`` to ``ends_on`` inclusive, unless revoked."""

    run = models.ForeignKey(SynthesisRun, on_delete=models.CASCADE, related_name="agreements")
    owner_company = models.ForeignKey("registry.Company", on_delete=models.CASCADE, related_name="+")
    recipient_company = models.ForeignKey(
        "registry.Company", on_delete=models.CASCADE, related_name="received_data_agreements"
    )
    purpose = models.TextField(_("purpose"))
    permitted_use = models.CharField(_("permitted use"), max_length=32, choices=PermittedUse.choices)
    conditions = models.TextField(_("further conditions"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.TextField(_("why revoked"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="datalab_agreement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(recipient_company=models.F("owner_company")),
                name="datalab_agreement_not_with_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_company} → {self.recipient_company}"

    def is_active(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on


class DownloadRecord(models.Model):
    """One download of a synthetic file: who, for which company, under which agreement (none for the owner)."""

    run = models.ForeignKey(SynthesisRun, on_delete=models.CASCADE, related_name="downloads")
    agreement = models.ForeignKey(
        SharingAgreement, null=True, blank=True, on_delete=models.SET_NULL, related_name="downloads"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    company = models.ForeignKey("registry.Company", null=True, on_delete=models.SET_NULL, related_name="+")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    downloaded_at = models.DateTimeField(_("downloaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    def __str__(self) -> str:
        return f"{self.run} ↓ {self.user}"
