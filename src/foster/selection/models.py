"""Selection scenarios: a call's (or several calls') candidates, the plan's constraints as an
official set them, the problem file given to ``foster.engines.selection`` and its result."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from foster.programs.models import Call
from foster.selection.choices import ScenarioStatus, SolveStatus


class SelectionScenario(models.Model):
    """One way of selecting the portfolio of ``call`` (and ``extra_calls`` of the same agency that
    share its budget).

    ``settings`` holds the constraints the official set (``services.ScenarioSettings``);
    ``overrides`` the committee's locks ``[{"application", "decision", "reason"}]``. A run stores
    the exact problem file (``problem``) and the engine's result file (``result``), so the
    selection can be re-run bit for bit with ``foster select``. Committing moves the applications
    through the workflow; a committed scenario, and every other scenario of its call, is read-only.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="selection_scenarios")
    extra_calls = models.ManyToManyField(Call, blank=True, related_name="shared_selection_scenarios")
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT)
    settings = models.JSONField(_("constraints"), default=dict)
    overrides = models.JSONField(_("committee overrides"), default=list, blank=True)
    problem = models.JSONField(_("problem file"), null=True, blank=True)
    result = models.JSONField(_("result file"), null=True, blank=True)
    solve_status = models.CharField(_("solver status"), max_length=16, blank=True, choices=SolveStatus.choices)
    objective = models.FloatField(_("total value"), null=True, blank=True)
    bound = models.FloatField(_("proven bound"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    committed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("selection scenario")
        verbose_name_plural = _("selection scenarios")
        ordering = ["call", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call"], condition=models.Q(status="committed"), name="selection_one_committed_per_call"
            ),
        ]

    def __str__(self) -> str:
        return self.name
