"""Scoped reads of education, consulting and the diagnostic, and the figures the KPI dashboard reads.

Scoping: every list and detail starts from one of the ``*_queryset_for(user)`` selectors (404 outside
the scope). Courses and sessions are public (the portal's course calendar).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from foster.accounts.permissions import agency_ids_of, is_agency_official, is_ministry_planner
from foster.learning.choices import ConsultingStatus, EnrolmentStatus
from foster.learning.models import (
    Consultant,
    ConsultingRequest,
    Course,
    CourseSession,
    Diagnostic,
    Enrolment,
)
from foster.learning.permissions import member_company_ids
from foster.learning.questionnaire import AREAS


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Scoping ----------------------------------------------------------------------------------


def diagnostic_queryset_for(user: Any) -> QuerySet[Diagnostic]:
    """Diagnostics of the user's companies only: a company's self-assessment is its own; officials
    and planners read the aggregates (``diagnostic_levels_by_segment``)."""
    if not _signed_in(user):
        return Diagnostic.objects.none()
    return Diagnostic.objects.filter(company_id__in=member_company_ids(user)).select_related("company")


def course_queryset() -> QuerySet[Course]:
    """Every course (public: the course calendar)."""
    return Course.objects.select_related("agency")


def session_queryset() -> QuerySet[CourseSession]:
    """Every session (public)."""
    return CourseSession.objects.select_related("course", "course__agency")


def session_calendar(
    *, since: dt.datetime | None = None, filters: Mapping[str, str] | None = None
) -> QuerySet[CourseSession]:
    """Sessions from ``since`` (default: today) on, by start; ``filters`` on the course: region,
    audience, delivery, level, area, topic (empty values are ignored). Online courses match any region."""
    start = since or timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    filters = filters or {}
    sessions = session_queryset().filter(starts_at__gte=start)
    for field in ("audience", "delivery", "level", "area", "topic"):
        if filters.get(field):
            sessions = sessions.filter(**{f"course__{field}": filters[field]})
    if filters.get("region"):
        sessions = sessions.filter(Q(course__region=filters["region"]) | Q(course__delivery="online"))
    return sessions.order_by("starts_at", "id")


def session_managed_queryset_for(user: Any) -> QuerySet[CourseSession]:
    """Sessions of courses run by the official's agencies."""
    if not is_agency_official(user):
        return CourseSession.objects.none()
    return session_queryset().filter(course__agency_id__in=agency_ids_of(user))


def enrolment_queryset_for(user: Any) -> QuerySet[Enrolment]:
    """A person's own enrolments; for officials also those of their agencies' courses."""
    if not _signed_in(user):
        return Enrolment.objects.none()
    scope = Q(user=user)
    if is_agency_official(user):
        scope |= Q(session__course__agency_id__in=agency_ids_of(user))
    return Enrolment.objects.filter(scope).select_related("session", "session__course", "user", "company")


def certificate_by_code(code: str) -> Enrolment | None:
    """The completed enrolment with this certificate code (public verification), or None."""
    text = "".join(character for character in (code or "").upper() if character.isalnum())
    if not text:
        return None
    return (
        Enrolment.objects.filter(certificate_code=text, status=EnrolmentStatus.COMPLETED)
        .select_related("session__course__agency", "user", "company")
        .first()
    )


def consulting_request_queryset_for(user: Any) -> QuerySet[ConsultingRequest]:
    """Requests of the user's companies, the requests assigned to the user as a consultant, the
    requests to the official's agencies; every request for a ministry planner (read only)."""
    if not _signed_in(user):
        return ConsultingRequest.objects.none()
    base = ConsultingRequest.objects.select_related("company", "agency", "consultant__user", "diagnostic")
    if is_ministry_planner(user):
        return base
    scope = Q(company_id__in=member_company_ids(user)) | Q(consultant__user=user)
    if is_agency_official(user):
        scope |= Q(agency_id__in=agency_ids_of(user))
    return base.filter(scope)


def consultant_queryset_for(user: Any) -> QuerySet[Consultant]:
    """The consultant pools of the official's agencies."""
    if not is_agency_official(user):
        return Consultant.objects.none()
    return Consultant.objects.filter(agency_id__in=agency_ids_of(user)).select_related("user", "agency")


