"""Open innovation: startups' solution profiles, challenges posted by large companies, public
bodies and agencies, and startups' proposals to them (issue 6; docs/matching.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.core.i18n import in_language
from foster.innovation.choices import (
    ChallengeState,
    Confidentiality,
    MilestoneState,
    PocOutcome,
    PocState,
    ProposalState,
)
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


class ProposalEvaluation(models.Model):
    """One evaluator's scores of one proposal on the open-innovation rubric (``services.PROPOSAL_RUBRIC``):
    an evaluator is someone on the challenge owner's side. The scores feed the reviews' scoring engine
    (bias-normalised when several evaluators score) and the selection engine's suggestion."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(_("criterion scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]
        verbose_name = _("proposal evaluation")
        verbose_name_plural = _("proposal evaluations")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "evaluator"], name="innovation_one_evaluation_per_evaluator")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.evaluator_id})"


class PocProject(models.Model):
    """The proof-of-concept project of a selected proposal: the challenge's owner and the startup run
    it through milestones with deliverables to an outcome. Created with the selection, in the same
    transaction (``proposal_decide``)."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="project")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="projects")
    company = models.ForeignKey("registry.Company", on_delete=models.PROTECT, related_name="poc_projects")
    state = models.CharField(_("state"), max_length=16, choices=PocState.choices, default=PocState.PLANNED)
    budget_krw = models.BigIntegerField(_("agreed budget (KRW)"))
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("planned end date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=PocOutcome.choices, blank=True)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)
    results = models.TextField(_("measured results"), blank=True)
    stop_reason = models.TextField(_("reason for stopping"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proof-of-concept project")
        verbose_name_plural = _("proof-of-concept projects")
        indexes = [models.Index(fields=["state"], name="innovation_poc_state_idx")]

    def __str__(self) -> str:
        return f"{self.challenge.title} – {self.company.name}"


class PocMilestone(models.Model):
    """A step of a proof of concept with its deliverable: submitted by the startup (a note and an
    optional file, checked by content), accepted or returned with feedback by the challenge's owner."""

    project = models.ForeignKey(PocProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    deliverable = models.TextField(_("deliverable"), help_text=_("What will be handed over at this milestone."))
    due_on = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=16, choices=MilestoneState.choices, default=MilestoneState.PLANNED)
    submission_note = models.TextField(_("submission note"), blank=True)
    file = models.FileField(_("deliverable file"), upload_to="poc/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_content_type = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback = models.TextField(_("feedback"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class SuccessCase(models.Model):
    """The public story of a proof of concept that achieved its goal, in Korean and English. It is
    published on the portal only while both sides consent; any change of its text withdraws both
    consents, so nobody is published with words they did not approve."""

    project = models.OneToOneField(PocProject, on_delete=models.CASCADE, related_name="success_case")
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    owner_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_consent_at = models.DateTimeField(_("owner's consent"), null=True, blank=True)
    startup_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    startup_consent_at = models.DateTimeField(_("startup's consent"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("success case")
        verbose_name_plural = _("success cases")
        indexes = [models.Index(fields=["published_at"], name="innovation_case_published_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_ko, self.title_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_ko, self.summary_en)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
