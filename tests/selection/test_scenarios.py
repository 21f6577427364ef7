"""Selection scenarios through their services and pages: the problem built from applications,
program tags and the ledger's exposure; the background run; translated explanations; the commit
through the workflow; refusals that change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.applications.choices import ApplicationStatus
from foster.applications.models import Application, StatusChange
from foster.core.choices import JobStatus, NotificationKind
from foster.core.models import AuditEvent, Job, Notification
from foster.engines.selection import ConstraintType, Decision
from foster.finance.models import CompanyExposure
from foster.selection.choices import ScenarioStatus
from foster.selection.explanations import explanation_sentence, flip_sentence
from foster.selection.models import SelectionScenario
from foster.selection.services import (
    ScenarioSettings,
    commit_plan,
    scenario_commit,
    scenario_create,
    scenario_override_set,
    scenario_problem_build,
    scenario_run,
    scenario_run_enqueue,
    scenario_update,
)
from tests.factories import AgencyFactory, AgencyMembershipFactory, CompanyMembershipFactory, UserFactory
from tests.selection.factories import Spec, scored_call

BILLION = 1_000_000_000


@pytest.fixture
def official(db: None, agency: Agency) -> User:
    return AgencyMembershipFactory(agency=agency).user


@pytest.fixture
def planner(db: None) -> User:
    user = UserFactory(role=Role.MINISTRY_PLANNER)
    AgencyMembershipFactory(user=user, agency=AgencyFactory(code="mss"))
    return user


@pytest.fixture
def call_and_applications(agency: Agency) -> tuple[Any, list[Application]]:
    """Budget KRW 5 billion; four applications. The best portfolio under the budget is 0, 1, 3
    (score 90 + 80 + 60 = 230, KRW 5 billion); 2 does not fit beside 0 and 1."""
    call, applications = scored_call(
        agency,
        [
            Spec(score=90, amount_krw=2 * BILLION, region="busan", ai_adoption="ai_provider"),
            Spec(score=80, amount_krw=2 * BILLION, region="seoul"),
            Spec(score=70, amount_krw=3 * BILLION, region="seoul", section="J", division="62"),
            Spec(score=60, amount_krw=1 * BILLION, region="daegu"),
        ],
        policy_tags=["innovative_growth"],
        budget_krw=5 * BILLION,
        max_award_krw=3 * BILLION,
    )
    for application in applications:
        CompanyMembershipFactory(company=application.company)
    return call, applications


def _scenario(official: User, call: Any, **changes: Any) -> SelectionScenario:
    scenario = scenario_create(user=official, call=call, name="기본안")
    if changes:
        settings = ScenarioSettings.from_json(scenario.settings)
        for key, value in changes.items():
            setattr(settings, key, value)
        scenario = scenario_update(user=official, scenario=scenario, name=scenario.name, settings=settings)
    return scenario


def _run(official: User, scenario: SelectionScenario, capture: Any) -> SelectionScenario:
    with capture(execute=True):
        job = scenario_run_enqueue(user=official, scenario=scenario)
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
    return SelectionScenario.objects.get(pk=scenario.pk)


# --- The problem ------------------------------------------------------------------------------


def test_defaults_come_from_the_call_and_program_tags(official: User, call_and_applications: Any) -> None:
    call, _applications = call_and_applications
    settings = ScenarioSettings.from_json(_scenario(official, call).settings)
    assert settings.budget_krw == 5 * BILLION
    assert settings.ai_share_percent == 60.0  # the program is tagged innovative growth
    assert settings.strategic_share_percent is None  # not an R&D program
    assert settings.designation_count is None  # not a designation program
    assert settings.company_cap_krw == 10 * BILLION
    assert settings.reserve_count == 5


def test_problem_is_built_from_applications_tags_and_exposure(official: User, call_and_applications: Any) -> None:
    call, applications = call_and_applications
    CompanyExposure.objects.create(company=applications[1].company, total_krw=9 * BILLION)
    scenario = _scenario(official, call, regional_minimums_krw={"busan": BILLION}, sector_maximums_krw={"J": 0})
    scenario_override_set(
        user=official, scenario=scenario, application_id=applications[3].pk, decision="out", reason="중복 지원"
    )
    scenario.refresh_from_db()

    problem = scenario_problem_build(scenario)

    by_id = {candidate.id: candidate for candidate in problem.candidates}
    first = by_id[str(applications[0].pk)]
    assert first.value == pytest.approx(90.0)
    assert first.costs == {"amount_krw": 2 * BILLION}
    assert first.attributes == {
        "sector": "C",
        "region": "busan",
        "size": "small",
        "ai": "yes",  # an AI provider
        "strategic": "no",
        "designation": "no",
        "company": str(applications[0].company_id),
        "call": str(call.pk),
    }
    assert by_id[str(applications[1].pk)].attributes["ai"] == "no"
    constraints = {constraint.name: constraint for constraint in problem.constraints}
    assert list(constraints) == ["budget", "ai_share", "region_minimum:busan", "sector_maximum:J", "company_cap"]
    assert constraints["budget"].max == 5 * BILLION
    assert constraints["ai_share"].type == ConstraintType.SHARE
    assert constraints["ai_share"].min == pytest.approx(0.6)
    assert constraints["ai_share"].where == {"ai": ("yes",)}
    assert constraints["region_minimum:busan"].min == BILLION
    assert constraints["sector_maximum:J"].max == 0
    cap = constraints["company_cap"]
    assert (cap.type, cap.group_by, cap.max) == (ConstraintType.GROUP_SUM, "company", 10 * BILLION)
    assert cap.existing == {str(applications[1].company_id): 9 * BILLION}
    assert [(o.id, o.decision, o.reason) for o in problem.overrides] == [
        (str(applications[3].pk), Decision.OUT, "중복 지원")
    ]


# --- Running ------------------------------------------------------------------------------------


def test_run_in_the_background_stores_problem_result_and_figures(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, applications = call_and_applications
    scenario = _scenario(official, call, ai_share_percent=None)

    solved = _run(official, scenario, django_capture_on_commit_callbacks)

    assert solved.status == ScenarioStatus.SOLVED
    assert solved.solve_status == "optimal"
    assert solved.objective == pytest.approx(230.0)
    assert solved.bound == pytest.approx(230.0, abs=1e-6)
    assert sorted(solved.result["selected"]) == sorted(str(applications[i].pk) for i in (0, 1, 3))
    assert len(solved.problem["candidates"]) == 4
    assert solved.result["binding"] == ["budget"]
    assert len(solved.result["sensitivity"]["points"]) == 11
    assert AuditEvent.objects.filter(action="selection.run", object_id=str(scenario.pk)).count() == 1


def test_a_stored_problem_reruns_to_the_same_portfolio(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from foster.engines.selection import problem_from_json, solve_selection

    call, _applications = call_and_applications
    solved = _run(
        official, _scenario(official, call, use_lottery=True, tie_band=15.0), django_capture_on_commit_callbacks
    )

    again = solve_selection(problem_from_json(solved.problem), time_limit=10)

    assert list(again.selected) == solved.result["selected"]
    assert again.objective == pytest.approx(solved.objective)


def test_explanations_are_translated_from_code_and_params(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, applications = call_and_applications
    solved = _run(official, _scenario(official, call, ai_share_percent=None), django_capture_on_commit_callbacks)
    left_out = solved.result["explanations"][str(applications[2].pk)]
    chosen = solved.result["explanations"][str(applications[0].pk)]

    with translation.override("en"):
        assert explanation_sentence(chosen).startswith("Selected: part of the portfolio of greatest total score")
        assert explanation_sentence(left_out).startswith("Not selected: it would not fit; adding it would break budget")
        assert flip_sentence(
            {"direction": "increase", "is_exact": True, "is_possible": True, "value_change": 10.5}
        ) == ("Selected if its score rose by more than 10.50.")
    with translation.override("ko"):
        assert explanation_sentence(left_out)  # worded, whatever the catalogue says today


def test_an_infeasible_scenario_names_the_conflict(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    call, _applications = call_and_applications
    scenario = _scenario(official, call, regional_minimums_krw={"jeju": BILLION})

    solved = _run(official, scenario, django_capture_on_commit_callbacks)

    assert solved.solve_status == "infeasible"
    assert solved.objective is None
    assert "region_minimum:jeju" in solved.result["conflict"]["constraints"]
    client.force_login(official)
    with translation.override("en"):
        page = client.get(reverse("selection:scenario-result", args=[scenario.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert b"Commit this scenario" not in page.content


# --- Pages ------------------------------------------------------------------------------------


def test_result_and_compare_pages(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    call, applications = call_and_applications
    first = _run(official, _scenario(official, call, ai_share_percent=None), django_capture_on_commit_callbacks)
    second_draft = scenario_create(user=official, call=call, name="예산 80%")
    settings = ScenarioSettings.from_json(second_draft.settings)
    settings.budget_krw, settings.ai_share_percent = 4 * BILLION, None
    second = _run(
        official,
        scenario_update(user=official, scenario=second_draft, name="예산 80%", settings=settings),
        django_capture_on_commit_callbacks,
    )
    client.force_login(official)

    result = client.get(reverse("selection:scenario-result", args=[first.pk]))
    compare = client.get(reverse("selection:call-compare", args=[call.pk]), {"scenario": [first.pk, second.pk]})

    assert result.status_code == 200
    assert "신청 3건 선정, 5,000,000,000원" in result.content.decode()
    client.cookies["django_language"] = "en"  # the language switch's cookie
    english = client.get(reverse("selection:scenario-result", args=[first.pk]))
    del client.cookies["django_language"]
    assert "3 applications selected, KRW 5,000,000,000" in english.content.decode()
    assert b"<svg" in result.content and b"<polyline" in result.content
    assert result.context["report"].summary.money_krw == 5 * BILLION
    assert [line.outcome for line in result.context["report"].lines] == ["selected", "selected", "selected", "reserve"]
    assert compare.status_code == 200
    comparison = compare.context["comparison"]
    assert [summary.scenario.pk for summary in comparison.summaries] == [first.pk, second.pk]
    assert [summary.count for summary in comparison.summaries] == [3, 2]
    differing = {application.pk: flags for application, flags in comparison.differences}
    assert differing == {applications[3].pk: (True, False)}


def test_settings_form_saves_and_clears_the_result(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    call, _applications = call_and_applications
    scenario = _run(official, _scenario(official, call), django_capture_on_commit_callbacks)
    client.force_login(official)

    response = client.post(
        reverse("selection:scenario-detail", args=[scenario.pk]),
        {
            "name": "수정안",
            "budget_krw": 4 * BILLION,
            "ai_share_percent": "50",
            "seed": 7,
            "reserve_count": 2,
            "company_cap_krw": 10 * BILLION,
            "region_busan": BILLION,
            "sector_J": "0",
        },
    )

    assert response.status_code == 302
    scenario.refresh_from_db()
    settings = ScenarioSettings.from_json(scenario.settings)
    assert (scenario.name, settings.budget_krw, settings.ai_share_percent, settings.seed) == (
        "수정안",
        4 * BILLION,
        50.0,
        7,
    )
    assert settings.regional_minimums_krw == {"busan": BILLION}
    assert settings.sector_maximums_krw == {"J": 0}
    assert (scenario.status, scenario.result) == (ScenarioStatus.DRAFT, None)


# --- Commit -------------------------------------------------------------------------------------


def test_commit_moves_applications_through_the_workflow_and_notifies(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, applications = call_and_applications
    scenario = _run(
        official, _scenario(official, call, ai_share_percent=None, reserve_count=0), django_capture_on_commit_callbacks
    )
    other = scenario_create(user=official, call=call, name="대안")

    with django_capture_on_commit_callbacks(execute=True):
        plan = scenario_commit(user=official, scenario=scenario)

    assert plan.selected == sorted(applications[i].pk for i in (0, 1, 3))
    assert (plan.reserve, plan.rejected) == ([], [applications[2].pk])
    statuses = dict(Application.objects.filter(call=call).values_list("pk", "status"))
    assert statuses == {
        applications[0].pk: ApplicationStatus.SELECTED,
        applications[1].pk: ApplicationStatus.SELECTED,
        applications[2].pk: ApplicationStatus.REJECTED,
        applications[3].pk: ApplicationStatus.SELECTED,
    }
    rejected_change = StatusChange.objects.get(application=applications[2], transition="reject")
    assert rejected_change.reason  # the explanation, in the platform's language
    assert Notification.objects.filter(kind=NotificationKind.DECISION).count() == 4
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.COMMITTED
    assert AuditEvent.objects.filter(action="selection.commit", object_id=str(scenario.pk)).count() == 1
    # Committed: not again, and the call's other scenarios are read-only.
    with pytest.raises(ValidationError):
        scenario_commit(user=official, scenario=scenario)
    with pytest.raises(ValidationError):
        scenario_update(user=official, scenario=other, name="x", settings=ScenarioSettings.from_json(other.settings))
    with pytest.raises(ValidationError):
        scenario_run_enqueue(user=official, scenario=other)


def test_commit_puts_the_next_by_score_on_the_reserve_list(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, applications = call_and_applications
    scenario = _run(
        official,
        _scenario(official, call, ai_share_percent=None, budget_krw=2 * BILLION, reserve_count=2),
        django_capture_on_commit_callbacks,
    )

    plan = commit_plan(scenario)

    assert plan.selected == [applications[0].pk]
    assert plan.reserve == [applications[1].pk, applications[2].pk]
    assert plan.rejected == [applications[3].pk]


def test_commit_without_decision_notices_when_the_call_sends_none(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, _applications = call_and_applications
    call.notify_decision = False
    call.save(update_fields=["notify_decision"])
    scenario = _run(official, _scenario(official, call, ai_share_percent=None), django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        scenario_commit(user=official, scenario=scenario)

    assert Notification.objects.filter(kind=NotificationKind.DECISION).count() == 0


def _snapshot(call: Any) -> tuple[Any, ...]:
    return (
        sorted(Application.objects.filter(call=call).values_list("pk", "status")),
        StatusChange.objects.count(),
        sorted(SelectionScenario.objects.filter(call=call).values_list("pk", "status")),
        AuditEvent.objects.filter(action="selection.commit").count(),
    )


def test_a_commit_failing_half_way_changes_nothing(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, applications = call_and_applications
    scenario = _run(official, _scenario(official, call, ai_share_percent=None), django_capture_on_commit_callbacks)
    # The last application (by id) was withdrawn after the run: the commit must refuse as a whole.
    Application.objects.filter(pk=applications[2].pk).update(status=ApplicationStatus.WITHDRAWN)
    before = _snapshot(call)

    with pytest.raises(ValidationError):
        scenario_commit(user=official, scenario=scenario)

    assert _snapshot(call) == before


def test_a_failing_transition_rolls_back_the_earlier_ones(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from foster.selection import services

    call, _applications = call_and_applications
    scenario = _run(official, _scenario(official, call, ai_share_percent=None), django_capture_on_commit_callbacks)
    before = _snapshot(call)
    real = services.application_transition
    calls: list[int] = []

    def failing(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "application_transition", failing)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        scenario_commit(user=official, scenario=scenario)

    assert _snapshot(call) == before
    assert Notification.objects.count() == 0


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error_key"),
    [
        ("budget_krw", 0, "budget_krw"),
        ("ai_share_percent", 120.0, "ai_share_percent"),
        ("strategic_share_percent", -1.0, "strategic_share_percent"),
        ("designation_count", -3, "designation_count"),
        ("company_cap_krw", 0, "company_cap_krw"),
        ("regional_minimums_krw", {"busan": -1}, "region_busan"),
        ("regional_minimums_krw", {"atlantis": 5}, "regional_minimums_krw"),
        ("sector_maximums_krw", {"C": -5}, "sector_C"),
        ("tie_band", -0.5, "tie_band"),
        ("seed", -1, "seed"),
        ("reserve_count", 5000, "reserve_count"),
    ],
)
def test_bad_input_is_refused_per_field_and_changes_nothing(
    official: User, call_and_applications: Any, field: str, value: Any, error_key: str
) -> None:
    call, _applications = call_and_applications
    scenario = _scenario(official, call)
    settings = ScenarioSettings.from_json(scenario.settings)
    setattr(settings, field, value)
    before = (scenario.name, dict(scenario.settings), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as error:
        scenario_update(user=official, scenario=scenario, name="바뀐 이름", settings=settings)

    assert error.value.message_dict.keys() == {error_key}
    scenario.refresh_from_db()
    assert (scenario.name, scenario.settings, AuditEvent.objects.count()) == before


def test_a_call_of_another_agency_cannot_share_the_budget(official: User, call_and_applications: Any) -> None:
    call, _applications = call_and_applications
    foreign, _ = scored_call(AgencyFactory(code="kodit"), [])
    settings = ScenarioSettings.from_json(_scenario(official, call).settings)
    settings.extra_call_ids = [foreign.pk]

    with pytest.raises(ValidationError) as error:
        scenario_create(user=official, call=call, name="공동", settings=settings)

    assert set(error.value.message_dict) == {"extra_calls"}


def test_an_override_needs_a_reason(official: User, call_and_applications: Any) -> None:
    call, applications = call_and_applications
    scenario = _scenario(official, call)

    with pytest.raises(ValidationError) as error:
        scenario_override_set(
            user=official, scenario=scenario, application_id=applications[0].pk, decision="in", reason=" "
        )

    assert set(error.value.message_dict) == {"reason"}
    scenario.refresh_from_db()
    assert scenario.overrides == []


@pytest.mark.parametrize("who", ["planner", "other_official", "company_member"])
def test_only_officials_of_the_agency_create_run_and_commit(
    who: str, official: User, planner: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any
) -> None:
    call, _applications = call_and_applications
    scenario = _run(official, _scenario(official, call, ai_share_percent=None), django_capture_on_commit_callbacks)
    user = {
        "planner": planner,
        "other_official": AgencyMembershipFactory(agency=AgencyFactory(code="kodit")).user,
        "company_member": UserFactory(role=Role.COMPANY_MEMBER),
    }[who]
    before = (_snapshot(call), Job.objects.count(), SelectionScenario.objects.count())

    for attempt in (
        lambda: scenario_create(user=user, call=call, name="남의 안"),
        lambda: scenario_run_enqueue(user=user, scenario=scenario),
        lambda: scenario_run(user=user, scenario=scenario),
        lambda: scenario_commit(user=user, scenario=scenario),
        lambda: scenario_update(
            user=user, scenario=scenario, name="x", settings=ScenarioSettings.from_json(scenario.settings)
        ),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    assert (_snapshot(call), Job.objects.count(), SelectionScenario.objects.count()) == before


# --- The pages' run and commit, and the API ------------------------------------------------------


def test_pages_create_run_and_commit(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    call, _applications = call_and_applications
    client.force_login(official)

    created = client.post(reverse("selection:call-scenarios", args=[call.pk]), {"name": "기본안"})
    scenario = SelectionScenario.objects.get(call=call)
    assert created["Location"] == reverse("selection:scenario-detail", args=[scenario.pk])
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(reverse("selection:scenario-run", args=[scenario.pk]))
    job = Job.objects.get(kind="selection.run")
    assert run["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["next_url"] == reverse("selection:scenario-result", args=[scenario.pk])
    unconfirmed = client.post(reverse("selection:scenario-commit", args=[scenario.pk]))
    assert unconfirmed.status_code == 200
    assert Application.objects.filter(call=call, status=ApplicationStatus.REVIEWED).count() == 4

    committed = client.post(reverse("selection:scenario-commit", args=[scenario.pk]), {"confirm": "yes"})

    assert committed.status_code == 302
    assert Application.objects.filter(call=call, status=ApplicationStatus.REVIEWED).count() == 0
    again = client.post(reverse("selection:scenario-commit", args=[scenario.pk]), {"confirm": "yes"})
    assert again.status_code == 200  # refused, shown on the page
    assert len(again.context["errors"]) == 1


def test_api_lists_only_the_scope(official: User, planner: User, call_and_applications: Any, client: Client) -> None:
    call, _applications = call_and_applications
    scenario = _scenario(official, call)
    other_official = AgencyMembershipFactory(agency=AgencyFactory(code="kodit")).user

    seen = {}
    for name, user in (("official", official), ("planner", planner), ("other", other_official)):
        client.force_login(user)
        seen[name] = [item["id"] for item in client.get(reverse("api:selection-scenario-list")).json()["results"]]

    assert seen == {"official": [scenario.pk], "planner": [scenario.pk], "other": []}


def test_the_score_given_up_to_an_override_is_shown(
    official: User, call_and_applications: Any, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    call, applications = call_and_applications
    scenario = _scenario(official, call, ai_share_percent=None)
    scenario_override_set(
        user=official, scenario=scenario, application_id=applications[0].pk, decision="out", reason="중복 지원"
    )

    solved = _run(official, scenario, django_capture_on_commit_callbacks)

    # Without the best application the budget funds 1, 2 (80 + 70) or 1, 3 (80 + 60) ...: best 150 + 0.
    assert solved.objective == pytest.approx(150.0)
    assert solved.result["overrides"]["objective_lost"] == pytest.approx(80.0)
    assert solved.result["explanations"][str(applications[0].pk)]["code"] == "override_out"
    assert commit_plan(solved).reserve[:1] == [applications[3].pk]  # the locked-out one is not on the reserve list
    client.force_login(official)
    with translation.override("en"):
        page = client.get(reverse("selection:scenario-result", args=[scenario.pk]))
        assert "미선정: 위원회가 선정 제외로 조정했습니다(중복 지원)." in page.content.decode()  # Korean by default
