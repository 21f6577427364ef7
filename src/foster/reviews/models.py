"""The reviewer pool, conflicts of interest, assignments and score sheets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.accounts.models import Agency
from foster.applications.models import Application
from foster.programs.models import Call
from foster.registry.models import Company
from foster.reviews.choices import AssignmentRunStatus, AssignmentStatus, ConflictSource, ConstraintKind


class ReviewerProfile(models.Model):
    """An external expert in an agency's pool: expertise, availability, load limit.

    ``expertise_divisions`` are KSIC division codes; ``keywords`` technology terms;
    ``past_employers`` business registration numbers of companies the reviewer worked for.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewers")
    expertise_divisions = models.JSONField(_("expertise (KSIC divisions)"), default=list, blank=True)
    keywords = models.JSONField(_("technology keywords"), default=list, blank=True)
    past_employers = models.JSONField(_("past employers (registration numbers)"), default=list, blank=True)
    max_load = models.PositiveSmallIntegerField(_("maximum applications per call"), default=20)
    is_available = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("reviewer profile")
        verbose_name_plural = _("reviewer profiles")

    def __str__(self) -> str:
        return str(self.user)


class ConflictOfInterest(models.Model):
    """A reviewer may not review applications of this company (declared, detected or imported)."""

    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="conflicts")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="reviewer_conflicts")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "company", "source"], name="reviews_conflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ✕ {self.company}"


class AssignmentConstraint(models.Model):
    """An official's pin (must review) or forbid (must not review) for one call's assignment run."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignment_constraints")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=ConstraintKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment constraint")
        verbose_name_plural = _("assignment constraints")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="reviews_constraint_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.reviewer_id} → {self.application_id}"


class ReviewAssignment(models.Model):
    """A reviewer assigned to an application, with the expertise fit the optimizer used."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    fit = models.FloatField(_("expertise fit"), default=0.0)
    recusal_reason = models.TextField(_("recusal reason"), blank=True)
    reminded_at = models.DateTimeField(_("deadline reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="reviews_assignment_unique"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="reviews_assign_reviewer_idx")]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application_id}"


class ScoreSheet(models.Model):
    """A reviewer's scores on the call's rubric criteria, with comments. ``scores`` maps criterion
    key to the score on that criterion's scale; ``total`` is the weighted 0–100 score."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="score_sheet")
    scores = models.JSONField(_("scores"), default=dict)
    total = models.FloatField(_("weighted total (0–100)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.total}"


class AssignmentRun(models.Model):
    """One run of the assignment optimizer for a call: what it found and, when the constraints
    cannot all be met, the engine's diagnosis. ``issues`` is a list of
    ``{"code", "application_ids", "reviewer_ids", "params"}`` (codes from
    ``foster.engines.assignment.IssueCode``); pages translate them."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignment_runs")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=AssignmentRunStatus.choices)
    applications = models.PositiveIntegerField(_("applications"), default=0)
    reviewers = models.PositiveIntegerField(_("reviewers"), default=0)
    assignments_created = models.PositiveIntegerField(_("assignments created"), default=0)
    assignments_kept = models.PositiveIntegerField(_("assignments kept"), default=0)
    total_fit = models.FloatField(_("total expertise fit"), default=0.0)
    reviews_required = models.PositiveIntegerField(_("reviews required"), default=0)
    reviews_possible = models.PositiveIntegerField(_("reviews possible"), null=True, blank=True)
    issues = models.JSONField(_("issues"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.status}"
