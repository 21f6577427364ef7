"""Consulting: a request, assignment from the pool by expertise and load (the assignment engine,
k=1), sessions and notes, the closing report and the company's feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.core.models import Notification
from foster.learning.choices import ConsultingStatus
from foster.learning.models import Consultant, ConsultingRequest, ConsultingSession
from foster.learning.services import (
    ConsultantData,
    ConsultingRequestData,
    consultant_add,
    consulting_assign,
    consulting_close,
    consulting_feedback,
    consulting_request_create,
    consulting_session_add,
)
from tests.factories import CompanyFactory, CompanyMembershipFactory, UserFactory
from tests.learning.conftest import Sme
from tests.learning.factories import ConsultantFactory

pytestmark = pytest.mark.django_db


def _request(sme: Sme, agency: Agency, topic: str = "data", **company: Any) -> ConsultingRequest:
    if company:
        member = UserFactory(role=Role.COMPANY_MEMBER)
        target = CompanyFactory(**company)
        CompanyMembershipFactory(user=member, company=target)
        user = member
    else:
        user, target = sme.user, sme.company
    return consulting_request_create(
        user=user,
        company=target,
        data=ConsultingRequestData(
            agency_id=agency.pk,
            topic=topic,
            problem="재고 데이터가 엑셀에 흩어져 있습니다.",
            preferred_time="평일 오후",
        ),
    )


def test_a_request_needs_an_agency_with_consultants_and_a_described_problem(sme: Sme, agency: Agency) -> None:
    data = ConsultingRequestData(agency_id=agency.pk, topic="people", problem="짧음", preferred_time="")
    with pytest.raises(ValidationError) as refused:
        consulting_request_create(user=sme.user, company=sme.company, data=data)
    assert set(refused.value.message_dict) == {"agency", "problem", "preferred_time"}
    assert not ConsultingRequest.objects.exists()


def test_consultants_are_assigned_by_expertise_within_their_load(
    sme: Sme, agency: Agency, official: User, django_capture_on_commit_callbacks: Any
) -> None:
    data_expert = ConsultantFactory(agency=agency, expertise_areas=["data"], sectors=["C"], load_limit=1)
    people_expert = ConsultantFactory(agency=agency, expertise_areas=["people", "strategy"], load_limit=2)
    generalist = ConsultantFactory(agency=agency, expertise_areas=["processes"], load_limit=1)
    first = _request(sme, agency, "data")
    second = _request(sme, agency, "people", ksic_section="J")
    third = _request(sme, agency, "data", ksic_section="C")  # the data expert is full after the first
    with django_capture_on_commit_callbacks(execute=True):
        outcome = consulting_assign(user=official, agency=agency)
    assigned = {request.pk: (consultant.pk, fit) for request, consultant, fit in outcome.assigned}
    assert outcome.waiting == 0
    # Optimal total fit: data expert -> first (1 + 0.5 sector + 0.25 region? no regions) = 1.5;
    # people expert -> second (1.0); the third goes to whoever has room, with fit 0.
    assert assigned[first.pk] == (data_expert.pk, 1.5)
    assert assigned[second.pk] == (people_expert.pk, 1.0)
    assert assigned[third.pk][0] in {people_expert.pk, generalist.pk}
    assert assigned[third.pk][1] == 0.0
    first.refresh_from_db()
    assert (first.status, first.consultant_id) == (ConsultingStatus.ASSIGNED, data_expert.pk)
    assert Notification.objects.filter(user=data_expert.user, kind="consulting").count() == 1
    assert Notification.objects.filter(user=sme.user, kind="consulting").count() == 1


def test_when_the_pool_is_full_the_oldest_requests_are_served(sme: Sme, agency: Agency, official: User) -> None:
    ConsultantFactory(agency=agency, expertise_areas=["data"], load_limit=1)
    oldest = _request(sme, agency)
    newer = _request(sme, agency)
    ConsultingRequest.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    outcome = consulting_assign(user=official, agency=agency)
    assert [request.pk for request, _c, _f in outcome.assigned] == [oldest.pk]
    assert outcome.waiting == 1
    newer.refresh_from_db()
    assert newer.status == ConsultingStatus.REQUESTED
    with pytest.raises(ValidationError, match="No consultant of the pool has a free place"):
        consulting_assign(user=official, agency=agency)
    newer.refresh_from_db()
    assert newer.status == ConsultingStatus.REQUESTED


def test_a_consultant_who_belongs_to_the_company_is_not_assigned_to_it(
    sme: Sme, agency: Agency, official: User
) -> None:
    insider = ConsultantFactory(agency=agency, expertise_areas=["data"], sectors=["C"], load_limit=5)
    CompanyMembershipFactory(user=insider.user, company=sme.company)
    outsider = ConsultantFactory(agency=agency, expertise_areas=["infrastructure"], load_limit=5)
    request = _request(sme, agency, "data")
    outcome = consulting_assign(user=official, agency=agency)
    assert [(r.pk, c.pk) for r, c, _f in outcome.assigned] == [(request.pk, outsider.pk)]


def test_only_the_agencys_officials_assign(sme: Sme, agency: Agency) -> None:
    ConsultantFactory(agency=agency)
    _request(sme, agency)
    with pytest.raises(PermissionDenied):
        consulting_assign(user=sme.user, agency=agency)
    assert ConsultingRequest.objects.get().status == ConsultingStatus.REQUESTED


def test_sessions_report_and_feedback(sme: Sme, agency: Agency, official: User) -> None:
    consultant = ConsultantFactory(agency=agency)
    request = _request(sme, agency)
    consulting_assign(user=official, agency=agency)
    request.refresh_from_db()
    with pytest.raises(PermissionDenied):  # the company does not write the consultant's notes
        consulting_session_add(
            user=sme.user, request=request, held_on=timezone.localdate(), duration_minutes=60, notes="x"
        )
    with pytest.raises(ValidationError) as refused:
        consulting_close(
            user=consultant.user, request=request, report="재고 데이터 통합 후 수요예측 시범 적용을 권고합니다."
        )
    assert refused.value.message_dict == {
        "report": ["Record at least one consulting session before closing the request."]
    }
    with pytest.raises(ValidationError) as refused:
        consulting_session_add(
            user=consultant.user,
            request=request,
            held_on=timezone.localdate() + dt.timedelta(days=1),
            duration_minutes=5,
            notes="",
        )
    assert set(refused.value.message_dict) == {"held_on", "duration_minutes", "notes"}
    consulting_session_add(
        user=consultant.user, request=request, held_on=timezone.localdate(), duration_minutes=90, notes="현황 진단"
    )
    with pytest.raises(ValidationError):  # feedback before the report
        consulting_feedback(user=sme.user, request=request, satisfaction=5)
    consulting_close(
        user=consultant.user, request=request, report="재고 데이터 통합 후 수요예측 시범 적용을 권고합니다."
    )
    request.refresh_from_db()
    assert request.status == ConsultingStatus.CLOSED
    with pytest.raises(PermissionDenied):
        consulting_feedback(user=consultant.user, request=request, satisfaction=5)
    with pytest.raises(ValidationError):
        consulting_feedback(user=sme.user, request=request, satisfaction=6)
    consulting_feedback(user=sme.user, request=request, satisfaction=4, comment="도움이 되었습니다")
    request.refresh_from_db()
    assert (request.satisfaction, request.feedback) == (4, "도움이 되었습니다")
    with pytest.raises(ValidationError, match="already given"):
        consulting_feedback(user=sme.user, request=request, satisfaction=1)
    assert ConsultingSession.objects.count() == 1


def test_experts_join_the_pool_only_with_the_reviewer_role(agency: Agency, official: User) -> None:
    expert = UserFactory(role=Role.REVIEWER, email="expert@example.kr")
    UserFactory(role=Role.COMPANY_MEMBER, email="member@example.kr")
    data = ConsultantData(email="MEMBER@example.kr", expertise_areas=["data"], sectors=[], regions=[], load_limit=3)
    with pytest.raises(ValidationError) as refused:
        consultant_add(user=official, agency=agency, data=data)
    assert refused.value.message_dict == {
        "email": ["Consultants are outside experts: the user must have the reviewer role."]
    }
    consultant = consultant_add(
        user=official,
        agency=agency,
        data=ConsultantData(
            email=expert.email, expertise_areas=["people", "data"], sectors=["c"], regions=["busan"], load_limit=4
        ),
    )
    assert (consultant.expertise_areas, consultant.sectors, consultant.regions) == (
        ["data", "people"],
        ["C"],
        ["busan"],
    )
    assert Consultant.objects.count() == 1


def test_the_request_page_is_seen_by_the_company_the_consultant_and_the_agency(
    sme: Sme, agency: Agency, official: User, client_for: Any
) -> None:
    consultant = ConsultantFactory(agency=agency)
    request = _request(sme, agency)
    consulting_assign(user=official, agency=agency)
    url = reverse("learning:consulting-detail", kwargs={"pk": request.pk})
    for user in (sme.user, consultant.user, official):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200
    for role in ("company_member", "reviewer", "public"):
        assert client_for(role).get(url).status_code == 404
