from __future__ import annotations

import pytest

from foster.accounts.models import User
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment
from foster.reviews.seeding import DEMO_REVIEWER_EMAIL, reviews_seed
from foster.reviews.selectors import assignment_queryset_for_reviewer, call_ranking_report
from tests.reviews.factories import applications_of

pytestmark = pytest.mark.django_db


def test_reviews_seed_scores_a_closed_call_and_gives_the_demo_reviewer_work(official: User, call) -> None:  # type: ignore[no-untyped-def]
    applications_of(call, 6)

    submitted = reviews_seed(seed=7)

    demo = User.objects.get(email=DEMO_REVIEWER_EMAIL)
    mine = assignment_queryset_for_reviewer(demo)
    assert submitted == 6 * call.reviewers_per_application - 1
    assert mine.count() == 4
    assert mine.filter(status=AssignmentStatus.ASSIGNED).count() == 1
    assert len(call_ranking_report(call).lines) == 6
    assert reviews_seed(seed=7) == 0  # idempotent
    assert ReviewAssignment.objects.count() == 12
