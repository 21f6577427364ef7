"""Pages of accelerator and overseas cohorts under /cohorts/ (agency officials and ministry planners).

Every cohort is read through ``cohort_queryset_for`` (404 outside the scope); every write goes
through one service; a refusal comes back on its form and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.accounts.permissions import agency_ids_of
from foster.cohorts.forms import CohortForm, DemoDayForm, InvestmentForm, MentorForm, PartnerForm, StoryForm
from foster.cohorts.models import Cohort, CohortStartup, PartnerOrganisation
from foster.cohorts.selectors import (
    cohort_calls_for,
    cohort_queryset_for,
    fund_programs_for,
    partner_queryset,
    selected_applications,
)
from foster.cohorts.services import (
    cohort_create,
    cohort_update,
    demo_day_set,
    follow_on_investment_record,
    mentor_add,
    partner_create,
    partner_update,
    program_partner_link,
    success_story_publish,
)
from foster.core.forms import service_errors_to_form
from foster.finance.ledger import IdempotencyConflict
from foster.programs.models import Program
from foster.programs.selectors import call_manage_queryset_for


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("cohorts.view_cohorts"):
        raise PermissionDenied


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    cohort = cohort_queryset_for(request.user).filter(pk=pk).first()
    if cohort is None:
        raise Http404(_("No such cohort."))
    return cohort


def _startup(request: HttpRequest, pk: int) -> CohortStartup:
    startup = (
        CohortStartup.objects.filter(pk=pk, cohort__in=cohort_queryset_for(request.user))
        .select_related("cohort__call__program", "company")
        .first()
    )
    if startup is None:
        raise Http404(_("No such cohort startup."))
    return startup


@login_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    cohorts = cohort_queryset_for(request.user).prefetch_related("startups")
    return render(
        request,
        "cohorts/cohort_list.html",
        {"cohorts": cohorts, "calls": cohort_calls_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_manage_queryset_for(request.user).filter(pk=pk).first()
    if call is None:
        raise Http404(_("No such call."))
    if not request.user.has_perm("cohorts.add_cohort", call):
        raise PermissionDenied
    partners = list(partner_queryset())
    form = CohortForm(
        request.POST or None, partners=partners, initial={"name_ko": call.title_ko, "name_en": call.title_en}
    )
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_create(user=request.user, call=call, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The cohort was formed from the call's selected startups."))
            return redirect("cohorts:cohort-detail", pk=cohort.pk)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"call": call, "form": form, "applications": selected_applications(call)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a cohort's names, period or host partner (officials of its agency)."""
    cohort = _cohort(request, pk)
    if not request.user.has_perm("cohorts.change_cohort", cohort):
        raise PermissionDenied
    initial = {
        "name_ko": cohort.name_ko,
        "name_en": cohort.name_en,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "partner": cohort.partner_id,
    }
    form = CohortForm(request.POST or None, partners=list(partner_queryset()), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort_update(user=request.user, cohort=cohort, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The cohort was saved."))
            return redirect("cohorts:cohort-detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_edit.html", {"cohort": cohort, "form": form})


def _detail_context(request: HttpRequest, cohort: Cohort, **forms: Any) -> dict[str, Any]:
    user = request.user
    can_change = user.has_perm("cohorts.change_cohort", cohort)
    funds = list(fund_programs_for(user))
    startups = list(cohort.startups.select_related("company").prefetch_related("investments"))
    for startup in startups:
        startup.story_form = forms.get(f"story_{startup.pk}") or StoryForm(  # type: ignore[attr-defined]
            initial={"title": startup.story_title, "story": startup.story}
        )
        startup.investment_form = forms.get(f"investment_{startup.pk}") or (  # type: ignore[attr-defined]
            InvestmentForm(funds=funds) if funds else None
        )
    return {
        "cohort": cohort,
        "startups": startups,
        "mentors": cohort.mentors.all(),
        "partnerships": cohort.call.program.partnerships.select_related("partner"),
        "can_change": can_change,
        "mentor_form": forms.get("mentor") or MentorForm(),
        "demo_day_form": forms.get("demo_day")
        or DemoDayForm(initial={"demo_day_on": cohort.demo_day_on, "venue": cohort.demo_day_venue}),
        "can_invest": bool(funds) and user.has_perm("cohorts.record_investment"),
    }


@login_required
@require_GET
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    return render(request, "cohorts/cohort_detail.html", _detail_context(request, cohort))


def _cohort_post(request: HttpRequest, cohort: Cohort, form: Any, key: str, work: Any, success: str) -> HttpResponse:
    if form.is_valid():
        try:
            work(form)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect("cohorts:cohort-detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_detail.html", _detail_context(request, cohort, **{key: form}))


@login_required
@require_POST
def mentor_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    if not request.user.has_perm("cohorts.change_cohort", cohort):
        raise PermissionDenied
    return _cohort_post(
        request,
        cohort,
        MentorForm(request.POST),
        "mentor",
        lambda form: mentor_add(user=request.user, cohort=cohort, **form.cleaned_data),
        _("The mentor was added."),
    )


@login_required
@require_POST
def demo_day_view(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    if not request.user.has_perm("cohorts.change_cohort", cohort):
        raise PermissionDenied
    return _cohort_post(
        request,
        cohort,
        DemoDayForm(request.POST),
        "demo_day",
        lambda form: demo_day_set(user=request.user, cohort=cohort, **form.cleaned_data),
        _("The demo day was set."),
    )


@login_required
@require_POST
def story_view(request: HttpRequest, pk: int) -> HttpResponse:
    startup = _startup(request, pk)
    if not request.user.has_perm("cohorts.change_cohort", startup.cohort):
        raise PermissionDenied
    return _cohort_post(
        request,
        startup.cohort,
        StoryForm(request.POST),
        f"story_{startup.pk}",
        lambda form: success_story_publish(user=request.user, startup=startup, **form.cleaned_data),
        _("The success story was saved."),
    )


@login_required
@require_POST
def investment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    startup = _startup(request, pk)
    if not request.user.has_perm("cohorts.record_investment"):
        raise PermissionDenied
    funds = list(fund_programs_for(request.user))
    if not funds:
        raise PermissionDenied
    form = InvestmentForm(request.POST, funds=funds)

    def record(form: InvestmentForm) -> None:
        try:
            follow_on_investment_record(user=request.user, startup=startup, data=form.to_data())
        except IdempotencyConflict as conflict:
            raise ValidationError(str(conflict)) from None

    return _cohort_post(
        request,
        startup.cohort,
        form,
        f"investment_{startup.pk}",
        record,
        _("The follow-on investment was recorded in the fund's ledger."),
    )


def _officials_programs(request: HttpRequest) -> list[Program]:
    """The programs of the official's agencies (a partner may be linked to one of them)."""
    return list(Program.objects.filter(agency_id__in=agency_ids_of(request.user)).order_by("code"))


def _partner_saved(
    request: HttpRequest, form: PartnerForm, programs: list[Program], save: Callable[[], PartnerOrganisation]
) -> bool:
    """Run ``save`` (create or update) and, when the form names a program, link the partner to it, in
    one transaction: both or neither. False with the refusal on the form."""
    try:
        with transaction.atomic():
            partner = save()
            program_id = form.cleaned_data.get("program")
            if program_id is not None:
                program = next(program for program in programs if program.pk == program_id)
                role = form.cleaned_data.get("role") or ""
                program_partner_link(user=request.user, program=program, partner=partner, role=role)
    except ValidationError as error:
        service_errors_to_form(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    """Partner organisations and the programs they work with; officials add one and link it."""
    _require_view(request)
    can_add = request.user.has_perm("cohorts.manage_partners")
    programs = _officials_programs(request) if can_add else []
    form = PartnerForm(request.POST or None, programs=programs)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid() and _partner_saved(
            request, form, programs, lambda: partner_create(user=request.user, data=form.to_data())
        ):
            messages.success(request, _("The partner organisation was added."))
            return redirect("cohorts:partner-list")
    return render(
        request, "cohorts/partner_list.html", {"partners": partner_queryset(), "form": form, "can_add": can_add}
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a partner organisation (any agency official: the list is shared), or link it to one of
    the official's programs."""
    _require_view(request)
    if not request.user.has_perm("cohorts.manage_partners"):
        raise PermissionDenied
    partner = partner_queryset().filter(pk=pk).first()
    if partner is None:
        raise Http404(_("No such partner organisation."))
    programs = _officials_programs(request)
    initial = {name: getattr(partner, name) for name in ("name_ko", "name_en", "country", "city", "kind", "website")}
    form = PartnerForm(request.POST or None, programs=programs, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _partner_saved(
            request, form, programs, lambda: partner_update(user=request.user, partner=partner, data=form.to_data())
        )
    ):
        messages.success(request, _("The partner organisation was saved."))
        return redirect("cohorts:partner-list")
    return render(request, "cohorts/partner_form.html", {"form": form, "partner": partner})
