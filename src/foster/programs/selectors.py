"""Reads of programs and calls. Every list, detail and API query starts from one of these
selectors so that no path skips the scoping (deny by default)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.permissions import agency_ids_of, is_agency_official
from foster.engines.eligibility import CompanyFacts, SectorIn, evaluate_rule
from foster.programs.eligibility import call_rules
from foster.programs.models import Call, Program
from foster.registry import ksic


def _official_agency_ids(user: Any) -> list[int]:
    if not is_agency_official(user):
        return []
    return list(agency_ids_of(user))


def program_queryset_for(user: Any) -> QuerySet[Program]:
    """Programs are public descriptions: every signed-in user reads them all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Program.objects.none()
    return Program.objects.select_related("agency")


def call_published_queryset(*, now: dt.datetime | None = None) -> QuerySet[Call]:
    """Calls that have opened (open or closed): what the public portal and applicants see."""
    now = now or timezone.now()
    return Call.objects.filter(opens_at__lte=now).select_related("program", "program__agency", "rubric")


def call_queryset_for(user: Any) -> QuerySet[Call]:
    """Calls ``user`` may read: published calls for every signed-in user, plus not yet opened
    calls for the officials of the owning agency and for ministry planners."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Call.objects.none()
    calls = Call.objects.select_related("program", "program__agency", "rubric")
    if user.role == Role.MINISTRY_PLANNER:
        return calls
    condition = Q(opens_at__lte=timezone.now())
    agency_ids = _official_agency_ids(user)
    if agency_ids:
        condition |= Q(program__agency_id__in=agency_ids)
    return calls.filter(condition)


def program_manage_queryset_for(user: Any) -> QuerySet[Program]:
    """Programs in the officials' area: the official's own agency's, every program for planners."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Program.objects.none()
    programs = Program.objects.select_related("agency")
    if user.role == Role.MINISTRY_PLANNER:
        return programs
    agency_ids = _official_agency_ids(user)
    if not agency_ids:
        return Program.objects.none()
    return programs.filter(agency_id__in=agency_ids)


def call_manage_queryset_for(user: Any) -> QuerySet[Call]:
    """Calls in the officials' area: those of the programs in ``program_manage_queryset_for``."""
    return Call.objects.filter(program__in=program_manage_queryset_for(user)).select_related(
        "program", "program__agency", "rubric"
    )


@dataclass(frozen=True)
class CallFilter:
    """The filters of the public list of open calls (also used by the API)."""

    query: str = ""
    policy_tag: str = ""
    ksic_section: str = ""
    program_type: str = ""
    agency: str = ""  # agency code
    closing_within_days: int | None = None


def _companies_of_section(section: str, *, on: dt.date) -> list[CompanyFacts]:
    """A company of each division of KSIC ``section`` (and one with the section only)."""
    divisions = [code for code, entry in ksic.divisions().items() if entry.section == section]
    return [CompanyFacts(reference_date=on, ksic_section=section, ksic_division=code) for code in [None, *divisions]]


def _sector_matches(call: Call, companies: list[CompanyFacts]) -> bool:
    """Whether some company of ``companies`` passes every sector rule of the call (no sector
    rule: any sector), as the eligibility engine decides."""
    return all(
        any(evaluate_rule(rule, company).passed for company in companies)
        for rule in call_rules(call)
        if isinstance(rule, SectorIn)
    )


def call_open_search(*, filters: CallFilter, now: dt.datetime | None = None) -> list[Call]:
    """Open calls matching ``filters``, closing soonest first.

    Policy tags and eligible sectors live in JSON; the handful of open calls is filtered in Python
    so that the same code runs on SQLite and PostgreSQL.
    """
    now = now or timezone.now()
    calls = call_published_queryset(now=now).filter(closes_at__gt=now)
    if filters.query.strip():
        query = filters.query.strip()
        calls = calls.filter(
            Q(title_ko__icontains=query)
            | Q(title_en__icontains=query)
            | Q(program__name_ko__icontains=query)
            | Q(program__name_en__icontains=query)
        )
    if filters.program_type:
        calls = calls.filter(program__program_type=filters.program_type)
    if filters.agency:
        calls = calls.filter(program__agency__code=filters.agency)
    if filters.closing_within_days is not None:
        calls = calls.filter(closes_at__lte=now + dt.timedelta(days=filters.closing_within_days))
    result = list(calls.order_by("closes_at", "id"))
    if filters.policy_tag:
        result = [call for call in result if filters.policy_tag in (call.program.policy_tags or [])]
    if filters.ksic_section:
        companies = _companies_of_section(filters.ksic_section, on=timezone.localdate(now))
        result = [call for call in result if _sector_matches(call, companies)]
    return result
