"""factory_boy factories for every app's models (an app's own test package may subclass them with
the defaults its tests need, as tests/reviews/factories.py does)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import Agency, AgencyMembership, User
from foster.programs.choices import FieldType, ProgramType
from foster.programs.models import ApplicationForm, Call, Program, Rubric
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.models import Company, CompanyMembership
from foster.registry.seeding import registration_number

PASSWORD = "correct-horse-battery-9"

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.kr")
    full_name = factory.Sequence(lambda n: f"사용자{n}")
    role = Role.PUBLIC
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency{n}")
    name_ko = factory.Sequence(lambda n: f"기관{n}")
    name_en = factory.Sequence(lambda n: f"Agency {n}")


class AgencyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory, role=Role.AGENCY_OFFICIAL)
    agency = factory.SubFactory(AgencyFactory)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    business_registration_number = factory.Sequence(lambda n: registration_number(900_000 + n))
    name_ko = factory.Sequence(lambda n: f"(주)테스트{n}")
    name_en = factory.Sequence(lambda n: f"Test {n} Co., Ltd.")
    ksic_division = "26"
    ksic_section = "C"
    region = Region.SEOUL
    size_class = SizeClass.SMALL
    founded_on = dt.date(2020, 3, 1)
    employees = 12
    revenue_krw = 1_500_000_000
    ai_adoption = AIAdoption.EXPLORING


class CompanyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory, role=Role.COMPANY_MEMBER)
    company = factory.SubFactory(CompanyFactory)


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
