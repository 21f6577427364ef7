from django.db import models
from django.utils.translation import gettext_lazy as _


class ConflictSource(models.TextChoices):
    DECLARED = "declared", _("Declared by the reviewer")
    SAME_COMPANY = "same_company", _("Member of the applicant company")
    PAST_EMPLOYMENT = "past_employment", _("Past employment")
    FAMILY_FIRM = "family_firm", _("Family firm list")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Score submitted")
    RECUSED = "recused", _("Recused")


class ConstraintKind(models.TextChoices):
    PIN = "pin", _("Must review")
    FORBID = "forbid", _("Must not review")


class AssignmentRunStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Every application covered")
    INFEASIBLE = "infeasible", _("Some applications cannot be covered")
