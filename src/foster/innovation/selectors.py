"""Reads of open innovation. Every list, detail and recommendation starts from these selectors, so
no path shows a draft or an invited-only challenge to someone outside it (deny by default)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from foster.accounts.permissions import agency_ids_of, is_agency_official
from foster.innovation.choices import ChallengeState, Confidentiality
from foster.innovation.models import Challenge, Proposal, StartupProfile
from foster.innovation.permissions import company_ids_of


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


def startup_profile_queryset() -> QuerySet[StartupProfile]:
    """Startup profiles are shown to signed-in users as recommendations (their solution is public
    information the startup wrote to be found); the recommendation views read them from here."""
    return StartupProfile.objects.select_related("company")
