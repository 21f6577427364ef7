"""Reads of open innovation. Every list, detail and recommendation starts from these selectors, so
no path shows a draft or an invited-only challenge to someone outside it (deny by default)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from foster.accounts.permissions import agency_ids_of, is_agency_official
from foster.innovation.choices import ChallengeState, Confidentiality
from foster.innovation.models import Challenge, PocMilestone, PocProject, Proposal, StartupProfile, SuccessCase
from foster.innovation.permissions import company_ids_of
from foster.registry.models import Company


def _is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _owner_condition(user: Any) -> Q:
    """Challenges ``user`` owns: of one of their companies, or of their agency (officials)."""
    condition = Q(owner_company_id__in=company_ids_of(user))
    if is_agency_official(user):
        condition |= Q(owner_agency_id__in=agency_ids_of(user))
    return condition


def challenge_queryset_for(user: Any) -> QuerySet[Challenge]:
    """Challenges ``user`` may read: their own in every state; of others, open or closed ones that
    are public or to which one of the user's companies is invited."""
    if not _is_signed_in(user):
        return Challenge.objects.none()
    published = Q(state__in=[ChallengeState.OPEN, ChallengeState.CLOSED]) & (
        Q(confidentiality=Confidentiality.PUBLIC) | Q(invited_companies__in=company_ids_of(user))
    )
    return (
        Challenge.objects.filter(Q(pk__in=Challenge.objects.filter(published).values("pk")) | _owner_condition(user))
        .select_related("owner_company", "owner_agency")
        .distinct()
    )


def challenge_owned_queryset_for(user: Any) -> QuerySet[Challenge]:
    """The challenges ``user`` owns (their company's or their agency's)."""
    if not _is_signed_in(user):
        return Challenge.objects.none()
    return Challenge.objects.filter(_owner_condition(user)).select_related("owner_company", "owner_agency")


def challenge_open_queryset_for(user: Any) -> QuerySet[Challenge]:
    """Open challenges ``user`` may read (what a startup may propose to)."""
    return challenge_queryset_for(user).filter(state=ChallengeState.OPEN)


def proposal_queryset_for(user: Any) -> QuerySet[Proposal]:
    """Proposals ``user`` may read: their companies' own, and those made to challenges they own."""
    if not _is_signed_in(user):
        return Proposal.objects.none()
    owned = challenge_owned_queryset_for(user).values("pk")
    return Proposal.objects.filter(Q(company_id__in=company_ids_of(user)) | Q(challenge_id__in=owned)).select_related(
        "challenge", "company"
    )


def poc_project_queryset_for(user: Any) -> QuerySet[PocProject]:
    """Proof-of-concept projects ``user`` takes part in: of challenges they own, or carried out by
    one of their companies."""
    if not _is_signed_in(user):
        return PocProject.objects.none()
    owned = challenge_owned_queryset_for(user).values("pk")
    return PocProject.objects.filter(Q(company_id__in=company_ids_of(user)) | Q(challenge_id__in=owned)).select_related(
        "challenge", "challenge__owner_company", "challenge__owner_agency", "company", "proposal"
    )


def poc_milestone_queryset_for(user: Any) -> QuerySet[PocMilestone]:
    """Milestones of the projects ``user`` takes part in (and so their deliverable files)."""
    return PocMilestone.objects.filter(project__in=poc_project_queryset_for(user).values("pk")).select_related(
        "project", "project__challenge"
    )


def success_case_published_queryset() -> QuerySet[SuccessCase]:
    """Success cases both sides consented to publish: the public portal's list (anyone may read)."""
    return SuccessCase.objects.filter(published_at__isnull=False).select_related(
        "project__challenge__owner_company", "project__challenge__owner_agency", "project__company"
    )


def startup_profile_queryset() -> QuerySet[StartupProfile]:
    """Startup profiles are shown to signed-in users as recommendations (their solution is public
    information the startup wrote to be found); the recommendation views read them from here."""
    return StartupProfile.objects.select_related("company")


STARTUP_SEARCH_LIMIT = 20


def startup_search(query: str, *, limit: int = STARTUP_SEARCH_LIMIT) -> list[Company]:
    """Companies with a startup profile whose name (Korean or English) contains ``query``, or whose
    registration number starts with its digits; at most ``limit``, by name. Used to invite startups."""
    text = query.strip()
    if len(text) < 2:
        return []
    digits = "".join(character for character in text if character.isdigit())
    condition = Q(name_ko__icontains=text) | Q(name_en__icontains=text)
    if len(digits) >= 3 and len(digits) == len(text.replace("-", "")):
        condition |= Q(business_registration_number__startswith=digits)
    return list(Company.objects.filter(condition, startup_profile__isnull=False).order_by("name_ko", "pk")[:limit])
