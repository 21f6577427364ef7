"""Factories of education and consulting rows for the learning tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from foster.accounts.choices import Role
from foster.learning.models import Consultant, Course, CourseSession
from tests.factories import AgencyFactory, UserFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"course-{n}")
    title_ko = factory.Sequence(lambda n: f"AI 기초 과정 {n}")
    title_en = factory.Sequence(lambda n: f"AI basics {n}")
    topic = "data_literacy"
    area = "data"
    level = "beginner"
    audience = "staff"
    delivery = "online"
    region = ""
    hours = 8


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + dt.timedelta(hours=8))
    capacity = 30


class ConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultant

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory, role=Role.REVIEWER)
    expertise_areas = factory.LazyFunction(lambda: ["data"])
    load_limit = 3


def all_answers(points: int = 3) -> dict[str, int]:
    from foster.learning.questionnaire import QUESTIONS

    return {question.key: points for question in QUESTIONS}
