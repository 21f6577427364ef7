"""Stable choice values of selection scenarios. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (not run yet)")
    QUEUED = "queued", _("Queued")
    SOLVED = "solved", _("Solved")
    FAILED = "failed", _("Failed")
    COMMITTED = "committed", _("Committed")


class OverrideDecision(models.TextChoices):
    IN = "in", _("Lock in")
    OUT = "out", _("Lock out")


class SolveStatus(models.TextChoices):
    """The engine's ``SelectionStatus`` values, in words."""

    OPTIMAL = "optimal", _("optimal")
    FEASIBLE = "feasible", _("feasible, within the proven gap")
    INFEASIBLE = "infeasible", _("infeasible")
    TIME_LIMIT = "time_limit", _("stopped at the time limit")
