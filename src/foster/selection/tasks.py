"""Background task of the selection app: a scenario run, with progress on a ``core.Job``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from foster.accounts.models import User
from foster.core.jobs import JobError, job_running
from foster.selection.choices import ScenarioStatus
from foster.selection.models import SelectionScenario


def _mark_failed(scenario_id: int) -> None:
    """A run that did not finish leaves the scenario failed (editable again), never queued."""
    SelectionScenario.objects.filter(pk=scenario_id, status=ScenarioStatus.QUEUED).update(status=ScenarioStatus.FAILED)


@task()
def scenario_run_task(job_id: int, scenario_id: int, user_id: int) -> None:
    """Run ``scenario_run`` for the official who queued it."""
    from foster.selection.services import ScenarioRunError, scenario_run

    with job_running(job_id) as report:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        scenario = SelectionScenario.objects.select_related("call__program").filter(pk=scenario_id).first()
        if user is None or scenario is None:
            raise JobError(_("The scenario or the person who started the run no longer exists."))
        report.result = {"next_url": reverse("selection:scenario-detail", args=[scenario_id]), "scenario": scenario_id}
        try:
            solved = scenario_run(user=user, scenario=scenario, progress=report)
        except (PermissionDenied, ScenarioRunError) as error:
            _mark_failed(scenario_id)
            raise JobError(str(error)) from None
        except Exception:
            _mark_failed(scenario_id)
            raise
        report.result = {"next_url": reverse("selection:scenario-result", args=[scenario_id]), "scenario": scenario_id}
        report.message = (
            _("No portfolio meets the constraints; see which ones conflict.")
            if solved.objective is None
            else _("The best portfolio was found.")
        )
