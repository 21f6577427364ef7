"""factory_boy factories for every app's models."""

from __future__ import annotations

import datetime as dt

import factory

from foster.accounts.choices import Role
from foster.accounts.models import Agency, AgencyMembership, User
from foster.registry.choices import AIAdoption, Region, SizeClass
from foster.registry.models import Company, CompanyMembership
from foster.registry.seeding import registration_number

PASSWORD = "correct-horse-battery-9"


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
