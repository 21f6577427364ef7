"""Reads of the reviews app, scoped. Every reviewer-facing page and API query starts from
``application_queryset_for_reviewer`` or ``assignment_queryset_for_reviewer``: a reviewer sees
only applications assigned to them, not recused and free of any conflict of interest (declared,
imported or detected), whatever the assignment table says."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from foster.accounts.choices import Role
from foster.applications.models import Application
from foster.engines.scoring import CallRanking, ScoringReport, score_report
from foster.engines.scoring import ScoreSheet as EngineScoreSheet
from foster.programs.models import Call
from foster.registry.models import Company, CompanyMembership
from foster.reviews.choices import AssignmentStatus, ConflictSource
from foster.reviews.models import ConflictOfInterest, ReviewAssignment, ReviewerProfile, ScoreSheet

ACTIVE_ASSIGNMENT_STATUSES = (AssignmentStatus.ASSIGNED, AssignmentStatus.SUBMITTED)


def _is_active_reviewer(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.REVIEWER)


def reviewer_profile_of(user: Any) -> ReviewerProfile | None:
    """The reviewer's own profile, or None (not a reviewer, or not in any pool yet)."""
    if not _is_active_reviewer(user):
        return None
    return ReviewerProfile.objects.filter(user=user).first()


def _visible_applications(profile: ReviewerProfile) -> QuerySet[Application]:
    """Applications actively assigned to ``profile`` whose company the reviewer has no conflict
    with, checked in the same query: a declared or imported conflict, a membership of the company,
    or the company's registration number among the reviewer's past employers."""
    conflicted = Q(Exists(ConflictOfInterest.objects.filter(reviewer=profile, company_id=OuterRef("company_id")))) | Q(
        Exists(CompanyMembership.objects.filter(user_id=profile.user_id, company_id=OuterRef("company_id")))
    )
    if profile.past_employers:
        conflicted |= Q(company__business_registration_number__in=profile.past_employers)
    return Application.objects.filter(
        review_assignments__reviewer=profile, review_assignments__status__in=ACTIVE_ASSIGNMENT_STATUSES
    ).exclude(conflicted)


def application_queryset_for_reviewer(user: Any) -> QuerySet[Application]:
    """Applications assigned to ``user`` (assigned or scored, not recused) and free of conflict."""
    profile = reviewer_profile_of(user)
    if profile is None:
        return Application.objects.none()
    return _visible_applications(profile)


def assignment_queryset_for_reviewer(user: Any) -> QuerySet[ReviewAssignment]:
    """The reviewer's own active assignments on applications they may see."""
    profile = reviewer_profile_of(user)
    if profile is None:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(
            reviewer=profile,
            status__in=ACTIVE_ASSIGNMENT_STATUSES,
            application__in=_visible_applications(profile),
        )
        .select_related("application__call__rubric", "application__company", "score_sheet")
        .order_by("application__call__closes_at", "application_id")
    )


