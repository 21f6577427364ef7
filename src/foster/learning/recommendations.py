"""What a diagnostic's result page recommends: open calls the company is eligible for (the call's
eligibility rules, evaluated by the same function as application screening, so the reasons are the
same sentences), courses for the weakest areas, and startups whose solutions match the problem the
owner typed (open innovation's matching service). Reads only; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from foster.applications.services import company_is_designated
from foster.innovation.services import Recommendation, recommend_for_text
from foster.learning.choices import CourseLevel, Delivery
from foster.learning.models import CourseSession, Diagnostic
from foster.learning.questionnaire import Result
from foster.learning.selectors import session_queryset
from foster.programs.choices import DocumentKind
from foster.programs.eligibility import RuleVerdict, application_eligibility, call_rules, rule_description
from foster.programs.models import Call
from foster.programs.selectors import call_published_queryset
from foster.registry.models import Company

# Rules that depend on the application itself (the amount asked, the documents attached) are
# checked when the company applies; before that they are shown as what the call will ask for.
CHECKED_WHEN_APPLYING = frozenset({"exposure_headroom_covers_request", "required_documents"})

COURSES_PER_AREA = 3
STARTUPS_SHOWN = 5
WEAK_AREAS_SHOWN = 2


@dataclass(frozen=True)
class CallEligibility:
    """One open call and the company's verdicts on the rules checked now; ``to_prepare`` describes
    the rules checked when applying (documents, the amount within the loan and guarantee limit)."""

    call: Call
    verdicts: tuple[RuleVerdict, ...]
    to_prepare: tuple[str, ...]

    @property
    def is_eligible(self) -> bool:
        return all(verdict.passed for verdict in self.verdicts)


def open_calls_eligibility(company: Company, *, now: dt.datetime | None = None) -> list[CallEligibility]:
    """Every open call with the company's verdicts, eligible calls first, then by closing date."""
    now = now or timezone.now()
    designated = company_is_designated(company)
    all_documents = frozenset(DocumentKind.values)
    found = []
    for call in call_published_queryset(now=now).filter(closes_at__gt=now).order_by("closes_at", "id"):
        report = application_eligibility(
            company=company, call=call, requested_amount_krw=0, document_kinds=all_documents, designated=designated
        )
        verdicts = tuple(verdict for verdict in report.verdicts if verdict.kind not in CHECKED_WHEN_APPLYING)
        to_prepare = tuple(
            rule_description(rule) for rule in call_rules(call) if getattr(rule, "kind", "") in CHECKED_WHEN_APPLYING
        )
        found.append(CallEligibility(call=call, verdicts=verdicts, to_prepare=to_prepare))
    found.sort(key=lambda item: (not item.is_eligible, item.call.closes_at, item.call.pk))
    return found


def course_level_for(area_level: int) -> str:
    """The course level that suits an area's level: beginner for 1-2, intermediate for 3, advanced for 4-5."""
    if area_level <= 2:
        return CourseLevel.BEGINNER
    if area_level == 3:
        return CourseLevel.INTERMEDIATE
    return CourseLevel.ADVANCED


@dataclass(frozen=True)
class AreaCourses:
    area: str
    level: int
    sessions: list[CourseSession]


def recommended_sessions(
    result: Result, company: Company, *, now: dt.datetime | None = None, areas: int = WEAK_AREAS_SHOWN
) -> list[AreaCourses]:
    """For each of the weakest ``areas``: upcoming sessions of courses on that area, the level that
    suits the area's level first, online or in the company's region, soonest first."""
    now = now or timezone.now()
    recommended = []
    for area in result.weakest_areas[:areas]:
        level = result.area_levels[area]
        wanted = course_level_for(level)
        candidates = list(
            session_queryset()
            .filter(course__area=area, starts_at__gt=now)
            .exclude(course__delivery=Delivery.ON_SITE, course__region__in=_other_regions(company))
            .order_by("starts_at", "id")[:50]
        )
        candidates.sort(key=lambda session: (session.course.level != wanted, session.starts_at, session.pk))
        chosen: list[CourseSession] = []
        seen_courses: set[int] = set()
        for session in candidates:
            if session.course_id in seen_courses:
                continue
            seen_courses.add(session.course_id)
            chosen.append(session)
            if len(chosen) == COURSES_PER_AREA:
                break
        recommended.append(AreaCourses(area=area, level=level, sessions=chosen))
    return recommended


def _other_regions(company: Company) -> list[str]:
    from foster.registry.choices import Region

    return [region for region in Region.values if region != company.region]


def matching_startups(diagnostic: Diagnostic, *, top: int = STARTUPS_SHOWN) -> list[Recommendation]:
    """Startups whose solutions match the problem the owner typed, with the reasons; the company
    itself left out. Empty when no problem was typed."""
    company = diagnostic.company
    return recommend_for_text(
        diagnostic.problem,
        sector=company.ksic_section,
        region=company.region,
        top=top,
        exclude_company_ids=[company.pk],
    )