def consultant_open_load(consultants: QuerySet[Consultant] | list[Consultant]) -> dict[int, int]:
    """Open (assigned, not closed) requests per consultant id."""
    ids = [consultant.pk for consultant in consultants]
    counts = Counter(
        ConsultingRequest.objects.filter(consultant_id__in=ids, status=ConsultingStatus.ASSIGNED).values_list(
            "consultant_id", flat=True
        )
    )
    return {pk: counts.get(pk, 0) for pk in ids}


def consulting_agencies() -> list[Any]:
    """Agencies with at least one active consultant: where a request can go."""
    from foster.accounts.models import Agency

    return list(Agency.objects.filter(consultants__is_active=True).distinct().order_by("code"))


def latest_diagnostic(company_id: int) -> Diagnostic | None:
    return Diagnostic.objects.filter(company_id=company_id).order_by("-created_at", "-id").first()


# --- Figures for the KPI dashboard and the public statistics -----------------------------------


def education_participants_by_year() -> dict[int, int]:
    """Completed enrolments (people who attended a session to the end and got a certificate), by
    the year of the session's start in Asia/Seoul."""
    rows = (
        Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED)
        .annotate(year=ExtractYear("session__starts_at", tzinfo=timezone.get_current_timezone()))
        .values_list("year", flat=True)
    )
    counts = Counter(int(year) for year in rows)
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class DiagnosticSegment:
    """Latest diagnostics of the companies of one sector (KSIC section) and size class."""

    ksic_section: str
    size_class: str
    companies: int
    mean_overall_level: float
    mean_area_levels: dict[str, float]
    overall_level_counts: dict[int, int]


def diagnostic_levels_by_segment(*, year: int | None = None) -> list[DiagnosticSegment]:
    """Each company's latest diagnostic (up to the end of ``year`` if given), grouped by KSIC section
    and size class: how many companies, their mean overall and per-area levels, and how many
    companies stand at each overall level. Sorted by section, then size class."""
    diagnostics = Diagnostic.objects.all()
    if year is not None:
        end = dt.datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
        diagnostics = diagnostics.filter(created_at__lt=end)
    latest: dict[int, dict[str, Any]] = {}
    for row in diagnostics.order_by("company_id", "created_at", "id").values(
        "company_id", "company__ksic_section", "company__size_class", "overall_level", "area_levels"
    ):
        latest[row["company_id"]] = dict(row)  # the last row per company wins
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for latest_row in latest.values():
        groups[(latest_row["company__ksic_section"], latest_row["company__size_class"])].append(latest_row)
    segments = []
    for (section, size_class), rows in sorted(groups.items()):
        count = len(rows)
        segments.append(
            DiagnosticSegment(
                ksic_section=section,
                size_class=size_class,
                companies=count,
                mean_overall_level=round(sum(row["overall_level"] for row in rows) / count, 2),
                mean_area_levels={
                    area: round(sum(int(row["area_levels"].get(area, 0)) for row in rows) / count, 2) for area in AREAS
                },
                overall_level_counts={
                    level: sum(1 for row in rows if row["overall_level"] == level) for level in range(1, 6)
                },
            )
        )
    return segments


def diagnostic_level_distribution() -> dict[int, int]:
    """How many companies stand at each overall level by their latest diagnostic (public statistics)."""
    totals = dict.fromkeys(range(1, 6), 0)
    for segment in diagnostic_levels_by_segment():
        for level, count in segment.overall_level_counts.items():
            totals[level] += count
    return totals


def consulting_figures() -> dict[str, Any]:
    """Requests by status and the mean satisfaction of closed requests with feedback."""
    by_status = Counter(ConsultingRequest.objects.values_list("status", flat=True))
    rated = [
        int(value)
        for value in ConsultingRequest.objects.filter(satisfaction__isnull=False).values_list("satisfaction", flat=True)
        if value is not None
    ]
    return {
        "by_status": {status: by_status.get(status, 0) for status in ConsultingStatus.values},
        "mean_satisfaction": round(sum(rated) / len(rated), 2) if rated else None,
        "rated": len(rated),
    }
