"""Pages of open innovation under /innovation/: the dashboard (profiles, recommended challenges,
own challenges and proposals), challenges with their recommended startups, proposals, profiles.

Every object is read through a scoping selector (404 outside the scope); every write goes through
one service. Profile and challenge texts are user input and are rendered escaped."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.core.forms import service_errors_to_form
from foster.innovation.choices import ChallengeState
from foster.innovation.forms import ChallengeForm, ProposalForm, StartupProfileForm
from foster.innovation.models import Challenge, StartupProfile
from foster.innovation.permissions import company_ids_of
from foster.innovation.selectors import (
    challenge_open_queryset_for,
    challenge_owned_queryset_for,
    challenge_queryset_for,
    proposal_queryset_for,
)
from foster.innovation.services import (
    challenge_create,
    challenge_data_from,
    challenge_next_states,
    challenge_recommended_startups,
    challenge_transition,
    challenge_update,
    matching_index_rebuild_start,
    profile_quality_hints,
    profile_recommended_challenges,
    proposal_decide,
    proposal_next_states,
    proposal_submit,
    startup_profile_data_from,
    startup_profile_save,
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
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenge_create(user=request.user, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error, field_names={"invited_company_ids": "invited_companies"})
        else:
            messages.success(request, _("The challenge was saved as a draft. Open it to take proposals."))
            return redirect("innovation:challenge-detail", pk=challenge.pk)
    return render(request, "innovation/challenge_form.html", {"form": form, "is_new": True})


@login_required
@require_GET
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A challenge; for its owner also the recommended startups (with reasons) and the proposals."""
    challenge = _visible_challenge(request, pk)
    user = request.user
    is_owner = user.has_perm("innovation.change_challenge", challenge)
    proposals = list(proposal_queryset_for(user).filter(challenge=challenge))
    for proposal in proposals:
        proposal.next_states = proposal_next_states(proposal)  # type: ignore[attr-defined]
    context = {
        "challenge": challenge,
        "is_owner": is_owner,
        "recommendations": challenge_recommended_startups(challenge=challenge) if is_owner else [],
        "proposals": proposals,
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
    if request.method == "POST" and form.is_valid():
        try:
            challenge_update(user=request.user, challenge=challenge, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error, field_names={"invited_company_ids": "invited_companies"})
        else:
            messages.success(request, _("The challenge was saved."))
            return redirect("innovation:challenge-detail", pk=challenge.pk)
    return render(request, "innovation/challenge_form.html", {"form": form, "challenge": challenge})


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
