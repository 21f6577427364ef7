"""The diagnostic through its service and its pages: all or nothing, scored as documented,
retakes, and the result page's recommendations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foster.core.models import AuditEvent
from foster.innovation import matching
from foster.innovation.models import StartupProfile
from foster.learning.models import Diagnostic
from foster.learning.questionnaire import QUESTIONS
from foster.learning.recommendations import open_calls_eligibility, recommended_sessions
from foster.learning.selectors import diagnostic_level_distribution, diagnostic_levels_by_segment
from foster.learning.services import diagnostic_submit
from foster.learning.views import _result_of
from tests.factories import CallFactory, CompanyFactory, ProgramFactory
from tests.http import english_client
from tests.learning.conftest import Sme
from tests.learning.factories import CourseFactory, SessionFactory, all_answers

pytestmark = pytest.mark.django_db


def test_a_complete_questionnaire_is_scored_and_stored_with_an_audit_event(sme: Sme) -> None:
    answers = all_answers(2)
    answers.update(data_collection=1, data_quality=1, data_access=2, strategy_vision=4)
    diagnostic = diagnostic_submit(user=sme.user, company=sme.company, answers=answers, problem=" 야간 검사 불량 ")
    assert diagnostic.area_levels == {"strategy": 3, "data": 1, "people": 2, "processes": 2, "infrastructure": 2}
    assert (diagnostic.overall_level, diagnostic.overall_mean) == (2, 2.0)  # 30 points / 15
    assert diagnostic.problem == "야간 검사 불량"
    assert diagnostic.questionnaire_version == 1
    event = AuditEvent.objects.get(action="learning.diagnostic_submit")
    assert (event.object_id, event.changes["overall_level"]) == (str(diagnostic.pk), 2)


def test_an_incomplete_questionnaire_is_refused_naming_every_missing_question(sme: Sme) -> None:
    answers: dict[str, Any] = all_answers(3)
    del answers["data_quality"]
    del answers["infrastructure_security"]
    answers["people_skills"] = "9"  # not one of the answers
    with pytest.raises(ValidationError) as refused:
        diagnostic_submit(user=sme.user, company=sme.company, answers=answers, problem="문제")
    errors = refused.value.message_dict
    assert errors["__all__"] == [
        "Answer every question before the result can be computed. Unanswered (3): "
        "5. How are data quality and ownership handled?; 7. Do staff have AI or data skills?; "
        "15. How are data security and privacy handled?"
    ]
    assert {key for key in errors if key != "__all__"} == {"data_quality", "people_skills", "infrastructure_security"}
    assert Diagnostic.objects.count() == 0
    assert not AuditEvent.objects.filter(action="learning.diagnostic_submit").exists()


def test_only_the_companys_members_take_its_diagnostic(sme: Sme, official: Any) -> None:
    other = CompanyFactory()
    with pytest.raises(PermissionDenied):
        diagnostic_submit(user=sme.user, company=other, answers=all_answers(), problem="")
    with pytest.raises(PermissionDenied):
        diagnostic_submit(user=official, company=sme.company, answers=all_answers(), problem="")
    assert Diagnostic.objects.count() == 0


def test_the_page_refuses_an_incomplete_questionnaire_and_stores_nothing(sme: Sme) -> None:
    client = english_client(sme.user)
    url = reverse("learning:diagnostic-take", kwargs={"pk": sme.company.pk})
    answers = all_answers(4)
    del answers["strategy_budget"]
    response = client.post(url, {**answers, "problem": "재고 예측이 어렵습니다"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unanswered (1): 2. Is there a budget for AI?" in page
    assert Diagnostic.objects.count() == 0
    response = client.post(url, {**all_answers(4), "problem": "재고 예측이 어렵습니다"})
    diagnostic = Diagnostic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:diagnostic-detail", kwargs={"pk": diagnostic.pk})


def test_the_questionnaire_is_in_korean_by_default(sme: Sme) -> None:
    client = Client()
    client.force_login(sme.user)
    page = client.get(reverse("learning:diagnostic-take", kwargs={"pk": sme.company.pk})).content.decode()
    assert "1. 경영진이 AI 도입 목표를 정해 두었습니까?" in page
    assert "15. 데이터 보안과 개인정보 보호는 어떻습니까?" in page
    assert page.count('type="radio"') == 5 * len(QUESTIONS)


def test_retakes_show_progress_over_time(sme: Sme) -> None:
    first = diagnostic_submit(user=sme.user, company=sme.company, answers=all_answers(1), problem="")
    Diagnostic.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    diagnostic_submit(user=sme.user, company=sme.company, answers=all_answers(3), problem="")
    client = Client()
    client.force_login(sme.user)
    response = client.get(reverse("learning:diagnostic-history", kwargs={"pk": sme.company.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<polyline") == 6  # five areas and the overall level
    assert "<td>+2</td>" in page


def test_levels_by_sector_and_size_use_each_companys_latest_diagnostic(sme: Sme) -> None:
    old = diagnostic_submit(user=sme.user, company=sme.company, answers=all_answers(1), problem="")
    Diagnostic.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    diagnostic_submit(user=sme.user, company=sme.company, answers=all_answers(4), problem="")
    other = CompanyFactory(ksic_section="C", size_class="small")
    Diagnostic.objects.create(
        company=other,
        questionnaire_version=1,
        answers=all_answers(2),
        area_levels=dict.fromkeys(["strategy", "data", "people", "processes", "infrastructure"], 2),
        area_means=dict.fromkeys(["strategy", "data", "people", "processes", "infrastructure"], 2.0),
        overall_level=2,
        overall_mean=2.0,
    )
    medium = CompanyFactory(ksic_section="J", size_class="medium")
    Diagnostic.objects.create(
        company=medium,
        questionnaire_version=1,
        answers=all_answers(5),
        area_levels=dict.fromkeys(["strategy", "data", "people", "processes", "infrastructure"], 5),
        area_means=dict.fromkeys(["strategy", "data", "people", "processes", "infrastructure"], 5.0),
        overall_level=5,
        overall_mean=5.0,
    )
    segments = diagnostic_levels_by_segment()
    assert [(s.ksic_section, s.size_class, s.companies, s.mean_overall_level) for s in segments] == [
        ("C", "small", 2, 3.0),
        ("J", "medium", 1, 5.0),
    ]
    assert segments[0].overall_level_counts == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    assert segments[0].mean_area_levels["data"] == 3.0
    assert diagnostic_level_distribution() == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}


def test_eligible_calls_carry_the_screening_reasons(sme: Sme) -> None:
    program = ProgramFactory()
    fits = CallFactory(
        program=program,
        title_en="Manufacturing AI voucher",
        eligibility_rules={
            "version": 1,
            "rules": [
                {"kind": "size_class_in", "size_classes": ["small", "medium"]},
                {"kind": "required_documents", "document_kinds": ["business_plan"]},
            ],
        },
    )
    too_big = CallFactory(
        program=program,
        eligibility_rules={"version": 1, "rules": [{"kind": "size_class_in", "size_classes": ["startup"]}]},
    )
    CallFactory(
        program=program, closes_at=timezone.now() - dt.timedelta(days=1), opens_at=timezone.now() - dt.timedelta(days=9)
    )
    found = {item.call.pk: item for item in open_calls_eligibility(sme.company)}
    assert set(found) == {fits.pk, too_big.pk}
    assert found[fits.pk].is_eligible
    assert [verdict.reason for verdict in found[fits.pk].verdicts] == ["The size class (Small enterprise) is eligible."]
    assert found[fits.pk].to_prepare == ("Documents required: Business plan.",)
    assert not found[too_big.pk].is_eligible
    assert [verdict.reason for verdict in found[too_big.pk].verdicts] == [
        "The size class (Small enterprise) is not eligible; eligible size classes: "
        "Startup (within 7 years of founding)."
    ]


def test_courses_are_recommended_for_the_weakest_areas_at_a_fitting_level(sme: Sme) -> None:
    answers = all_answers(4)
    answers.update(data_collection=1, data_quality=1, data_access=1, people_skills=2, people_training=2)
    diagnostic = diagnostic_submit(user=sme.user, company=sme.company, answers=answers, problem="")
    beginner_data = SessionFactory(course=CourseFactory(area="data", level="beginner", title_en="Data basics"))
    SessionFactory(course=CourseFactory(area="data", level="advanced", title_en="Data platforms"))
    busan_only = SessionFactory(course=CourseFactory(area="data", delivery="on_site", region="busan"))
    people = SessionFactory(course=CourseFactory(area="people", level="intermediate"))
    SessionFactory(course=CourseFactory(area="strategy"))
    groups = recommended_sessions(_result_of(diagnostic), sme.company)
    assert [(group.area, group.level) for group in groups] == [("data", 1), ("people", 3)]
    assert groups[0].sessions[0] == beginner_data
    assert busan_only not in groups[0].sessions  # an on-site course in another region
    assert groups[1].sessions == [people]


def test_the_result_page_shows_calls_courses_consulting_and_matching_startups(
    sme: Sme, django_capture_on_commit_callbacks: Any
) -> None:
    startup = CompanyFactory(name_ko="(주)비전에이아이", size_class="startup")
    StartupProfile.objects.create(
        company=startup,
        solution_ko="비지도 이상탐지 기반 외관 검사: 정상 이미지만으로 학습해 "
        "스크래치와 찍힘 같은 표면 불량을 찾습니다.",
        sectors=["C"],
    )
    matching.matching_index_rebuild(matching.PROFILES)
    CallFactory(title_ko="제조 AI 바우처", eligibility_rules={"version": 1, "rules": []})
    SessionFactory(course=CourseFactory(area="data", title_ko="데이터 기초"))
    answers = all_answers(3)
    answers.update(data_collection=1, data_quality=1)
    diagnostic = diagnostic_submit(
        user=sme.user,
        company=sme.company,
        answers=answers,
        problem="야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다.",
    )
    from foster.learning.models import Consultant
    from tests.learning.factories import ConsultantFactory

    ConsultantFactory()
    assert Consultant.objects.count() == 1
    client = Client()
    client.force_login(sme.user)
    page = client.get(reverse("learning:diagnostic-detail", kwargs={"pk": diagnostic.pk})).content.decode()
    assert "제조 AI 바우처" in page
    assert "데이터 기초" in page
    assert "(주)비전에이아이" in page
    assert "찍힘" in page.split('id="matching-startups"')[1]  # a shared word as the reason
    consulting = reverse("learning:consulting-request", kwargs={"pk": sme.company.pk}) + f"?diagnostic={diagnostic.pk}"
    assert f'href="{consulting}"' in page
    form = client.get(consulting).content.decode()
    assert 'value="data" checked' in form or 'value="data" selected' in form
    assert "야간조에서 육안 검사로" in form


def test_another_companys_diagnostic_is_not_found(sme: Sme, client_for: Any) -> None:
    diagnostic = diagnostic_submit(user=sme.user, company=sme.company, answers=all_answers(), problem="")
    for role in ("company_member", "agency_official", "ministry_planner"):
        response = client_for(role).get(reverse("learning:diagnostic-detail", kwargs={"pk": diagnostic.pk}))
        assert response.status_code == 404


def test_the_api_refuses_an_incomplete_questionnaire_and_returns_a_result_with_recommendations(sme: Sme) -> None:
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # the API negotiates the language
    client.force_authenticate(sme.user)
    url = reverse("api:learning-diagnostic-list")
    answers = all_answers(3)
    del answers["people_leadership"]
    response = client.post(url, {"company": sme.company.pk, "answers": answers, "problem": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["__all__"] == [
        "Answer every question before the result can be computed. Unanswered (1): "
        "9. How well does management understand AI?"
    ]
    assert response.json()["people_leadership"] == ["Choose one answer."]
    assert Diagnostic.objects.count() == 0
    CallFactory(title_en="Open to everyone", eligibility_rules={"version": 1, "rules": []})
    response = client.post(url, {"company": sme.company.pk, "answers": all_answers(4), "problem": ""}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["overall_level"], body["area_levels"]["data"]) == (4, 4)
    assert [call["title"] for call in body["eligible_calls"]] == ["Open to everyone"]
    assert body["matching_startups"] == []  # no problem typed
    assert client.get(reverse("api:learning-diagnostic-detail", kwargs={"pk": body["id"]})).json()["id"] == body["id"]
