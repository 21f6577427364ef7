"""factory_boy factories of programs, calls and application forms."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from foster.programs.choices import FieldType, ProgramType
from foster.programs.models import ApplicationForm, Call, Program, Rubric
from tests.factories import AgencyFactory

RUBRIC_CRITERIA = [
    {
        "key": "technology",
        "label_ko": "기술성",
        "label_en": "Technology",
        "weight": 60.0,
        "scale_min": 0,
        "scale_max": 10,
    },
    {"key": "market", "label_ko": "사업성", "label_en": "Market", "weight": 40.0, "scale_min": 1, "scale_max": 5},
]

SIMPLE_SCHEMA = {
    "sections": [
        {
            "key": "overview",
            "title_ko": "개요",
            "title_en": "Overview",
            "show_if": None,
            "fields": [
                {
                    "key": "project_title",
                    "type": FieldType.TEXT,
                    "label_ko": "과제명",
                    "label_en": "Title",
                    "required": True,
                },
                {"key": "business_plan", "type": FieldType.FILE, "label_ko": "사업계획서", "label_en": "Business plan"},
            ],
        }
    ]
}


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    agency = factory.SubFactory(AgencyFactory, code="kosme")
    code = factory.Sequence(lambda n: f"program-{n}")
    name_ko = factory.Sequence(lambda n: f"지원사업{n}")
    name_en = factory.Sequence(lambda n: f"Program {n}")
    program_type = ProgramType.GRANT
    policy_tags = factory.LazyFunction(lambda: ["ai"])


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    name = "Rubric"
    criteria = factory.LazyFunction(lambda: [dict(item) for item in RUBRIC_CRITERIA])


class CallFactory(factory.django.DjangoModelFactory):
    """An open call (opened 10 days ago, closes in 20 days)."""

    class Meta:
        model = Call

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"call-{n}")
    title_ko = factory.Sequence(lambda n: f"공고{n}")
    title_en = factory.Sequence(lambda n: f"Call {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    budget_krw = 1_000_000_000
    max_award_krw = 100_000_000
    rubric = factory.SubFactory(RubricFactory)
    eligibility_rules = factory.LazyFunction(lambda: {"version": 1, "rules": []})


class ApplicationFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationForm

    call = factory.SubFactory(CallFactory)
    version = 1
    schema = factory.LazyFunction(lambda: SIMPLE_SCHEMA)
