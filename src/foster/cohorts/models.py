"""Cohorts of accelerator and overseas programs, their startups, mentors and follow-on investments,
and the partner organisations (universities, institutes abroad) programs work with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from foster.cohorts.choices import PartnerKind, PartnerRole
from foster.core.i18n import in_language


class PartnerOrganisation(models.Model):
    """An organisation a program works with, often abroad (e.g. MIT for joint research)."""

    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    country = models.CharField(_("country (ISO 3166 code)"), max_length=2)
    city = models.CharField(_("city"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=PartnerKind.choices)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name_en", "id"]
        constraints = [models.UniqueConstraint(fields=["name_en", "country"], name="cohorts_partner_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ko, self.name_en)


class ProgramPartnership(models.Model):
    """A program works with a partner organisation in a role (joint research, expansion, mentoring)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="partnerships")
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="partnerships")
    role = models.CharField(_("role"), max_length=24, choices=PartnerRole.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("program partnership")
        verbose_name_plural = _("program partnerships")
        constraints = [
            models.UniqueConstraint(fields=["program", "partner", "role"], name="cohorts_partnership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program} × {self.partner} ({self.role})"


class Cohort(models.Model):
    """The startups selected in one call of an accelerator or overseas program, run together from
    ``starts_on`` to ``ends_on`` and presented at a demo day (abroad: with the host ``partner``)."""

    call = models.OneToOneField("programs.Call", on_delete=models.PROTECT, related_name="cohort")
    name_ko = models.CharField(_("Korean name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    demo_day_on = models.DateField(_("demo day"), null=True, blank=True)
    demo_day_venue = models.CharField(_("demo day venue"), max_length=200, blank=True)
    partner = models.ForeignKey(
        PartnerOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cohorts"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="cohorts_cohort_ends_after")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ko, self.name_en)


class CohortStartup(models.Model):
    """A startup of a cohort (from its selected application) and, once published, its success story."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="startups")
    company = models.ForeignKey("registry.Company", on_delete=models.PROTECT, related_name="cohort_places")
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    story_title = models.CharField(_("success story title"), max_length=200, blank=True)
    story = models.TextField(_("success story"), blank=True)
    story_published_at = models.DateTimeField(_("story published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort startup")
        verbose_name_plural = _("cohort startups")
        ordering = ["cohort", "company__name_ko", "id"]
        constraints = [models.UniqueConstraint(fields=["cohort", "company"], name="cohorts_startup_unique")]

    def __str__(self) -> str:
        return f"{self.company} @ {self.cohort}"


class Mentor(models.Model):
    """A mentor of a cohort: who, from where, in what."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="mentors")
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200)
    expertise = models.CharField(_("expertise"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["cohort", "name", "id"]

    def __str__(self) -> str:
        return self.name


class FollowOnInvestment(models.Model):
    """A round a cohort startup raised after the program; the AI fund's part is a finance transfer
    (``finance.services.fund_invest``) so the ledger and the AI fund monitor hold the money."""

    startup = models.ForeignKey(CohortStartup, on_delete=models.CASCADE, related_name="investments")
    round_name = models.CharField(_("round"), max_length=60)
    lead_investor = models.CharField(_("lead investor"), max_length=200)
    invested_on = models.DateField(_("invested on"))
    round_total_krw = models.BigIntegerField(_("round total (KRW)"))
    fund_program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="+")
    fund_amount_krw = models.BigIntegerField(_("from the AI fund (KRW)"))
    source = models.CharField(_("money of the fund"), max_length=16)
    transfer = models.OneToOneField("finance.Transfer", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-on investment")
        verbose_name_plural = _("follow-on investments")
        ordering = ["startup", "-invested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fund_amount_krw__gt=0) & Q(round_total_krw__gte=models.F("fund_amount_krw")),
                name="cohorts_investment_fund_within_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.startup} {self.round_name}"
