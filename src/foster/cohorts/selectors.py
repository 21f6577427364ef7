"""Scoped reads of cohorts and partner organisations; the public success stories."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Sum

from foster.accounts.permissions import agency_ids_of, is_agency_official, is_ministry_planner
from foster.cohorts.choices import COHORT_PROGRAM_TYPES, SELECTED_STATUSES
from foster.cohorts.models import Cohort, CohortStartup, FollowOnInvestment, PartnerOrganisation
from foster.programs.choices import ProgramType
from foster.programs.models import Call, Program


def cohort_queryset_for(user: Any) -> QuerySet[Cohort]:
    """Every cohort for agency officials and ministry planners; nothing for anyone else."""
    if not (is_agency_official(user) or is_ministry_planner(user)):
        return Cohort.objects.none()
    return Cohort.objects.select_related("call__program__agency", "partner")


def cohort_calls_for(user: Any) -> QuerySet[Call]:
    """Calls of the official's agencies, of accelerator and overseas programs, without a cohort yet."""
    if not is_agency_official(user):
        return Call.objects.none()
    return (
        Call.objects.filter(
            program__agency_id__in=agency_ids_of(user),
            program__program_type__in=COHORT_PROGRAM_TYPES,
            cohort__isnull=True,
        )
        .select_related("program")
        .order_by("-closes_at")
    )


def selected_applications(call: Call) -> QuerySet[Any]:
    """The call's applications that were selected (or went on to an agreement)."""
    from foster.applications.models import Application

    return Application.objects.filter(call=call, status__in=SELECTED_STATUSES).select_related("company")


def fund_programs_for(user: Any) -> QuerySet[Program]:
    """Fund investment programs the official's agencies run (where they record investments)."""
    if not is_agency_official(user):
        return Program.objects.none()
    return Program.objects.filter(agency_id__in=agency_ids_of(user), program_type=ProgramType.FUND_INVESTMENT).order_by(
        "code"
    )


def partner_queryset() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.prefetch_related("partnerships__program")


def success_story_published_queryset() -> QuerySet[CohortStartup]:
    """Published success stories of cohort startups: the public portal's list (anyone may read)."""
    return (
        CohortStartup.objects.filter(story_published_at__isnull=False)
        .select_related("company", "cohort__call__program__agency", "cohort__partner")
        .order_by("-story_published_at", "-id")
    )


def follow_on_total_krw(startup: CohortStartup) -> int:
    return int(startup.investments.aggregate(total=Sum("round_total_krw"))["total"] or 0)


def cohort_investment_totals() -> dict[str, int]:
    """All follow-on rounds of cohort startups and the AI fund's part of them, in won."""
    totals = FollowOnInvestment.objects.aggregate(rounds=Sum("round_total_krw"), fund=Sum("fund_amount_krw"))
    return {"rounds_krw": int(totals["rounds"] or 0), "fund_krw": int(totals["fund"] or 0)}
