"""Factories for review tests: calls in review (the shared call factory with review defaults),
applications (created directly, not through the applications app's services), reviewer profiles
and assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from foster.accounts.choices import Role
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.programs.models import Call
from foster.reviews.models import ReviewAssignment, ReviewerProfile
from tests import factories
from tests.factories import AgencyFactory, ApplicationFormFactory, CompanyFactory, UserFactory

REVIEW_RUBRIC_CRITERIA = [
    {"key": "technology", "label_ko": "기술성", "label_en": "Technology", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "market", "label_ko": "시장성", "label_en": "Market", "weight": 1, "scale_min": 1, "scale_max": 5},
]


class RubricFactory(factories.RubricFactory):
    criteria = factory.LazyFunction(lambda: [dict(item) for item in REVIEW_RUBRIC_CRITERIA])


class CallFactory(factories.CallFactory):
    """A call in review: closed 30 days ago, review deadline in 7 days, two reviewers per application."""

    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60))
    closes_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    review_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    reviewers_per_application = 2
    rubric = factory.SubFactory(RubricFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    company = factory.SubFactory(CompanyFactory)
    form = factory.LazyAttribute(
        lambda application: (
            application.call.current_form() or ApplicationFormFactory(call=application.call, schema={"sections": []})
        )
    )
    applicant = factory.SubFactory(UserFactory, role=Role.COMPANY_MEMBER)
    status = ApplicationStatus.ELIGIBLE
    title = factory.Sequence(lambda n: f"AI vision inspection {n}")
    answers = factory.LazyFunction(dict)
    is_eligible = True


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerProfile

    user = factory.SubFactory(UserFactory, role=Role.REVIEWER)
    agency = factory.SubFactory(AgencyFactory, code="kosme")
    expertise_divisions = factory.LazyFunction(lambda: ["26"])
    keywords = factory.LazyFunction(lambda: ["vision"])
    max_load = 10


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(ReviewerProfileFactory)


def applications_of(call: Call, count: int, **kwargs: Any) -> list[Application]:
    return [ApplicationFactory(call=call, **kwargs) for _ in range(count)]
