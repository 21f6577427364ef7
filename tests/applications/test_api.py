"""The applications API answers with the same scope as the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.programs.models import Call
from foster.registry.models import Company
from tests.applications.objects import application_build, call_build, english_client
from tests.factories import AgencyFactory, CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_each_role_lists_its_scope(
    call: Call, company: Company, member: User, official: User, other_official: User
) -> None:
    own = application_build(call=call, company=company, applicant=member, status="submitted")
    other_call = call_build(agency=AgencyFactory(code="kibo"))
    elsewhere = application_build(call=other_call, company=CompanyFactory(), applicant=UserFactory())
    planner = UserFactory(role=Role.MINISTRY_PLANNER)

    def ids(user: User) -> set[int]:
        return {item["id"] for item in english_client(user).get(reverse("api:application-list")).json()["results"]}

    assert ids(member) == {own.pk}
    assert ids(official) == {own.pk}
    assert ids(other_official) == {elsewhere.pk}
    assert ids(planner) == {own.pk, elsewhere.pk}
    assert ids(UserFactory(role=Role.REVIEWER)) == set()


def test_detail_has_history_and_reasons_and_hides_other_companies(
    call: Call, company: Company, member: User, other_member: User
) -> None:
    application = application_build(
        call=call,
        company=company,
        applicant=member,
        status="ineligible",
        eligibility=[
            {
                "kind": "region_in",
                "passed": False,
                "code": "region_not_allowed",
                "params": {"value": "busan", "allowed": ["seoul"]},
            }
        ],
        is_eligible=False,
    )
    url = reverse("api:application-detail", kwargs={"pk": application.pk})

    body = english_client(member).get(url).json()
    hidden = english_client(other_member).get(url)

    assert body["status"] == "ineligible"
    assert body["form_version"] == 1
    assert body["eligibility"][0]["reason"].startswith("The region (Busan) is not eligible")
    assert body["history"] == []
    assert hidden.status_code == 404
