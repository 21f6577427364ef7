"""Review pages. Reviewers: their assignments, score sheets, expertise and conflicts. Officials:
their agency's reviewer pool, family firm lists, and per call the assignment run, its constraints
and the ranked list. Views parse input, call one service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.applications.choices import ApplicationStatus
from foster.applications.schema import localized
from foster.applications.selectors import application_answer_rows
from foster.core.forms import service_errors_to_form
from foster.programs.models import Call
from foster.programs.selectors import call_manage_queryset_for
from foster.reviews.assignment import call_assign_reviewers_enqueue, issue_sentence
from foster.reviews.choices import AssignmentStatus
from foster.reviews.forms import (
    ConflictDeclarationForm,
    ConstraintForm,
    ExpertiseForm,
    FamilyFirmImportForm,
    PoolAddForm,
    RecusalForm,
    ReviewerProfileForm,
    ScoreSheetForm,
)
from foster.reviews.importing import family_firm_import
from foster.reviews.models import AssignmentConstraint, ReviewAssignment, ReviewerProfile
from foster.reviews.selectors import (
    assignment_queryset_for_reviewer,
    call_ranking_report,
    conflicts_of,
    reviewer_pool_queryset_for,
    reviewer_profile_of,
)
from foster.reviews.services import (
    REVIEWABLE_STATUSES,
    assignment_constraint_remove,
    assignment_constraint_set,
    assignment_recuse,
    conflict_declare,
    reviewer_expertise_update,
    reviewer_pool_add,
    reviewer_profile_update,
    score_sheet_save,
)


def _apply_errors(form: Form, error: ValidationError) -> None:
    """Rubric criteria are the score sheet's ``score_<key>`` fields."""
    scores = {
        name.removeprefix("score_"): name
        for name in form.fields
        if name.startswith("score_") and name.removeprefix("score_") not in form.fields
    }
    service_errors_to_form(form, error, field_names=scores)


