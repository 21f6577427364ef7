"""Demo data of the reviews app: reviewer pools, assignments and submitted scores on closed calls.

Deterministic from ``seed``. Runs after the programs and applications seeds: it uses the closed
calls that already have eligible applications, and changes nothing when there are none.
"""

from __future__ import annotations

import random

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import Agency, AgencyMembership, User
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.programs.models import Call
from foster.reviews.assignment import call_assign_reviewers
from foster.reviews.choices import AssignmentRunStatus, AssignmentStatus, ConstraintKind
from foster.reviews.models import AssignmentConstraint, ReviewAssignment, ReviewerProfile, ScoreSheet
from foster.reviews.services import REVIEWABLE_STATUSES, engine_rubric

DEMO_REVIEWER_EMAIL = "reviewer@demo.foster.kr"
REVIEWERS_PER_AGENCY = 12
SCORED_CALLS = 2
DEMO_REVIEWER_PINS = 4
DIVISIONS = ("26", "27", "28", "29", "58", "62", "63", "70", "72", "73")
KEYWORDS = ("AI", "비전", "vision", "스마트공장", "반도체", "데이터", "로봇", "NLP", "클라우드", "배터리", "바이오")


def _reviewer_profile(agency: Agency, *, email: str, name: str, rng: random.Random) -> ReviewerProfile:
    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name, "role": Role.REVIEWER})
    profile, created = ReviewerProfile.objects.get_or_create(user=user, defaults={"agency": agency})
    if created or not profile.expertise_divisions:
        profile.expertise_divisions = sorted(rng.sample(DIVISIONS, 2))
        profile.keywords = sorted(rng.sample(KEYWORDS, 3))
        profile.max_load = 40
        profile.save()
    return profile


def _official_of(agency_id: int) -> User | None:
    membership = (
        AgencyMembership.objects.filter(agency_id=agency_id, user__role=Role.AGENCY_OFFICIAL, user__is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def _closed_calls_with_applications() -> list[tuple[Call, User]]:
    """The first ``SCORED_CALLS`` closed calls with a rubric, an official and reviewable applications."""
    calls: list[tuple[Call, User]] = []
    reviewable = Application.objects.filter(call=OuterRef("pk"), status__in=REVIEWABLE_STATUSES)
    closed = Call.objects.filter(Exists(reviewable), closes_at__lt=timezone.now(), rubric__isnull=False)
    for call in closed.select_related("program", "rubric"):
        official = _official_of(call.program.agency_id)
        if official is not None:
            calls.append((call, official))
            if len(calls) == SCORED_CALLS:
                break
    return calls


@transaction.atomic
def reviews_seed(*, seed: int = 2026) -> int:
    """Reviewer pools, one assignment run and scores per closed call (idempotent: a call that already
    has assignments is left alone). Returns the number of score sheets submitted."""
    rng = random.Random(seed)  # nosec B311  # seeded generator for reproducible demo data, not a secret
    submitted = 0
    for call, official in _closed_calls_with_applications():
        if ReviewAssignment.objects.filter(application__call=call).exists():
            continue
        agency = call.program.agency
        pool = [
            _reviewer_profile(
                agency, email=f"reviewer{index:02d}@{agency.code}.demo.foster.kr", name=f"심사위원{index:02d}", rng=rng
            )
            for index in range(1, REVIEWERS_PER_AGENCY + 1)
        ]
        demo = _reviewer_profile(agency, email=DEMO_REVIEWER_EMAIL, name="최심사", rng=rng)
        if demo.agency_id == agency.pk:
            for application in Application.objects.filter(call=call, status=ApplicationStatus.ELIGIBLE).order_by("id")[
                :DEMO_REVIEWER_PINS
            ]:
                AssignmentConstraint.objects.get_or_create(
                    application=application,
                    reviewer=demo,
                    defaults={"call": call, "kind": ConstraintKind.PIN, "created_by": official},
                )
        run = call_assign_reviewers(user=official, call=call)
        if run.status != AssignmentRunStatus.OPTIMAL:
            continue
        rubric = engine_rubric(call)
        assert rubric is not None
        leniency = {profile.pk: rng.gauss(0, 0.8) for profile in [*pool, demo]}
        quality: dict[int, float] = {}
        now = timezone.now()
        assignments = ReviewAssignment.objects.filter(application__call=call).order_by("id")
        demo_left = 1  # leave one of the demo reviewer's sheets to be done
        for assignment in assignments:
            if assignment.reviewer_id == demo.pk and demo_left:
                demo_left -= 1
                continue
            base = quality.setdefault(assignment.application_id, rng.uniform(0.35, 0.9))
            scores = {}
            for criterion in rubric.criteria:
                share = min(1.0, max(0.0, base + rng.gauss(0, 0.08) + leniency.get(assignment.reviewer_id, 0) * 0.1))
                value = criterion.minimum + round(share * (criterion.maximum - criterion.minimum))
                scores[criterion.key] = float(value)
            ScoreSheet.objects.create(
                assignment=assignment,
                scores=scores,
                total=rubric.aggregate(scores),
                comment="데모 심사 의견",
                submitted_at=now,
            )
            assignment.status = AssignmentStatus.SUBMITTED
            assignment.save(update_fields=["status"])
            submitted += 1
    return submitted
