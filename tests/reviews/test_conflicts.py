"""Conflicts of interest of each kind hide the application from the reviewer, over HTTP too."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from foster.accounts.models import User
from foster.applications.models import Application
from foster.core.models import AuditEvent
from foster.reviews.choices import ConflictSource
from foster.reviews.importing import family_firm_import
from foster.reviews.models import ConflictOfInterest, ReviewAssignment, ScoreSheet
from foster.reviews.selectors import application_queryset_for_reviewer, assignment_queryset_for_reviewer
from foster.reviews.services import conflict_declare
from tests.factories import CompanyMembershipFactory
from tests.reviews.factories import ReviewAssignmentFactory, ReviewerProfileFactory

pytestmark = pytest.mark.django_db


def _state() -> dict[str, Any]:
    return {
        "assignments": list(ReviewAssignment.objects.order_by("pk").values()),
        "sheets": list(ScoreSheet.objects.order_by("pk").values()),
        "conflicts": ConflictOfInterest.objects.count(),
        "applications": list(Application.objects.order_by("pk").values("pk", "status")),
    }


def _make_conflict(kind: str, assignment: ReviewAssignment) -> None:
    profile, company = assignment.reviewer, assignment.application.company
    if kind == "declared":
        conflict_declare(user=profile.user, business_registration_number=company.business_registration_number)
    elif kind == "same_company":
        CompanyMembershipFactory(user=profile.user, company=company)
    elif kind == "past_employment":
        profile.past_employers = [company.business_registration_number]
        profile.save()
    elif kind == "family_firm":
        ConflictOfInterest.objects.create(reviewer=profile, company=company, source=ConflictSource.FAMILY_FIRM)


CONFLICT_KINDS = ["declared", "same_company", "past_employment", "family_firm"]


@pytest.mark.parametrize("kind", CONFLICT_KINDS)
def test_conflict_of_each_kind_hides_the_application(kind: str, call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    user = assignment.reviewer.user
    assert list(application_queryset_for_reviewer(user)) == [assignment.application]

    _make_conflict(kind, assignment)

    assert list(application_queryset_for_reviewer(user)) == []
    assert list(assignment_queryset_for_reviewer(user)) == []


@pytest.mark.parametrize("kind", CONFLICT_KINDS)
def test_conflicted_reviewer_gets_404_and_nothing_changes(kind: str, call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    _make_conflict(kind, assignment)
    client = Client()
    client.force_login(assignment.reviewer.user)
    before = _state()

    page = client.get(reverse("reviews:score-sheet", args=[assignment.pk]))
    post = client.post(
        reverse("reviews:score-sheet", args=[assignment.pk]), {"score_technology": "9", "action": "submit"}
    )
    recuse = client.post(reverse("reviews:recuse", args=[assignment.pk]), {"reason": "x"})
    api = client.get(reverse("api:review-assignment-detail", args=[assignment.pk]))
    api_post = client.post(
        reverse("api:review-assignment-score-sheet", args=[assignment.pk]),
        {"scores": {"technology": 9}},
        content_type="application/json",
    )

    assert [page.status_code, post.status_code, recuse.status_code, api.status_code, api_post.status_code] == [404] * 5
    assert _state() == before


def test_unassigned_reviewer_gets_404_and_nothing_changes(call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    stranger = ReviewerProfileFactory()
    client = Client()
    client.force_login(stranger.user)
    before = _state()

    responses = [
        client.get(reverse("reviews:score-sheet", args=[assignment.pk])),
        client.post(reverse("reviews:score-sheet", args=[assignment.pk]), {"action": "save"}),
        client.post(reverse("reviews:recuse", args=[assignment.pk]), {"reason": "x"}),
        client.get(reverse("api:review-assignment-detail", args=[assignment.pk])),
    ]

    assert [response.status_code for response in responses] == [404] * 4
    assert client.get(reverse("api:review-assignment-list")).json()["results"] == []
    assert _state() == before


def test_declared_conflict_needs_a_registered_valid_number(reviewer_user: User) -> None:
    with pytest.raises(ValidationError) as error:
        conflict_declare(user=reviewer_user, business_registration_number="123-45-67890")
    assert "business_registration_number" in error.value.message_dict
    assert ConflictOfInterest.objects.count() == 0


def test_declaring_over_http_records_the_conflict_with_its_note(call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    company = assignment.application.company
    client = Client()
    client.force_login(assignment.reviewer.user)

    response = client.post(
        reverse("reviews:conflicts"),
        {"business_registration_number": company.formatted_registration_number, "note": "전 직장 동료가 대표"},
    )

    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.reviewer, conflict.company, conflict.source, conflict.note) == (
        assignment.reviewer,
        company,
        ConflictSource.DECLARED,
        "전 직장 동료가 대표",
    )
    assert AuditEvent.objects.filter(action="reviewer.conflict_declare").count() == 1
    assert client.get(reverse("reviews:dashboard")).context["assignments"].count() == 0


@pytest.fixture
def reviewer_user() -> User:
    return ReviewerProfileFactory().user


def test_family_firm_import_all_or_nothing(official: User, call) -> None:  # type: ignore[no-untyped-def]
    assignment = ReviewAssignmentFactory(application__call=call)
    profile, company = assignment.reviewer, assignment.application.company
    other_agency_reviewer = ReviewerProfileFactory(agency__code="kodit")
    bad = (
        "email,business_registration_number\n"
        f"{profile.user.email},{company.business_registration_number}\n"
        f"{other_agency_reviewer.user.email},{company.business_registration_number}\n"
        f"{profile.user.email},123-45-67890\n"
    )

    result = family_firm_import(user=official, content=bad.encode())

    assert [(error.row, error.column) for error in result.errors] == [
        (3, "email"),
        (4, "business_registration_number"),
    ]
    assert ConflictOfInterest.objects.count() == 0

    good = f"이메일,사업자등록번호\n{profile.user.email.upper()},{company.formatted_registration_number}\n"
    result = family_firm_import(user=official, content=good.encode("cp949"))

    assert (result.is_valid, result.created) == (True, 1)
    assert ConflictOfInterest.objects.get().source == ConflictSource.FAMILY_FIRM
    assert list(application_queryset_for_reviewer(profile.user)) == []
