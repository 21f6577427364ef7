"""Pages of open innovation under /innovation/: the dashboard (profiles, recommended challenges,
own challenges and proposals), challenges with their recommended startups, proposals, profiles.

Every object is read through a scoping selector (404 outside the scope); every write goes through
one service. Profile and challenge texts are user input and are rendered escaped."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.core.forms import service_errors_to_form
from foster.core.ids import id_from_text
from foster.innovation.choices import ChallengeState, Confidentiality, MilestoneState, PocState
from foster.innovation.forms import (
    ChallengeForm,
    MilestoneDecisionForm,
    MilestoneForm,
    MilestoneSubmitForm,
    ProjectCompleteForm,
    ProjectStopForm,
    ProposalEvaluationForm,
    ProposalForm,
    StartupProfileForm,
    SuccessCaseForm,
    SuggestionForm,
)
from foster.innovation.models import Challenge, PocMilestone, PocProject, Proposal, ProposalEvaluation, StartupProfile
from foster.innovation.permissions import company_ids_of
from foster.innovation.selectors import (
    challenge_open_queryset_for,
    challenge_owned_queryset_for,
    challenge_queryset_for,
    poc_milestone_queryset_for,
    poc_project_queryset_for,
    proposal_queryset_for,
    startup_search,
)
from foster.innovation.services import (
    PUBLISHABLE_OUTCOMES,
    SuccessCaseData,
    challenge_create,
    challenge_data_from,
    challenge_invite,
    challenge_next_states,
    challenge_recommended_startups,
    challenge_transition,
    challenge_update,
    matching_index_rebuild_start,
    poc_milestone_add,
    poc_milestone_decide,
    poc_milestone_delete,
    poc_milestone_submit,
    poc_milestone_update,
    poc_project_complete,
    poc_project_start,
    poc_project_stop,
    profile_quality_hints,
    profile_recommended_challenges,
    proposal_criteria,
    proposal_decide,
    proposal_evaluate,
    proposal_next_states,
    proposal_ranking,
    proposal_selection_apply,
    proposal_selection_suggest,
    proposal_submit,
    startup_profile_data_from,
    startup_profile_save,
    success_case_consent,
    success_case_save,
)
from foster.registry.models import Company
from foster.registry.selectors import company_queryset_for


def _require_signed_in_area(request: HttpRequest) -> None:
    if not request.user.has_perm("innovation.view_innovation"):
        raise PermissionDenied


def _visible_challenge(request: HttpRequest, pk: int) -> Challenge:
    challenge = challenge_queryset_for(request.user).filter(pk=pk).first()
    if challenge is None:
        raise Http404(_("No such challenge."))
    return challenge


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Per company of the user: its profile, hints and recommended challenges; the user's own
    challenges and proposals; the open challenges the user may see."""
    _require_signed_in_area(request)
    user = request.user
    companies = Company.objects.filter(pk__in=company_ids_of(user)).order_by("name_ko")
    profiles = {
        profile.company_id: profile
        for profile in StartupProfile.objects.filter(company__in=companies).select_related("company")
    }
    startups = []
    for company in companies:
        profile = profiles.get(company.pk)
        startups.append(
            {
                "company": company,
                "profile": profile,
                "hints": profile_quality_hints(profile),
                "recommendations": profile_recommended_challenges(user=user, profile=profile) if profile else [],
            }
        )
    context = {
        "startups": startups,
        "own_challenges": challenge_owned_queryset_for(user),
        "open_challenges": challenge_open_queryset_for(user)[:50],
        "proposals": proposal_queryset_for(user).filter(company_id__in=company_ids_of(user)),
        "projects": poc_project_queryset_for(user),
        "can_add_challenge": user.has_perm("innovation.add_challenge"),
        "can_rebuild": user.has_perm("innovation.rebuild_index"),
    }
    return render(request, "innovation/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def challenge_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("innovation.add_challenge"):
        raise PermissionDenied
    form = ChallengeForm(request.POST or None, initial={"confidentiality": "public"})
    if "find_startups" in request.POST:  # the search button of the invited startups, without JavaScript
        return _challenge_form_page(request, form, {"is_new": True})
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenge_create(user=request.user, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error, field_names={"invited_company_ids": "invited_companies"})
        else:
            messages.success(request, _("The challenge was saved as a draft. Open it to take proposals."))
            return redirect("innovation:challenge-detail", pk=challenge.pk)
    return _challenge_form_page(request, form, {"is_new": True})


def _challenge_form_page(request: HttpRequest, form: ChallengeForm, context: dict[str, object]) -> HttpResponse:
    query = request.POST.get("startup_q", "") if request.method == "POST" else ""
    found = startup_search(query) if "find_startups" in request.POST else []
    context = {**context, "form": form, "startup_q": query, "found_startups": found, "searched": bool(query)}
    return render(request, "innovation/challenge_form.html", context)


@login_required
@require_GET
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A challenge; for its owner also the recommended startups (with reasons) and the proposals."""
    challenge = _visible_challenge(request, pk)
    user = request.user
    is_owner = user.has_perm("innovation.change_challenge", challenge)
    proposals = list(proposal_queryset_for(user).filter(challenge=challenge).select_related("project"))
    for proposal in proposals:
        proposal.next_states = proposal_next_states(proposal)  # type: ignore[attr-defined]
    ranking = {row.proposal.pk: row for row in proposal_ranking(challenge=challenge)} if is_owner else {}
    for proposal in proposals:
        proposal.rank_row = ranking.get(proposal.pk)  # type: ignore[attr-defined]
    recommendations = challenge_recommended_startups(challenge=challenge) if is_owner else []
    invited = set(challenge.invited_companies.values_list("pk", flat=True)) if is_owner else set()
    context = {
        "challenge": challenge,
        "is_owner": is_owner,
        "recommendations": recommendations,
        "is_invited_only": challenge.confidentiality == Confidentiality.INVITED,
        "invited_ids": invited,
        "proposals": proposals,
        "projects": list(poc_project_queryset_for(user).filter(challenge=challenge)),
        "suggestion_form": SuggestionForm(),
        "can_propose": (
            challenge.state == ChallengeState.OPEN
            and user.has_perm("innovation.add_proposal", challenge)
            and not any(proposal.company_id in company_ids_of(user) for proposal in proposals)
        ),
        "next_states": challenge_next_states(challenge) if is_owner else [],
        "state_labels": dict(ChallengeState.choices),
    }
    return render(request, "innovation/challenge_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _visible_challenge(request, pk)
    if not request.user.has_perm("innovation.change_challenge", challenge):
        raise PermissionDenied
    form = ChallengeForm(request.POST or None, initial=ChallengeForm.initial_from(challenge_data_from(challenge)))
    if "find_startups" in request.POST:
        return _challenge_form_page(request, form, {"challenge": challenge})
    if request.method == "POST" and form.is_valid():
        try:
            challenge_update(user=request.user, challenge=challenge, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error, field_names={"invited_company_ids": "invited_companies"})
        else:
            messages.success(request, _("The challenge was saved."))
            return redirect("innovation:challenge-detail", pk=challenge.pk)
    return _challenge_form_page(request, form, {"challenge": challenge})


@login_required
@require_POST
def challenge_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, close or reopen a challenge (its owner)."""
    challenge = _visible_challenge(request, pk)
    if not request.user.has_perm("innovation.change_challenge", challenge):
        raise PermissionDenied
    try:
        challenge_transition(user=request.user, challenge=challenge, to_state=request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The challenge's state was changed."))
    return redirect("innovation:challenge-detail", pk=challenge.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _visible_challenge(request, pk)
    if not request.user.has_perm("innovation.add_proposal", challenge):
        raise PermissionDenied
    companies = Company.objects.filter(pk__in=company_ids_of(request.user)).exclude(pk=challenge.owner_company_id or 0)
    form = ProposalForm(request.POST or None, companies=companies.order_by("name_ko"))
    if request.method == "POST" and form.is_valid():
        try:
            proposal_submit(
                user=request.user, challenge=challenge, company=form.cleaned_data["company"], data=form.to_data()
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("Your proposal was submitted."))
            return redirect("innovation:challenge-detail", pk=challenge.pk)
    return render(request, "innovation/proposal_form.html", {"form": form, "challenge": challenge})


@login_required
@require_POST
def proposal_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Shortlist, select or reject a proposal (the challenge's owner)."""
    proposal = proposal_queryset_for(request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("No such proposal."))
    if not request.user.has_perm("innovation.decide_proposal", proposal.challenge):
        raise PermissionDenied
    try:
        proposal_decide(user=request.user, proposal=proposal, to_state=request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The proposal's state was changed."))
    return redirect("innovation:challenge-detail", pk=proposal.challenge_id)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A company's startup profile (``pk``: the company), edited by its members."""
    company = company_queryset_for(request.user).filter(pk=pk).first()
    if company is None:
        raise Http404(_("No such company."))
    if not request.user.has_perm("innovation.change_startupprofile", company):
        raise PermissionDenied
    profile = StartupProfile.objects.filter(company=company).first()
    form = StartupProfileForm(
        request.POST or None, initial=StartupProfileForm.initial_from(startup_profile_data_from(profile))
    )
    if request.method == "POST" and form.is_valid():
        try:
            startup_profile_save(user=request.user, company=company, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The startup profile was saved."))
            return redirect("innovation:dashboard")
    context = {"form": form, "company": company, "hints": profile_quality_hints(profile)}
    return render(request, "innovation/profile_form.html", context)


@login_required
@require_POST
def index_rebuild(request: HttpRequest) -> HttpResponse:
    """Queue a full rebuild of the matching indexes (agency officials) and show its progress."""
    if not request.user.has_perm("innovation.rebuild_index"):
        raise PermissionDenied
    job = matching_index_rebuild_start(user=request.user)
    return redirect("core:job-detail", pk=job.pk)


@login_required
@require_GET
def startup_search_view(request: HttpRequest) -> HttpResponse:
    """Startups to invite, by name or registration number (htmx fragment of checkboxes; challenge posters)."""
    if not request.user.has_perm("innovation.add_challenge"):
        raise PermissionDenied
    query = request.GET.get("startup_q", "")
    context = {"found_startups": startup_search(query), "startup_q": query, "searched": len(query.strip()) >= 2}
    return render(request, "innovation/_startup_results.html", context)


@login_required
@require_POST
def challenge_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite one startup (e.g. a recommended one) to an invited-only challenge (its owner)."""
    challenge = _visible_challenge(request, pk)
    if not request.user.has_perm("innovation.change_challenge", challenge):
        raise PermissionDenied
    company = Company.objects.filter(pk=_int_or_none(request.POST.get("company")) or 0).first()
    if company is None:
        messages.error(request, _("Choose a startup to invite."))
    else:
        try:
            added = challenge_invite(user=request.user, challenge=challenge, company=company)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                (_("%(company)s was invited.") if added else _("%(company)s was already invited."))
                % {"company": company.name},
            )
    return redirect("innovation:challenge-detail", pk=challenge.pk)


def _int_or_none(value: object) -> int | None:
    return id_from_text(value)


# --- Evaluating and selecting proposals ---------------------------------------------------------


def _visible_proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = proposal_queryset_for(request.user).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("No such proposal."))
    return proposal


@login_required
@require_http_methods(["GET", "POST"])
def proposal_evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in evaluator's scores of one proposal on the rubric (the challenge's owner side)."""
    proposal = _visible_proposal(request, pk)
    if not request.user.has_perm("innovation.evaluate_proposal", proposal.challenge):
        raise PermissionDenied
    existing = ProposalEvaluation.objects.filter(proposal=proposal, evaluator_id=request.user.pk).first()
    initial = {**existing.scores, "comment": existing.comment} if existing else {}
    form = ProposalEvaluationForm(request.POST or None, initial=initial, criteria=proposal_criteria())
    if request.method == "POST" and form.is_valid():
        try:
            proposal_evaluate(
                user=request.user, proposal=proposal, scores=form.scores(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("Your evaluation was saved."))
            return redirect("innovation:challenge-detail", pk=proposal.challenge_id)
    context = {"form": form, "proposal": proposal, "challenge": proposal.challenge}
    return render(request, "innovation/proposal_evaluate.html", context)


@login_required
@require_GET
def selection_suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    """The selection engine's suggestion: the evaluated proposals of greatest total score within the
    challenge's budget (and a number of projects), each with why it is in or out (owner only)."""
    challenge = _visible_challenge(request, pk)
    if not request.user.has_perm("innovation.decide_proposal", challenge):
        raise PermissionDenied
    form = SuggestionForm(request.GET or None)
    max_projects = form.cleaned_data.get("max_projects") if form.is_valid() else None
    suggestion = (
        proposal_selection_suggest(challenge=challenge, max_projects=max_projects)
        if form.is_valid() or not request.GET
        else None
    )
    rows = [
        row for row in proposal_ranking(challenge=challenge) if suggestion and row.proposal.pk in suggestion.reasons
    ]
    context = {
        "challenge": challenge,
        "form": form,
        "suggestion": suggestion,
        "rows": [
            {
                "row": row,
                "is_selected": row.proposal.pk in suggestion.selected_ids,
                "reason": suggestion.reasons[row.proposal.pk],
            }
            for row in rows
        ]
        if suggestion
        else [],
        "left_out": Proposal.objects.filter(pk__in=suggestion.left_out).select_related("company") if suggestion else [],
    }
    return render(request, "innovation/selection_suggestion.html", context)


@login_required
@require_POST
def selection_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Select the suggested proposals at once (the challenge's owner); each opens its project."""
    challenge = _visible_challenge(request, pk)
    if not request.user.has_perm("innovation.decide_proposal", challenge):
        raise PermissionDenied
    ids = [value for value in (_int_or_none(item) for item in request.POST.getlist("proposal")) if value is not None]
    try:
        count = proposal_selection_apply(
            user=request.user,
            challenge=challenge,
            proposal_ids=ids,
            reason=_("Selected as suggested: the greatest total score within the budget."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("innovation:selection-suggestion", pk=challenge.pk)
    messages.success(request, _("%(count)s proposals were selected; their projects are open.") % {"count": count})
    return redirect("innovation:challenge-detail", pk=challenge.pk)


# --- Proof-of-concept projects ------------------------------------------------------------------


def _visible_project(request: HttpRequest, pk: int) -> PocProject:
    project = poc_project_queryset_for(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404(_("No such project."))
    return project


def _visible_milestone(request: HttpRequest, pk: int) -> PocMilestone:
    milestone = poc_milestone_queryset_for(request.user).filter(pk=pk).first()
    if milestone is None:
        raise Http404(_("No such milestone."))
    return milestone


def _project_page(request: HttpRequest, project: PocProject, **forms: object) -> HttpResponse:
    user = request.user
    is_owner = user.has_perm("innovation.manage_project", project)
    is_startup = user.has_perm("innovation.deliver_project", project)
    case = getattr(project, "success_case", None)
    is_open = project.state in (PocState.PLANNED, PocState.RUNNING)
    context = {
        "project": project,
        "challenge": project.challenge,
        "milestones": list(project.milestones.all()),
        "is_owner": is_owner,
        "is_startup": is_startup,
        "is_open": is_open,
        "can_plan": is_open and user.has_perm("innovation.plan_project", project),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "decision_form": MilestoneDecisionForm(),
        "case": case,
        "may_write_case": project.state == PocState.COMPLETED and project.outcome in PUBLISHABLE_OUTCOMES,
        "side_consented": bool(
            case and ((is_owner and case.owner_consent_at) or (is_startup and not is_owner and case.startup_consent_at))
        ),
        "MilestoneState": {state.name: state.value for state in MilestoneState},
    }
    return render(request, "innovation/project_detail.html", context)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proof-of-concept project: its milestones and deliverables, its outcome and its success case."""
    return _project_page(request, _visible_project(request, pk))


@login_required
@require_POST
def project_start(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible_project(request, pk)
    if not request.user.has_perm("innovation.manage_project", project):
        raise PermissionDenied
    try:
        poc_project_start(user=request.user, project=project)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The project has started."))
    return redirect("innovation:project-detail", pk=project.pk)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible_project(request, pk)
    if not request.user.has_perm("innovation.plan_project", project):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            poc_milestone_add(user=request.user, project=project, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The milestone was added."))
            return redirect("innovation:project-detail", pk=project.pk)
    return _project_page(request, project, milestone_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Either side re-plans a milestone nothing was accepted for yet: title, deliverable, due date."""
    milestone = _visible_milestone(request, pk)
    if not request.user.has_perm("innovation.plan_project", milestone.project):
        raise PermissionDenied
    initial = {"title": milestone.title, "deliverable": milestone.deliverable, "due_on": milestone.due_on}
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            poc_milestone_update(user=request.user, milestone=milestone, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The milestone was saved."))
            return redirect("innovation:project-detail", pk=milestone.project_id)
    return render(request, "innovation/milestone_form.html", {"form": form, "milestone": milestone})


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    if not request.user.has_perm("innovation.plan_project", milestone.project):
        raise PermissionDenied
    try:
        poc_milestone_delete(user=request.user, milestone=milestone)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The milestone was removed."))
    return redirect("innovation:project-detail", pk=milestone.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The startup hands over a milestone's deliverable: a note and optionally a file."""
    milestone = _visible_milestone(request, pk)
    if not request.user.has_perm("innovation.deliver_project", milestone.project):
        raise PermissionDenied
    form = MilestoneSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            poc_milestone_submit(
                user=request.user,
                milestone=milestone,
                note=form.cleaned_data["note"],
                upload=form.cleaned_data.get("file"),
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The deliverable was submitted."))
            return redirect("innovation:project-detail", pk=milestone.project_id)
    context = {"form": form, "milestone": milestone, "project": milestone.project}
    return render(request, "innovation/milestone_submit.html", context)


@login_required
@require_POST
def milestone_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The challenge's owner accepts a deliverable or returns it with feedback."""
    milestone = _visible_milestone(request, pk)
    if not request.user.has_perm("innovation.manage_project", milestone.project):
        raise PermissionDenied
    form = MilestoneDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to return the deliverable."))
    else:
        try:
            poc_milestone_decide(
                user=request.user,
                milestone=milestone,
                accept=form.cleaned_data["decision"] == "accept",
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your decision on the deliverable was recorded."))
    return redirect("innovation:project-detail", pk=milestone.project_id)


@login_required
@require_GET
def milestone_file(request: HttpRequest, pk: int) -> FileResponse:
    """A deliverable's file, to either side of the project only, as a download."""
    milestone = _visible_milestone(request, pk)
    if not milestone.file:
        raise Http404(_("This deliverable has no file."))
    return FileResponse(
        milestone.file.open("rb"),
        as_attachment=True,
        filename=milestone.file_name,
        content_type=milestone.file_content_type or "application/octet-stream",
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_complete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible_project(request, pk)
    if not request.user.has_perm("innovation.manage_project", project):
        raise PermissionDenied
    form = ProjectCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poc_project_complete(user=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The project was completed."))
            return redirect("innovation:project-detail", pk=project.pk)
    context = {"form": form, "project": project, "action": "complete"}
    return render(request, "innovation/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_stop(request: HttpRequest, pk: int) -> HttpResponse:
    project = _visible_project(request, pk)
    if not request.user.has_perm("innovation.manage_project", project):
        raise PermissionDenied
    form = ProjectStopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poc_project_stop(user=request.user, project=project, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The project was stopped."))
            return redirect("innovation:project-detail", pk=project.pk)
    context = {"form": form, "project": project, "action": "stop"}
    return render(request, "innovation/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def success_case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or change the project's success case (either side); the other side then approves it."""
    project = _visible_project(request, pk)
    if not request.user.has_perm("innovation.plan_project", project):
        raise PermissionDenied
    case = getattr(project, "success_case", None)
    initial = (
        SuccessCaseData(case.title_ko, case.title_en, case.summary_ko, case.summary_en).__dict__
        if case
        else {"title_ko": project.challenge.title}
    )
    form = SuccessCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            success_case_save(user=request.user, project=project, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(
                request, _("The success case was saved. It is published once the other side approves it too.")
            )
            return redirect("innovation:project-detail", pk=project.pk)
    context = {"form": form, "project": project, "action": "case"}
    return render(request, "innovation/project_form.html", context)


@login_required
@require_POST
def success_case_consent_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give (``consent=yes``) or withdraw the consent of the user's side to publish the success case."""
    project = _visible_project(request, pk)
    case = getattr(project, "success_case", None)
    if case is None:
        raise Http404(_("This project has no success case yet."))
    if not request.user.has_perm("innovation.plan_project", project):
        raise PermissionDenied
    consent = request.POST.get("consent") == "yes"
    case = success_case_consent(user=request.user, case=case, consent=consent)
    if case.is_published:
        messages.success(request, _("Both sides approved: the success case is published on the portal."))
    elif consent:
        messages.success(request, _("Your approval was recorded; the case is published once the other side approves."))
    else:
        messages.success(request, _("Your approval was withdrawn; the case is not published."))
    return redirect("innovation:project-detail", pk=project.pk)
