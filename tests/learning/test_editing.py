"""An agency official corrects a course's description or a pooled consultant's details (or pauses
their new assignments): the page starts from the stored values, saves only what changed (each
change audited with its old and new value), refuses bad input on its field, and refuses officials
of other agencies; a refused edit changes nothing."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from foster.accounts.models import Agency, User
from foster.core.models import AuditEvent
from foster.learning.choices import ConsultingStatus
from foster.learning.models import Consultant, ConsultingRequest, Course
from foster.learning.services import consulting_assign, course_data_of, course_update
from tests.factories import AgencyMembershipFactory, CompanyFactory
from tests.learning.factories import ConsultantFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _body(course: Course, **changes: Any) -> dict[str, Any]:
    """The edit form's fields as stored, with ``changes``."""
    return {**asdict(course_data_of(course)), **changes}


def _snapshot(course: Course) -> dict[str, Any]:
    return Course.objects.filter(pk=course.pk).values().get()


def test_the_edit_page_starts_from_the_course_and_saves_the_changes(agency: Agency, official: User) -> None:
    course = CourseFactory(agency=agency, title_ko="AI 기초", hours=8)
    session = SessionFactory(course=course)
    client = Client()
    client.force_login(official)
    url = reverse("learning:course-update", args=[course.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["title_ko"] == "AI 기초" and page.context["form"].initial["hours"] == 8
    detail = client.get(reverse("learning:course-detail", args=[course.pk])).content.decode()
    assert url in detail
    answer = client.post(url, _body(course, title_ko="  AI 기초 (개정)  ", hours=12))
    assert answer.status_code == 302 and answer["Location"] == reverse("learning:course-detail", args=[course.pk])
    course.refresh_from_db()
    assert (course.title_ko, course.hours, course.code) == ("AI 기초 (개정)", 12, course.code)
    assert course.sessions.get() == session
    event = AuditEvent.objects.get(action="learning.course_update")
    assert event.changes == {"title_ko": ["AI 기초", "AI 기초 (개정)"], "hours": [8, 12]}


def test_saving_unchanged_values_records_nothing(agency: Agency, official: User) -> None:
    course = CourseFactory(agency=agency)
    course_update(user=official, course=course, data=course_data_of(course))
    assert not AuditEvent.objects.filter(action="learning.course_update").exists()


def test_bad_input_is_refused_on_its_field_and_changes_nothing(agency: Agency, official: User) -> None:
    course = CourseFactory(agency=agency)
    before = _snapshot(course)
    client = Client()
    client.force_login(official)
    url = reverse("learning:course-update", args=[course.pk])
    on_site = client.post(url, _body(course, delivery="on_site", region="", title_ko="바뀐 제목"))
    assert on_site.status_code == 200
    assert on_site.context["form"].errors["region"] == ["현장 교육은 지역을 정해야 합니다."]  # Korean by default
    no_title = client.post(url, _body(course, title_ko="   "))
    assert no_title.status_code == 200 and "title_ko" in no_title.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        course_update(user=official, course=course, data=replace(course_data_of(course), hours=0, level="guru"))
    assert set(refused.value.message_dict) == {"hours", "level"}
    assert _snapshot(course) == before
    assert not AuditEvent.objects.filter(action="learning.course_update").exists()


def test_another_agencys_official_may_not_edit(agency: Agency) -> None:
    course = CourseFactory(agency=agency)
    before = _snapshot(course)
    outsider = AgencyMembershipFactory().user
    client = Client()
    client.force_login(outsider)
    url = reverse("learning:course-update", args=[course.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _body(course, title_ko="가로챈 제목")).status_code == 403
    with pytest.raises(PermissionDenied):
        course_update(user=outsider, course=course, data=course_data_of(course))
    assert _snapshot(course) == before
    assert (
        reverse("learning:course-update", args=[course.pk])
        not in client.get(reverse("learning:course-detail", args=[course.pk])).content.decode()
    )


def _consultant_body(**changes: Any) -> dict[str, Any]:
    return {
        "expertise_areas": ["data"],
        "sectors": "c, j",
        "regions": ["seoul"],
        "load_limit": 2,
        "bio": "  제조 데이터 분석 15년  ",
        "is_active": "on",
        **changes,
    }


def test_an_official_edits_a_consultant_and_pauses_new_assignments(agency: Agency, official: User) -> None:
    consultant = ConsultantFactory(agency=agency, expertise_areas=["strategy"], load_limit=3)
    client = Client()
    client.force_login(official)
    pool = client.get(reverse("learning:consulting-pool")).content.decode()
    url = reverse("learning:consultant-update", args=[consultant.pk])
    assert url in pool
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["load_limit"] == 3
    assert "email" not in page.context["form"].fields
    answer = client.post(url, _consultant_body())
    assert answer.status_code == 302
    consultant.refresh_from_db()
    assert (consultant.expertise_areas, consultant.sectors, consultant.regions) == (["data"], ["C", "J"], ["seoul"])
    assert (consultant.load_limit, consultant.bio, consultant.is_active) == (2, "제조 데이터 분석 15년", True)
    event = AuditEvent.objects.get(action="learning.consultant_update")
    assert event.changes["load_limit"] == [3, 2] and "is_active" not in event.changes

    paused = client.post(url, {key: value for key, value in _consultant_body().items() if key != "is_active"})
    assert paused.status_code == 302
    consultant.refresh_from_db()
    assert consultant.is_active is False
    waiting = ConsultingRequest.objects.create(
        company=CompanyFactory(), agency=agency, topic="data", problem="재고 데이터가 흩어져 있습니다."
    )
    with pytest.raises(ValidationError):  # the paused consultant was the pool's only one
        consulting_assign(user=official, agency=agency)
    waiting.refresh_from_db()
    assert waiting.status == ConsultingStatus.REQUESTED and waiting.consultant is None


def test_a_consultant_edit_with_bad_input_or_from_another_agency_changes_nothing(
    agency: Agency, official: User
) -> None:
    consultant = ConsultantFactory(agency=agency)
    before = Consultant.objects.filter(pk=consultant.pk).values().get()
    client = Client()
    client.force_login(official)
    url = reverse("learning:consultant-update", args=[consultant.pk])
    bad = client.post(url, _consultant_body(expertise_areas=[], load_limit=0))
    assert bad.status_code == 200 and {"expertise_areas", "load_limit"} <= set(bad.context["form"].errors)
    outsider = Client()
    outsider.force_login(AgencyMembershipFactory().user)
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, _consultant_body()).status_code == 404
    assert Consultant.objects.filter(pk=consultant.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="learning.consultant_update").exists()
