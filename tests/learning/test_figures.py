"""The learning figures on the plan dashboard and the public statistics page (issue 8's providers):
education participants replace the placeholder; AI readiness by sector and size class."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.kpi.figures import figure_provider
from foster.learning.figures import EducationParticipantsProvider, ReadinessProvider
from foster.learning.models import CourseSession
from foster.learning.services import attendance_mark, diagnostic_submit, enrolment_create
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory
from tests.learning.conftest import Sme
from tests.learning.factories import CourseFactory, SessionFactory, all_answers

pytestmark = pytest.mark.django_db


def _complete(agency: Agency, official: User, count: int) -> None:
    session = SessionFactory(
        course=CourseFactory(agency=agency, title_ko="업무 데이터 기초", title_en="Data basics"), capacity=count
    )
    enrolments = [enrolment_create(user=UserFactory(role=Role.COMPANY_MEMBER), session=session) for _ in range(count)]
    starts = timezone.now() - dt.timedelta(hours=3)
    CourseSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    session.refresh_from_db()
    attendance_mark(user=official, session=session, attended_enrolment_ids=[enrolment.pk for enrolment in enrolments])


def test_the_learning_providers_are_registered_under_their_keys() -> None:
    assert isinstance(figure_provider("education_participants"), EducationParticipantsProvider)
    assert isinstance(figure_provider("ai_readiness"), ReadinessProvider)


def test_education_participants_count_this_years_completions(agency: Agency, official: User) -> None:
    _complete(agency, official, 3)
    figure = EducationParticipantsProvider().figure()
    year = timezone.localdate().year
    assert (figure.value, figure.extra["by_year"], figure.is_public) == (3, {year: 3}, True)
    assert figure.value_text == f"3 in {year} (3 since the start)"
    table = EducationParticipantsProvider().records(user=official)
    assert table.total == 3
    assert {row.cells[0] for row in table.rows} == {"Data basics"}
    assert all(len(row.cells[3]) == 12 for row in table.rows)  # the certificate codes


def test_readiness_by_sector_and_size(sme: Sme) -> None:
    diagnostic_submit(user=sme.user, company=sme.company, answers=all_answers(2), problem="")
    other = CompanyFactory(ksic_section="J", size_class="medium")
    member = UserFactory(role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=member, company=other)
    diagnostic_submit(user=member, company=other, answers=all_answers(4), problem="")
    figure = ReadinessProvider().figure()
    assert (figure.value, figure.extra["companies_by_level"]) == (3.0, {1: 0, 2: 1, 3: 0, 4: 1, 5: 0})
    table = ReadinessProvider().records(user=sme.user)
    assert [row.cells[:4] for row in table.rows] == [
        ("C Manufacturing", "Small enterprise", "1", "2.00"),
        ("J Information and communication", "Medium enterprise", "1", "4.00"),
    ]


def test_the_public_statistics_page_and_the_dashboard_show_them(
    agency: Agency, official: User, client_for: Callable[[str | None], Client]
) -> None:
    _complete(agency, official, 2)
    page = Client().get(reverse("portal:statistics"))
    keys = [figure.key for figure in page.context["figures"]]
    assert {"education_participants", "ai_readiness"} <= set(keys)
    dashboard = client_for(Role.MINISTRY_PLANNER).get(reverse("kpi:dashboard"))
    education = next(figure for figure in dashboard.context["figures"] if figure.key == "education_participants")
    assert education.value == 2
    records = client_for(Role.MINISTRY_PLANNER).get(education.records_url)
    assert records.status_code == 200 and "업무 데이터 기초" in records.content.decode()
