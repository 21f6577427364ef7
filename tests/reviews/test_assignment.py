"""The assignment service: k reviewers each, loads, conflicts, pins, forbids, infeasibility, re-runs."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from foster.accounts.models import User
from foster.applications.choices import ApplicationStatus
from foster.applications.models import StatusChange
from foster.core.models import AuditEvent
from foster.reviews.assignment import call_assign_reviewers, issue_sentence
from foster.reviews.choices import AssignmentRunStatus, AssignmentStatus, ConflictSource, ConstraintKind
from foster.reviews.models import AssignmentConstraint, ConflictOfInterest, ReviewAssignment
from foster.reviews.services import assignment_recuse, score_sheet_save
from tests.factories import AgencyFactory, AgencyMembershipFactory
from tests.reviews.factories import ReviewerProfileFactory, applications_of

pytestmark = pytest.mark.django_db


def _pairs(call) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return set(
        ReviewAssignment.objects.filter(application__call=call)
        .exclude(status=AssignmentStatus.RECUSED)
        .values_list("application_id", "reviewer_id")
    )


def test_every_application_gets_k_reviewers_within_loads_and_fit(official: User, call) -> None:  # type: ignore[no-untyped-def]
    applications = applications_of(call, 4)
    experts = [ReviewerProfileFactory(max_load=3, expertise_divisions=["26"], keywords=["vision"]) for _ in range(2)]
    outsiders = [ReviewerProfileFactory(max_load=3, expertise_divisions=["10"], keywords=["food"]) for _ in range(2)]
    ReviewerProfileFactory(agency__code="kodit")  # another agency's pool is never used
    ReviewerProfileFactory(is_available=False)

    run = call_assign_reviewers(user=official, call=call)

    pairs = _pairs(call)
    per_application = Counter(application for application, _reviewer in pairs)
    per_reviewer = Counter(reviewer for _application, reviewer in pairs)
    assert run.status == AssignmentRunStatus.OPTIMAL
    assert per_application == {application.pk: 2 for application in applications}
    assert set(per_reviewer) <= {reviewer.pk for reviewer in experts + outsiders}
    assert max(per_reviewer.values()) <= 3
    # Experts fit 2.0 (division + keyword "vision" in the title), outsiders 0: experts take their full load.
    assert per_reviewer[experts[0].pk] == per_reviewer[experts[1].pk] == 3
    assert run.total_fit == pytest.approx(12.0)
    assert run.assignments_created == 8
    for application in applications:
        application.refresh_from_db()
        assert application.status == ApplicationStatus.UNDER_REVIEW
    assert StatusChange.objects.filter(transition="start_review").count() == 4
    assert AuditEvent.objects.filter(action="reviews.assign", object_id=str(call.pk)).count() == 1


def test_conflicts_pins_and_forbids_are_respected(official: User, call) -> None:  # type: ignore[no-untyped-def]
    first, second = applications_of(call, 2)
    reviewers = [ReviewerProfileFactory(max_load=2) for _ in range(4)]
    ConflictOfInterest.objects.create(reviewer=reviewers[0], company=first.company, source=ConflictSource.DECLARED)
    reviewers[1].past_employers = [second.company.business_registration_number]
    reviewers[1].save()
    AssignmentConstraint.objects.create(call=call, application=first, reviewer=reviewers[3], kind=ConstraintKind.PIN)
    AssignmentConstraint.objects.create(
        call=call, application=second, reviewer=reviewers[2], kind=ConstraintKind.FORBID
    )

    call_assign_reviewers(user=official, call=call)

    pairs = _pairs(call)
    first_reviewers = {reviewer for application, reviewer in pairs if application == first.pk}
    second_reviewers = {reviewer for application, reviewer in pairs if application == second.pk}
    # first: reviewer 0 conflicts (declared), reviewer 3 is pinned; second: reviewer 1 used to work
    # there, reviewer 2 is forbidden, so second can only get reviewers 0 and 3.
    assert second_reviewers == {reviewers[0].pk, reviewers[3].pk}
    assert reviewers[3].pk in first_reviewers and reviewers[0].pk not in first_reviewers
    assert len(first_reviewers) == 2
    pinned = ReviewAssignment.objects.get(application=first, reviewer=reviewers[3])
    assert pinned.fit == pytest.approx(2.0)


def test_infeasible_run_reports_the_uncovered_applications_and_changes_nothing(official: User, call) -> None:  # type: ignore[no-untyped-def]
    first, second = applications_of(call, 2)
    reviewers = [ReviewerProfileFactory(max_load=5) for _ in range(2)]
    ConflictOfInterest.objects.create(reviewer=reviewers[0], company=second.company, source=ConflictSource.DECLARED)

    run = call_assign_reviewers(user=official, call=call)

    assert run.status == AssignmentRunStatus.INFEASIBLE
    assert ReviewAssignment.objects.count() == 0
    assert [issue["code"] for issue in run.issues] == ["too_few_available_reviewers"]
    assert run.issues[0]["application_ids"] == [second.pk]
    assert run.issues[0]["params"]["conflicted"] == 1
    assert str(second.pk) in issue_sentence(run.issues[0])
    first.refresh_from_db()
    assert first.status == ApplicationStatus.ELIGIBLE  # nothing moved

    client = Client()
    client.force_login(official)
    page = client.get(reverse("reviews:call-assignment", args=[call.pk]))
    assert page.status_code == 200
    assert [issue["application_ids"] for issue in page.context["issues"]] == [[second.pk]]


def test_rerun_keeps_scored_assignments_and_refills_recused_slots(official: User, call) -> None:  # type: ignore[no-untyped-def]
    (application,) = applications_of(call, 1)
    reviewers = [ReviewerProfileFactory(max_load=1) for _ in range(3)]
    call_assign_reviewers(user=official, call=call)
    assignments = {a.reviewer_id: a for a in ReviewAssignment.objects.filter(application=application)}
    scored_id, recused_id = sorted(assignments)
    score_sheet_save(
        user=assignments[scored_id].reviewer.user,
        assignment=assignments[scored_id],
        scores={"technology": 8, "market": 4},
        comment="좋음",
        submit=True,
    )
    assignment_recuse(user=assignments[recused_id].reviewer.user, assignment=assignments[recused_id], reason="지인")

    run = call_assign_reviewers(user=official, call=call)

    spare = next(reviewer.pk for reviewer in reviewers if reviewer.pk not in assignments)
    assert run.status == AssignmentRunStatus.OPTIMAL
    assert (run.assignments_kept, run.assignments_created) == (1, 1)
    assert _pairs(call) == {(application.pk, scored_id), (application.pk, spare)}
    assert ReviewAssignment.objects.get(application=application, reviewer_id=recused_id).status == "recused"


def test_only_the_calls_agency_officials_may_run(call) -> None:  # type: ignore[no-untyped-def]
    applications_of(call, 1)
    other_official = AgencyMembershipFactory(agency=AgencyFactory(code="kodit")).user

    with pytest.raises(PermissionDenied):
        call_assign_reviewers(user=other_official, call=call)
    assert ReviewAssignment.objects.count() == 0