def _require(request: HttpRequest, permission: str, obj: Any = None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _own_assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    """The reviewer's assignment if they may see it; 404 otherwise (unassigned, conflicted, recused)."""
    assignment = assignment_queryset_for_reviewer(request.user).filter(pk=pk).first()
    if assignment is None:
        raise Http404(_("No such assignment."))
    return assignment


def _managed_call(request: HttpRequest, pk: int, permission: str) -> Call:
    """A call in the user's official area (404 outside it) that they may act on (403 otherwise)."""
    call = call_manage_queryset_for(request.user).filter(pk=pk).first()
    if call is None:
        raise Http404(_("No such call."))
    _require(request, permission, call)
    return call


# --- Reviewer pages ---------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request, "reviews.view_own_assignments")
    assignments = assignment_queryset_for_reviewer(request.user)
    return render(
        request,
        "reviews/dashboard.html",
        {"assignments": assignments, "profile": reviewer_profile_of(request.user)},
    )


def _score_rows(call: Call, sheet: Any) -> list[dict[str, Any]]:
    """A submitted sheet's scores under the rubric's criterion labels, in the rubric's order."""
    if sheet is None:
        return []
    criteria = list(call.rubric.criteria) if call.rubric else []
    return [
        {"label": localized(item, "label") or item["key"], "score": sheet.scores.get(item["key"])}
        for item in criteria
        if item["key"] in sheet.scores
    ]


def _score_sheet_page(
    request: HttpRequest, assignment: ReviewAssignment, *, form: ScoreSheetForm | None, recusal_form: RecusalForm
) -> HttpResponse:
    sheet = getattr(assignment, "score_sheet", None)
    return render(
        request,
        "reviews/score_sheet.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "answers": application_answer_rows(assignment.application),
            "sheet": sheet,
            "score_rows": _score_rows(assignment.application.call, sheet),
            "form": form,
            "recusal_form": recusal_form,
            "is_final": assignment.status != AssignmentStatus.ASSIGNED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    call = assignment.application.call
    criteria = list(call.rubric.criteria) if call.rubric else []
    sheet = getattr(assignment, "score_sheet", None)
    initial: dict[str, Any] = {}
    if sheet is not None:
        initial = {f"score_{key}": value for key, value in sheet.scores.items()}
        initial["comment"] = sheet.comment
    form = ScoreSheetForm(request.POST or None, initial=initial, criteria=criteria, language=get_language() or "ko")
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            score_sheet_save(
                user=request.user,
                assignment=assignment,
                scores=form.scores(),
                comment=form.cleaned_data.get("comment") or "",
                submit=submit,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your scores were submitted.") if submit else _("Your scores were saved."))
            return redirect("reviews:score-sheet", pk=assignment.pk)
    return _score_sheet_page(request, assignment, form=form, recusal_form=RecusalForm())


@login_required
@require_POST
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = RecusalForm(request.POST)
    if form.is_valid():
        try:
            assignment_recuse(user=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("You have recused yourself; the application was taken off your list."))
            return redirect("reviews:dashboard")
    return _score_sheet_page(request, assignment, form=None, recusal_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def expertise(request: HttpRequest) -> HttpResponse:
    _require(request, "reviews.change_own_profile")
    profile = reviewer_profile_of(request.user)
    form = ExpertiseForm(request.POST or None, initial=ExpertiseForm.initial_from(profile))
    if request.method == "POST" and form.is_valid():
        try:
            reviewer_expertise_update(user=request.user, data=form.to_data())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your expertise was saved."))
            return redirect("reviews:expertise")
    return render(request, "reviews/expertise.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest) -> HttpResponse:
    _require(request, "reviews.declare_conflict")
    form = ConflictDeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflict_declare(
                user=request.user,
                business_registration_number=form.cleaned_data["business_registration_number"],
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The conflict of interest was recorded."))
            return redirect("reviews:conflicts")
    profile = reviewer_profile_of(request.user)
    lines = conflicts_of(profile) if profile is not None else []
    return render(request, "reviews/conflicts.html", {"form": form, "conflicts": lines})


# --- Official pages: the pool -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pool(request: HttpRequest) -> HttpResponse:
    _require(request, "reviews.manage_pool")
    form = PoolAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            profile = reviewer_pool_add(user=request.user, email=form.cleaned_data["email"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The reviewer is in your pool."))
            return redirect("reviews:pool-reviewer", pk=profile.pk)
    reviewers = reviewer_pool_queryset_for(request.user)
    return render(request, "reviews/pool.html", {"form": form, "reviewers": reviewers})


@login_required
@require_http_methods(["GET", "POST"])
def pool_reviewer(request: HttpRequest, pk: int) -> HttpResponse:
    profile = reviewer_pool_queryset_for(request.user).filter(pk=pk).first()
    if profile is None:
        raise Http404(_("No such reviewer in your pool."))
    initial: dict[str, Any] = {
        **ExpertiseForm.initial_from(profile),
        "max_load": profile.max_load,
        "is_available": profile.is_available,
    }
    form = ReviewerProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reviewer_profile_update(
                user=request.user,
                profile=profile,
                data=form.to_data(),
                max_load=form.cleaned_data["max_load"],
                is_available=form.cleaned_data["is_available"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The reviewer's profile was saved."))
            return redirect("reviews:pool")
    return render(
        request, "reviews/pool_reviewer.html", {"form": form, "profile": profile, "conflicts": conflicts_of(profile)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def family_firm_import_view(request: HttpRequest) -> HttpResponse:
    _require(request, "reviews.import_family_firms")
    form = FamilyFirmImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = family_firm_import(user=request.user, content=form.cleaned_data["file"].read())
        if result.is_valid:
            messages.success(
                request,
                _("%(created)s conflicts were added, %(unchanged)s were already recorded.")
                % {"created": result.created, "unchanged": result.unchanged},
            )
            return redirect("reviews:pool")
    return render(request, "reviews/family_firm_import.html", {"form": form, "result": result})


# --- Official pages: a call's assignment and ranking ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk, "reviews.manage_call_reviews")
    if request.method == "POST":
        job = call_assign_reviewers_enqueue(user=request.user, call=call)
        return redirect("core:job-detail", pk=job.pk)
    run = call.assignment_runs.first()
    issues = [{**issue, "sentence": issue_sentence(issue)} for issue in (run.issues if run else [])]
    assignments = (
        ReviewAssignment.objects.filter(application__call=call)
        .select_related("application__company", "reviewer__user")
        .order_by("application_id", "reviewer_id")
    )
    return render(
        request,
        "reviews/call_assignment.html",
        {
            "call": call,
            "run": run,
            "issues": issues,
            "assignments": assignments[:2000],
            "application_count": call.applications.filter(status__in=REVIEWABLE_STATUSES).count(),
            "eligible_count": call.applications.filter(status=ApplicationStatus.ELIGIBLE).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_constraints(request: HttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk, "reviews.manage_call_reviews")
    form = ConstraintForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                assignment_constraint_remove(user=request.user, call=call, constraint_id=int(request.POST["remove"]))
                messages.success(request, _("The constraint was removed."))
                return redirect("reviews:call-constraints", pk=call.pk)
            if form.is_valid():
                assignment_constraint_set(
                    user=request.user,
                    call=call,
                    application_id=form.cleaned_data["application"],
                    reviewer_id=form.cleaned_data["reviewer"],
                    kind=form.cleaned_data["kind"],
                )
                messages.success(request, _("The constraint was saved; run the assignment again to apply it."))
                return redirect("reviews:call-constraints", pk=call.pk)
        except ValidationError as error:
            _apply_errors(form, error)
        except ValueError:  # ``remove`` is not a number
            form.add_error(None, _("No such constraint."))
    constraints = (
        AssignmentConstraint.objects.filter(call=call)
        .select_related("application__company", "reviewer__user")
        .order_by("application_id", "reviewer_id")
    )
    pool = ReviewerProfile.objects.filter(agency_id=call.program.agency_id).select_related("user").order_by("id")
    return render(
        request, "reviews/call_constraints.html", {"call": call, "form": form, "constraints": constraints, "pool": pool}
    )


@login_required
@require_GET
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk, "reviews.view_call_ranking")
    report = call_ranking_report(call)
    return render(request, "reviews/call_ranking.html", {"call": call, "report": report})
