"""Selection pages: a call's scenarios, a scenario's constraints and overrides, its run, result
and commit, and scenarios side by side. Views parse input, call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.core.forms import service_errors_to_form
from foster.core.ids import id_from_text
from foster.programs.models import Call
from foster.programs.selectors import call_manage_queryset_for
from foster.selection.forms import OverrideForm, ScenarioCreateForm, ScenarioForm
from foster.selection.models import SelectionScenario
from foster.selection.selectors import (
    committed_scenario_of,
    scenario_is_read_only,
    scenario_queryset_for,
    scenario_report,
    scenarios_compare,
)
from foster.selection.services import (
    ScenarioSettings,
    scenario_candidates,
    scenario_commit,
    scenario_create,
    scenario_override_remove,
    scenario_override_set,
    scenario_run_enqueue,
    scenario_update,
)


def _require(request: HttpRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _call(request: HttpRequest, pk: int, permission: str) -> Call:
    """A call in the user's officials' area (404 outside it) that they may act on (403 otherwise)."""
    call = call_manage_queryset_for(request.user).filter(pk=pk).first()
    if call is None:
        raise Http404(_("No such call."))
    _require(request, permission, call)
    return call


def _scenario(request: HttpRequest, pk: int, permission: str) -> SelectionScenario:
    scenario = scenario_queryset_for(request.user).filter(pk=pk).first()
    if scenario is None:
        raise Http404(_("No such scenario."))
    _require(request, permission, scenario.call)
    return scenario


SERVICE_FIELDS = {"extra_call_ids": "extra_calls"}


@login_required
@require_http_methods(["GET", "POST"])
def call_scenarios(request: HttpRequest, pk: int) -> HttpResponse:
    permission = "selection.manage_call_selection" if request.method == "POST" else "selection.view_call_selection"
    call = _call(request, pk, permission)
    form = ScenarioCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = scenario_create(user=request.user, call=call, name=form.cleaned_data["name"])
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The scenario was created with the plan's constraints; check them and run it."))
            return redirect("selection:scenario-detail", pk=scenario.pk)
    scenarios = SelectionScenario.objects.filter(call=call).select_related("job")
    return render(
        request,
        "selection/call_scenarios.html",
        {
            "call": call,
            "form": form,
            "scenarios": scenarios,
            "committed": committed_scenario_of(call.pk),
            "can_manage": request.user.has_perm("selection.manage_call_selection", call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permission = "selection.manage_call_selection" if request.method == "POST" else "selection.view_call_selection"
    scenario = _scenario(request, pk, permission)
    settings = ScenarioSettings.from_json(scenario.settings)
    form = ScenarioForm(
        request.POST or None, call=scenario.call, initial=ScenarioForm.initial_from(scenario.name, settings)
    )
    if request.method == "POST" and form.is_valid():
        try:
            scenario_update(
                user=request.user, scenario=scenario, name=form.cleaned_data["name"], settings=form.to_settings()
            )
        except ValidationError as error:
            service_errors_to_form(form, error, field_names=SERVICE_FIELDS)
        else:
            messages.success(request, _("The constraints were saved; run the scenario to see the portfolio."))
            return redirect("selection:scenario-detail", pk=scenario.pk)
    return _detail_page(request, scenario, form=form, override_form=OverrideForm())


def _detail_page(
    request: HttpRequest, scenario: SelectionScenario, *, form: ScenarioForm, override_form: OverrideForm
) -> HttpResponse:
    rows, unscored = scenario_candidates(scenario)
    return render(
        request,
        "selection/scenario_detail.html",
        {
            "call": scenario.call,
            "scenario": scenario,
            "form": form,
            "override_form": override_form,
            "candidate_count": len(rows),
            "candidate_money": sum(row.application.requested_amount_krw for row in rows),
            "unscored": unscored,
            "is_read_only": scenario_is_read_only(scenario),
            "can_manage": request.user.has_perm("selection.manage_call_selection", scenario.call),
        },
    )


@login_required
@require_POST
def scenario_override(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk, "selection.manage_call_selection")
    form = OverrideForm(request.POST)
    try:
        if request.POST.get("remove"):
            scenario_override_remove(user=request.user, scenario=scenario, application_id=int(request.POST["remove"]))
            messages.success(request, _("The override was removed; run the scenario again."))
            return redirect("selection:scenario-detail", pk=scenario.pk)
        if form.is_valid():
            scenario_override_set(
                user=request.user,
                scenario=scenario,
                application_id=form.cleaned_data["application"],
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The override was recorded; run the scenario again."))
            return redirect("selection:scenario-detail", pk=scenario.pk)
    except ValidationError as error:
        service_errors_to_form(form, error)
    except ValueError:
        form.add_error(None, _("No such override."))
    settings = ScenarioSettings.from_json(scenario.settings)
    detail_form = ScenarioForm(call=scenario.call, initial=ScenarioForm.initial_from(scenario.name, settings))
    return _detail_page(request, scenario, form=detail_form, override_form=form)


@login_required
@require_POST
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk, "selection.manage_call_selection")
    try:
        job = scenario_run_enqueue(user=request.user, scenario=scenario)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("selection:scenario-detail", pk=scenario.pk)
    return redirect("core:job-detail", pk=job.pk)


@login_required
@require_GET
def scenario_result(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk, "selection.view_call_selection")
    return _result_page(request, scenario, errors=[])


def _result_page(request: HttpRequest, scenario: SelectionScenario, *, errors: list[str]) -> HttpResponse:
    report = scenario_report(scenario) if scenario.result else None
    others = SelectionScenario.objects.filter(call_id=scenario.call_id).exclude(pk=scenario.pk).order_by("-id")
    return render(
        request,
        "selection/scenario_result.html",
        {
            "call": scenario.call,
            "scenario": scenario,
            "report": report,
            "errors": errors,
            "others": others,
            "is_read_only": scenario_is_read_only(scenario),
            "can_manage": request.user.has_perm("selection.manage_call_selection", scenario.call),
        },
    )


@login_required
@require_POST
def scenario_commit_view(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario(request, pk, "selection.manage_call_selection")
    if request.POST.get("confirm") != "yes":
        return _result_page(request, scenario, errors=[_("Tick the box to confirm the commit.")])
    try:
        plan = scenario_commit(user=request.user, scenario=scenario)
    except ValidationError as error:
        return _result_page(request, scenario, errors=list(error.messages))
    messages.success(
        request,
        _("Committed: %(selected)s selected, %(reserve)s on the reserve list, %(rejected)s not selected.")
        % {"selected": len(plan.selected), "reserve": len(plan.reserve), "rejected": len(plan.rejected)},
    )
    return redirect("selection:scenario-result", pk=scenario.pk)


@login_required
@require_GET
def call_compare(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk, "selection.view_call_selection")
    solved = SelectionScenario.objects.filter(call=call, result__isnull=False).order_by("id")
    chosen_ids = {number for value in request.GET.getlist("scenario") if (number := id_from_text(value)) is not None}
    chosen = [scenario for scenario in solved if scenario.pk in chosen_ids] if chosen_ids else list(solved)
    return render(
        request,
        "selection/call_compare.html",
        {"call": call, "solved": solved, "chosen_ids": {s.pk for s in chosen}, "comparison": scenarios_compare(chosen)},
    )