def reviewer_pool_queryset_for(user: Any) -> QuerySet[ReviewerProfile]:
    """Reviewer profiles an official manages: the pools of the agencies they work for."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.AGENCY_OFFICIAL):
        return ReviewerProfile.objects.none()
    return (
        ReviewerProfile.objects.filter(agency__memberships__user=user).select_related("user", "agency").order_by("id")
    )


@dataclass(frozen=True)
class ConflictLine:
    """One company a reviewer conflicts with, and why (for the reviewer's conflict page)."""

    company: Company
    source: str
    note: str = ""

    @property
    def source_label(self) -> str:
        return str(ConflictSource(self.source).label)


def conflicts_of(profile: ReviewerProfile) -> list[ConflictLine]:
    """Every conflict of the reviewer: stored ones (declared, family firm) and detected ones."""
    lines = [
        ConflictLine(conflict.company, conflict.source, conflict.note)
        for conflict in ConflictOfInterest.objects.filter(reviewer=profile).select_related("company").order_by("id")
    ]
    for membership in CompanyMembership.objects.filter(user_id=profile.user_id).select_related("company"):
        lines.append(ConflictLine(membership.company, ConflictSource.SAME_COMPANY))
    if profile.past_employers:
        for company in Company.objects.filter(business_registration_number__in=profile.past_employers):
            lines.append(ConflictLine(company, ConflictSource.PAST_EMPLOYMENT))
    return lines


def conflict_pairs(profiles: Iterable[ReviewerProfile], company_ids: set[int]) -> dict[tuple[int, int], str]:
    """``(reviewer profile id, company id) -> conflict source`` for the given reviewers and companies,
    in bulk: stored conflicts, memberships and past employers."""
    profiles = list(profiles)
    pairs: dict[tuple[int, int], str] = {}
    for reviewer_id, company_id, source in ConflictOfInterest.objects.filter(
        reviewer__in=profiles, company_id__in=company_ids
    ).values_list("reviewer_id", "company_id", "source"):
        pairs.setdefault((reviewer_id, company_id), source)
    profile_of_user = {profile.user_id: profile.pk for profile in profiles}
    for user_id, company_id in CompanyMembership.objects.filter(
        user_id__in=profile_of_user, company_id__in=company_ids
    ).values_list("user_id", "company_id"):
        pairs.setdefault((profile_of_user[user_id], company_id), ConflictSource.SAME_COMPANY)
    numbers = {number for profile in profiles for number in profile.past_employers}
    if numbers:
        company_of_number = dict(
            Company.objects.filter(business_registration_number__in=numbers, id__in=company_ids).values_list(
                "business_registration_number", "id"
            )
        )
        for profile in profiles:
            for number in profile.past_employers:
                if number in company_of_number:
                    pairs.setdefault((profile.pk, company_of_number[number]), ConflictSource.PAST_EMPLOYMENT)
    return pairs


# --- Ranking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankingLine:
    """One application on a call's ranked list, with every score the engine computed."""

    application: Application
    rank: int
    tied_with: tuple[int, ...]
    raw_mean: float
    raw_std: float
    raw_minimum: float
    raw_maximum: float
    count: int
    standardised_mean: float
    adjusted: float


@dataclass(frozen=True)
class LeniencyLine:
    reviewer: ReviewerProfile
    leniency: float
    mean: float
    std: float
    count: int
    method: str


@dataclass(frozen=True)
class CallRankingReport:
    """A call's ranked list (by the additive-model adjusted score) and its reviewers' leniency."""

    lines: tuple[RankingLine, ...]
    reviewers: tuple[LeniencyLine, ...]
    sheets: int
    residual_std: float | None


def call_ranking_report(call: Call) -> CallRankingReport:
    """Raw, standardised and adjusted scores and the ranking of ``call``'s submitted score sheets,
    all computed by ``foster.engines.scoring``. Each sheet enters with its stored 0–100 total
    (the rubric's weighted aggregate, computed by the same engine when it was submitted)."""
    rows = list(
        ScoreSheet.objects.filter(
            assignment__application__call=call,
            assignment__status=AssignmentStatus.SUBMITTED,
            submitted_at__isnull=False,
            total__isnull=False,
        ).values_list("assignment__application_id", "assignment__reviewer_id", "total")
    )
    if not rows:
        return CallRankingReport(lines=(), reviewers=(), sheets=0, residual_std=None)
    sheets = [EngineScoreSheet(application_id=app, reviewer_id=reviewer, total=total) for app, reviewer, total in rows]
    report: ScoringReport = score_report(sheets, call_of={app: call.pk for app, _reviewer, _total in rows})
    ranking: CallRanking = report.rankings[call.pk]
    by_application = {scores.application_id: scores for scores in report.applications}
    applications = Application.objects.select_related("company").in_bulk(
        [entry.application_id for entry in ranking.entries]
    )
    lines = []
    for entry in ranking.entries:
        scores = by_application[entry.application_id]
        lines.append(
            RankingLine(
                application=applications[int(entry.application_id)],
                rank=entry.rank,
                tied_with=tuple(int(other) for other in entry.tied_with),
                raw_mean=scores.raw.mean,
                raw_std=scores.raw.std,
                raw_minimum=scores.raw.minimum,
                raw_maximum=scores.raw.maximum,
                count=scores.raw.count,
                standardised_mean=scores.standardised.mean,
                adjusted=scores.adjusted,
            )
        )
    profiles = ReviewerProfile.objects.select_related("user").in_bulk([item.reviewer_id for item in report.reviewers])
    reviewers = tuple(
        LeniencyLine(
            reviewer=profiles[int(item.reviewer_id)],
            leniency=item.leniency,
            mean=item.scale.mean,
            std=item.scale.std,
            count=item.scale.count,
            method=str(item.scale.method),
        )
        for item in report.reviewers
    )
    return CallRankingReport(
        lines=tuple(lines), reviewers=reviewers, sheets=len(rows), residual_std=report.model.residual_std
    )
