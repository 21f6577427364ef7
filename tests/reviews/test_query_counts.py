"""The reviewer's pages of the load scenario (bench/load/) run a fixed number of queries: the
list of assignments, one score sheet, saving scores. Measured on the demo data set
(``tests.core.load_scenario``: a load reviewer with twenty assignments); the bounds are today's
counts, and a query per assignment would break them."""

from __future__ import annotations

import pytest

from foster.core.load_seeding import ASSIGNMENTS_PER_REVIEWER, load_reviewer_email
from foster.reviews.choices import AssignmentStatus
from foster.reviews.models import ReviewAssignment
from foster.reviews.services import engine_rubric
from tests.core.load_scenario import load_scenario_seed, queries_of, reviewer_client

pytestmark = pytest.mark.django_db

DASHBOARD = 7
SCORE_SHEET = 8
SAVE_SCORES = 15


def test_reviewer_pages_run_a_bounded_number_of_queries() -> None:
    load_scenario_seed()
    reviewer = reviewer_client()
    assignments = ReviewAssignment.objects.filter(reviewer__user__email=load_reviewer_email(0))
    assert 1 < assignments.count() <= ASSIGNMENTS_PER_REVIEWER
    dashboard, response = queries_of(reviewer, "get", "/reviews/")
    assert response.status_code == 200
    assignment = assignments.order_by("id").first()
    assert assignment is not None
    url = f"/reviews/assignments/{assignment.pk}/"
    opened, response = queries_of(reviewer, "get", url)
    assert response.status_code == 200
    rubric = engine_rubric(assignment.application.call)
    assert rubric is not None
    data = {f"score_{criterion.key}": str(criterion.minimum) for criterion in rubric.criteria}
    saved, response = queries_of(reviewer, "post", url, {**data, "comment": "보완 필요", "action": "save"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED  # saved, not submitted
    assert assignment.score_sheet.comment == "보완 필요"
    assert dashboard <= DASHBOARD
    assert opened <= SCORE_SHEET
    assert saved <= SAVE_SCORES
