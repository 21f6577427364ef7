"""The finance ledger: accounts, transfers of balanced entries in integer won, idempotency keys,
the per-company exposure counter, and the agreements (instruments) that money moves under.

Entries are append-only: nothing updates or deletes them; a mistake is corrected by a reversing
transfer. ``Account.posted_krw`` / ``pending_krw`` and ``CompanyExposure.total_krw`` are running
totals kept by ``finance.services`` in the same transaction as the entries, always with
``UPDATE ... SET x = x + amount`` (never read-modify-write); ``foster ledger reconcile``
recomputes them from the entries. See docs/finance.md and ADR 0006.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.finance.choices import (
    AccountKind,
    AgreementStatus,
    EntryPhase,
    Instrument,
    RepaymentMethod,
    ScheduleKind,
    TransferKind,
)
from foster.programs.eligibility import EXPOSURE_CAP_KRW
from foster.programs.models import Program
from foster.registry.choices import ImportStatus
from foster.registry.models import Company

DEFAULT_EXPOSURE_CAP_KRW = EXPOSURE_CAP_KRW
"""The plan's cap on loans and guarantees per company, across all programs and agencies (KRW 10 billion)."""


class ExposureCapGroup(models.Model):
    """A group of programs with its own per-company exposure cap (the default is KRW 10 billion)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    cap_krw = models.BigIntegerField(_("cap per company (KRW)"), default=DEFAULT_EXPOSURE_CAP_KRW)
    programs = models.ManyToManyField(Program, related_name="exposure_cap_groups", blank=True)

    class Meta:
        verbose_name = _("exposure cap group")
        verbose_name_plural = _("exposure cap groups")
        constraints = [models.CheckConstraint(condition=models.Q(cap_krw__gte=0), name="finance_cap_gte_0")]

    def __str__(self) -> str:
        return self.code


class Account(models.Model):
    """One account of the ledger, identified by ``code`` (kind, owner and source in one string).

    ``posted_krw`` and ``pending_krw`` are the sums of the account's posted and pending entries
    (debits positive, credits negative), kept up to date by the services.
    """

    code = models.CharField(_("code"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AccountKind.choices)
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=40, blank=True)
    posted_krw = models.BigIntegerField(_("posted balance (KRW)"), default=0)
    pending_krw = models.BigIntegerField(_("pending balance (KRW)"), default=0)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["company", "kind"], name="finance_account_company_idx"),
            models.Index(fields=["program", "kind"], name="finance_account_program_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def available_krw(self) -> int:
        return self.posted_krw + self.pending_krw


REFERENCE_MAX_LENGTH = 80


class Agreement(models.Model):
    """A loan, guarantee, grant or R&D agreement between a program and a company.

    Approving it reserves ``amount_krw`` (a pending transfer, ``reservation``); disbursements and
    issuance post from the reservation; cancellation voids what is left. A loan with a
    ``repayment_method`` has its schedule computed (``finance.schedules``) from ``starts_on``,
    ``term_months``, ``grace_months`` and the interest rate, and re-computed after an early repayment.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="finance_agreements")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="finance_agreements")
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    reference = models.CharField(_("reference"), max_length=REFERENCE_MAX_LENGTH, unique=True)
    amount_krw = models.BigIntegerField(_("amount (KRW)"))
    interest_rate_basis_points = models.PositiveIntegerField(_("interest rate (basis points a year)"), default=0)
    private_matched_krw = models.BigIntegerField(_("private investment matched (KRW)"), default=0)
    repayment_method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices, blank=True, default=""
    )
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=0)
    grace_months = models.PositiveSmallIntegerField(_("grace period (months)"), default=0)
    starts_on = models.DateField(_("loan starts on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AgreementStatus.choices)
    reservation = models.OneToOneField(
        "Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="reserved_agreement"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_krw__gt=0), name="finance_agreement_gt_0")]

    def __str__(self) -> str:
        return self.reference


class ScheduleItem(models.Model):
    """A planned disbursement or repayment of an agreement (the schedule; not itself money)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="schedule")
    kind = models.CharField(_("kind"), max_length=16, choices=ScheduleKind.choices)
    due_on = models.DateField(_("due on"))
    principal_krw = models.BigIntegerField(_("principal (KRW)"), default=0)
    interest_krw = models.BigIntegerField(_("interest (KRW)"), default=0)

    class Meta:
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        ordering = ["agreement", "due_on", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.agreement} {self.kind} {self.due_on}"


class Transfer(models.Model):
    """A set of balanced entries recorded together, under one idempotency key.

    ``pending_of`` names the reservation a posting or void settles; ``reverses`` the transfer a
    reversal undoes. ``exposure_delta_krw`` is the change to the company's exposure counter.
    """

    kind = models.CharField(_("kind"), max_length=24, choices=TransferKind.choices)
    amount_krw = models.BigIntegerField(_("amount (KRW)"))
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    pending_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="settlements")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    exposure_delta_krw = models.BigIntegerField(_("exposure change (KRW)"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["company", "kind"], name="finance_transfer_company_idx"),
            # The monitors: a year's approvals, the fund commitments (without reading the whole ledger).
            models.Index(fields=["kind", "created_at"], name="finance_transfer_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Entry(models.Model):
    """One line of a transfer: a signed amount on one account in one phase. Append-only."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    phase = models.CharField(_("phase"), max_length=8, choices=EntryPhase.choices)
    amount_krw = models.BigIntegerField(_("amount (KRW)"))

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["account", "phase"], name="finance_entry_account_idx")]

    def __str__(self) -> str:
        return f"{self.account} {self.phase} {self.amount_krw:+,}"


class IdempotencyKey(models.Model):
    """A client-supplied key and the hash of what was asked with it, and the first outcome:
    a transfer, or a refusal (``refusal_message``). A later request with the key gets that outcome
    again if it asks the same thing, and is refused if it asks something else."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    transfer = models.OneToOneField(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="idempotency_key"
    )
    refusal_message = models.TextField(_("refusal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return self.key


class CompanyExposure(models.Model):
    """The running total of a company's exposure (loans and guarantees, posted and pending, plus
    exposure imported from other agencies). Changed only by a conditional
    ``UPDATE ... SET total_krw = total_krw + amount WHERE total_krw + amount <= cap`` (ADR 0006)."""

    company = models.OneToOneField(Company, primary_key=True, on_delete=models.PROTECT, related_name="exposure")
    total_krw = models.BigIntegerField(_("exposure (KRW)"), default=0)

    class Meta:
        verbose_name = _("company exposure")
        verbose_name_plural = _("company exposures")
        # The monitors' league of the largest exposures reads this index from the top.
        indexes = [models.Index(fields=["-total_krw"], name="finance_exposure_total_idx")]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.total_krw:,}"


class ExposureImport(models.Model):
    """One file of other agencies' exposures, imported all or nothing.

    Uploaded on the page, the file is stored (``file``) and checked, then applied, by background
    jobs (``job``, the latest; ``status`` as the registry's company import; ``plan`` holds the
    counts and the bad rows). Imports made in one go (``finance.importing.exposure_import``) are
    recorded applied, without the file.
    """

    source = models.SlugField(_("reporting agency"), max_length=40)
    as_of = models.DateField(_("as of"))
    filename = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="finance/imports/%Y/%m/", blank=True)
    language = models.CharField(_("language of the messages"), max_length=8, default="ko")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.APPLIED)
    plan = models.JSONField(_("plan"), default=dict, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows = models.PositiveIntegerField(_("rows"), default=0)
    changed = models.PositiveIntegerField(_("companies changed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exposure import")
        verbose_name_plural = _("exposure imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.as_of}"
