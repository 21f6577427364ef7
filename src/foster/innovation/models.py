"""Open innovation: startups' solution profiles, challenges posted by large companies, public
bodies and agencies, and startups' proposals to them (issue 6; docs/matching.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.core.i18n import in_language
from foster.innovation.choices import ChallengeState, Confidentiality, ProposalState
from foster.registry.choices import Region


class StartupProfile(models.Model):
    """A company's solution profile, the text the matching index ranks; one per company, edited by
    the company's members. Free text is stored as typed and always rendered escaped."""

    company = models.OneToOneField("registry.Company", on_delete=models.CASCADE, related_name="startup_profile")
    solution_ko = models.TextField(_("solution (Korean)"), blank=True)
    solution_en = models.TextField(_("solution (English)"), blank=True)
    technology_tags = models.JSONField(_("technology tags"), default=list, blank=True)
    reference_customers = models.TextField(_("reference customers"), blank=True)
    sectors = models.JSONField(_("sectors served (KSIC sections)"), default=list, blank=True)
    regions = models.JSONField(_("regions served"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("startup profile")
        verbose_name_plural = _("startup profiles")

    def __str__(self) -> str:
        return self.company.name

    @property
    def solution(self) -> str:
        return in_language(self.solution_ko, self.solution_en)


class Challenge(models.Model):
    """A problem posted for startups by a company (a large company or public body, through one of its
    members) or by an agency; open challenges take proposals. Invited-only challenges are seen by
    their owner and the invited startups only."""

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    data_available = models.TextField(_("data available"), blank=True)
    budget_krw = models.BigIntegerField(_("budget (KRW)"), null=True, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    sector = models.CharField(_("KSIC section"), max_length=1, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    state = models.CharField(_("state"), max_length=16, choices=ChallengeState.choices, default=ChallengeState.DRAFT)
    owner_company = models.ForeignKey(
        "registry.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="challenges"
    )
    owner_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="challenges"
    )
    invited_companies = models.ManyToManyField("registry.Company", blank=True, related_name="challenge_invitations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_company__isnull=False, owner_agency__isnull=True)
                | models.Q(owner_company__isnull=True, owner_agency__isnull=False),
                name="innovation_challenge_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        if self.owner_company is not None:
            return self.owner_company.name
        agency = self.owner_agency
        return in_language(agency.name_ko, agency.name_en) if agency is not None else ""


class Proposal(models.Model):
    """A startup's proposal to an open challenge; the challenge's owner shortlists, selects or rejects it."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="proposals")
    company = models.ForeignKey("registry.Company", on_delete=models.CASCADE, related_name="proposals")
    approach = models.TextField(_("approach"))
    price_krw = models.BigIntegerField(_("price (KRW)"))
    duration_weeks = models.PositiveIntegerField(_("duration (weeks)"))
    state = models.CharField(_("state"), max_length=16, choices=ProposalState.choices, default=ProposalState.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "company"], name="innovation_one_proposal_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.challenge}"
