"""Factories for review tests: programs, calls, applications (created directly, not through the
applications app's services), reviewer profiles and assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from foster.accounts.choices import Role
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application
from foster.programs.choices import ProgramType
from foster.programs.models import ApplicationForm, Call, Program, Rubric
from foster.reviews.models import ReviewAssignment, ReviewerProfile
from tests.factories import AgencyFactory, CompanyFactory, UserFactory

RUBRIC_CRITERIA = [
    {"key": "technology", "label_ko": "기술성", "label_en": "Technology", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "market", "label_ko": "시장성", "label_en": "Market", "weight": 1, "scale_min": 1, "scale_max": 5},
]


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    agency = factory.SubFactory(AgencyFactory, code="kosme")
    code = factory.Sequence(lambda n: f"review-program-{n}")
    name_ko = factory.Sequence(lambda n: f"심사 프로그램 {n}")
    name_en = factory.Sequence(lambda n: f"Review program {n}")
    program_type = ProgramType.GRANT


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    name = "기술성·시장성"
    criteria = factory.LazyFunction(lambda: [dict(item) for item in RUBRIC_CRITERIA])


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"review-call-{n}")
    title_ko = factory.Sequence(lambda n: f"심사 공고 {n}")
    title_en = factory.Sequence(lambda n: f"Review call {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60))
    closes_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    review_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    budget_krw = 1_000_000_000
    max_award_krw = 100_000_000
    reviewers_per_application = 2
    rubric = factory.SubFactory(RubricFactory)


class ApplicationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationForm

    call = factory.SubFactory(CallFactory)
    version = 1
    schema = factory.LazyFunction(lambda: {"sections": []})


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    company = factory.SubFactory(CompanyFactory)
    form = factory.LazyAttribute(
        lambda application: application.call.current_form() or ApplicationFormFactory(call=application.call)
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
