"""Evaluating and selecting proposals with the reviews' and selection's engines, proof-of-concept
projects, their milestones and deliverables, success cases with both sides' consent, notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from foster.accounts.choices import Role
from foster.core.models import AuditEvent, Notification
from foster.innovation.choices import Confidentiality, MilestoneState, PocOutcome, PocState, ProposalState
from foster.innovation.models import PocMilestone, PocProject, Proposal, ProposalEvaluation, SuccessCase
from foster.innovation.selectors import startup_search, success_case_published_queryset
from foster.innovation.services import (
    MilestoneData,
    ProposalData,
    StartupProfileData,
    SuccessCaseData,
    challenge_invite,
    poc_milestone_add,
    poc_milestone_decide,
    poc_milestone_delete,
    poc_milestone_submit,
    poc_milestone_update,
    poc_project_complete,
    poc_project_start,
    poc_project_stop,
    proposal_decide,
    proposal_evaluate,
    proposal_ranking,
    proposal_selection_apply,
    proposal_selection_suggest,
    proposal_submit,
    startup_profile_save,
    success_case_consent,
    success_case_save,
)
from foster.registry.choices import SizeClass
from tests.factories import UserFactory
from tests.innovation.conftest import Side, side
from tests.innovation.test_services import open_challenge

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ALL_FOURS = {"fit": 4, "feasibility": 4, "track_record": 4, "value": 4}


def scores(fit: int, feasibility: int, track_record: int, value: int) -> dict[str, int]:
    return {"fit": fit, "feasibility": feasibility, "track_record": track_record, "value": value}


def propose(challenge: Any, price_krw: int = 50_000_000, weeks: int = 10) -> tuple[Side, Proposal]:
    proposer = side(Role.COMPANY_MEMBER, SizeClass.STARTUP)
    proposal = proposal_submit(
        user=proposer.user,
        challenge=challenge,
        company=proposer.company,
        data=ProposalData(
            approach="비지도 이상탐지로 야간 검사를 자동화합니다.", price_krw=price_krw, duration_weeks=weeks
        ),
    )
    return proposer, proposal


def selected_project(large: Side, **challenge: Any) -> tuple[Side, PocProject]:
    owned = open_challenge(large, **challenge)
    proposer, proposal = propose(owned, price_krw=40_000_000, weeks=8)
    proposal_decide(user=large.user, proposal=proposal, to_state=ProposalState.SELECTED)
    return proposer, PocProject.objects.get(proposal=proposal)


def running_project(large: Side) -> tuple[Side, PocProject, PocMilestone]:
    proposer, project = selected_project(large)
    milestone = poc_milestone_add(
        user=proposer.user,
        project=project,
        data=MilestoneData(
            title="야간 영상 검증", deliverable="야간 이미지 2,000장 검증 보고서", due_on=dt.date(2026, 2, 20)
        ),
    )
    poc_project_start(user=large.user, project=project)
    project.refresh_from_db()
    return proposer, project, milestone


# --- Evaluations and the ranking --------------------------------------------------------------


def test_evaluation_names_every_bad_criterion_and_stores_nothing(large: Side) -> None:
    _, proposal = propose(open_challenge(large))
    with pytest.raises(ValidationError) as raised:
        proposal_evaluate(user=large.user, proposal=proposal, scores={"fit": 6, "feasibility": "4", "value": 3})
    assert sorted(raised.value.message_dict) == ["feasibility", "fit", "track_record"]
    assert ProposalEvaluation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="innovation.proposal_evaluate").exists()


def test_only_the_owner_side_evaluates(large: Side) -> None:
    proposer, proposal = propose(open_challenge(large))
    for user in (proposer.user, UserFactory(role=Role.AGENCY_OFFICIAL)):
        with pytest.raises(PermissionDenied):
            proposal_evaluate(user=user, proposal=proposal, scores=ALL_FOURS)
    assert ProposalEvaluation.objects.count() == 0


def test_a_second_evaluation_by_the_same_person_replaces_the_first(large: Side) -> None:
    _, proposal = propose(open_challenge(large))
    proposal_evaluate(user=large.user, proposal=proposal, scores=ALL_FOURS)
    proposal_evaluate(user=large.user, proposal=proposal, scores=scores(5, 5, 5, 5), comment="충분")
    evaluation = ProposalEvaluation.objects.get()
    assert (evaluation.scores, evaluation.comment) == (scores(5, 5, 5, 5), "충분")
    ranking = proposal_ranking(challenge=proposal.challenge)
    assert [(row.evaluations, row.mean, row.adjusted, row.rank) for row in ranking] == [(1, 100.0, 100.0, 1)]


def test_ranking_removes_an_evaluators_leniency(large: Side) -> None:
    challenge = open_challenge(large)
    second = UserFactory(role=Role.LARGE_COMPANY_MEMBER)
    second.company_memberships.create(company=large.company)
    (_, first_proposal), (_, second_proposal), (_, unscored) = (propose(challenge) for _ in range(3))
    # the lenient evaluator gives everything one point more; both rank the first proposal higher
    proposal_evaluate(user=large.user, proposal=first_proposal, scores=scores(4, 4, 4, 4))
    proposal_evaluate(user=large.user, proposal=second_proposal, scores=scores(2, 2, 2, 2))
    proposal_evaluate(user=second, proposal=first_proposal, scores=scores(5, 5, 5, 5))
    proposal_evaluate(user=second, proposal=second_proposal, scores=scores(3, 3, 3, 3))

    ranking = proposal_ranking(challenge=challenge)
    # means on 0-100: (75 + 100) / 2 and (25 + 50) / 2; the additive model gives the same means here
    assert [(row.proposal.pk, row.evaluations, row.mean, row.adjusted, row.rank) for row in ranking] == [
        (first_proposal.pk, 2, 87.5, 87.5, 1),
        (second_proposal.pk, 2, 37.5, 37.5, 2),
        (unscored.pk, 0, None, None, None),
    ]


def test_a_decided_proposal_is_no_longer_evaluated(large: Side) -> None:
    _, proposal = propose(open_challenge(large))
    proposal_decide(user=large.user, proposal=proposal, to_state=ProposalState.REJECTED)
    with pytest.raises(ValidationError):
        proposal_evaluate(user=large.user, proposal=proposal, scores=ALL_FOURS)
    assert ProposalEvaluation.objects.count() == 0


# --- The selection engine's suggestion ---------------------------------------------------------


def test_suggestion_is_the_best_total_within_the_budget_not_the_best_single_scores(large: Side) -> None:
    challenge = open_challenge(large, budget_krw=100_000_000)
    (_, best), (_, second), (_, third), (_, unscored) = (
        propose(challenge, price_krw=price) for price in (70_000_000, 50_000_000, 50_000_000, 10_000_000)
    )
    proposal_evaluate(user=large.user, proposal=best, scores=scores(5, 5, 5, 5))  # 100, but 70 million
    proposal_evaluate(user=large.user, proposal=second, scores=scores(4, 4, 4, 4))  # 75
    proposal_evaluate(user=large.user, proposal=third, scores=scores(4, 4, 4, 3))  # 70
    with translation.override("en"):
        suggestion = proposal_selection_suggest(challenge=challenge)
    # greedy by score would take the 100 alone (70 million; nothing else fits); 75 + 70 = 145 is better
    assert suggestion.status == "optimal"
    assert suggestion.selected_ids == tuple(sorted((second.pk, third.pk)))
    assert suggestion.total_price_krw == 100_000_000
    assert suggestion.left_out == (unscored.pk,)
    assert set(suggestion.reasons) == {best.pk, second.pk, third.pk}
    assert suggestion.reasons[best.pk] == (
        "Not selected: it would not fit; adding it would break budget (room left 0, it needs 70,000,000)."
    )

    limited = proposal_selection_suggest(challenge=challenge, max_projects=1)
    assert limited.selected_ids == (best.pk,)
    assert Proposal.objects.filter(state=ProposalState.SELECTED).count() == 0  # it only suggests


def test_suggestion_without_evaluations_says_so(large: Side) -> None:
    challenge = open_challenge(large)
    _, proposal = propose(challenge)
    suggestion = proposal_selection_suggest(challenge=challenge)
    assert (suggestion.status, suggestion.selected_ids, suggestion.left_out) == ("empty", (), (proposal.pk,))


def test_applying_selects_all_or_nothing(large: Side) -> None:
    challenge = open_challenge(large)
    (_, first), (_, second) = propose(challenge), propose(challenge)
    proposal_decide(user=large.user, proposal=second, to_state=ProposalState.REJECTED)
    with pytest.raises(ValidationError):
        proposal_selection_apply(user=large.user, challenge=challenge, proposal_ids=[first.pk, second.pk], reason="x")
    first.refresh_from_db()
    assert first.state == ProposalState.SUBMITTED
    assert PocProject.objects.count() == 0

    assert proposal_selection_apply(user=large.user, challenge=challenge, proposal_ids=[first.pk], reason="제안") == 1
    first.refresh_from_db()
    assert first.state == ProposalState.SELECTED
    assert PocProject.objects.get().proposal == first
    assert AuditEvent.objects.filter(action="innovation.proposal_decide", reason="제안").count() == 1


def test_only_the_owner_applies_a_selection(large: Side) -> None:
    challenge = open_challenge(large)
    proposer, proposal = propose(challenge)
    with pytest.raises(PermissionDenied):
        proposal_selection_apply(user=proposer.user, challenge=challenge, proposal_ids=[proposal.pk], reason="x")
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED


# --- Selection opens the project; notices --------------------------------------------------------


def test_selecting_opens_the_project_with_the_proposals_terms(large: Side) -> None:
    proposer, project = selected_project(large)
    assert (project.state, project.budget_krw, project.company, project.challenge.owner_company) == (
        PocState.PLANNED,
        40_000_000,
        proposer.company,
        large.company,
    )
    assert (project.starts_on, project.ends_on) == (dt.date(2026, 1, 5), dt.date(2026, 3, 2))  # start + 8 weeks


def test_proposals_and_decisions_are_notified_to_the_other_side(
    large: Side, django_capture_on_commit_callbacks: Any
) -> None:
    challenge = open_challenge(large)
    with django_capture_on_commit_callbacks(execute=True):
        proposer, proposal = propose(challenge)
    assert list(Notification.objects.values_list("user", "kind")) == [(large.user.pk, "proposal_received")]
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(user=large.user, proposal=proposal, to_state=ProposalState.SELECTED)
    notice = Notification.objects.get(user=proposer.user)
    assert notice.kind == "proposal_decision"
    assert "프로젝트" in notice.body or "project" in notice.body


# --- Milestones and deliverables ----------------------------------------------------------------


def test_a_project_does_not_start_without_a_milestone(large: Side) -> None:
    proposer, project = selected_project(large)
    with pytest.raises(ValidationError):
        poc_project_start(user=large.user, project=project)
    with pytest.raises(PermissionDenied):
        poc_project_start(user=proposer.user, project=project)
    project.refresh_from_db()
    assert project.state == PocState.PLANNED


def test_milestone_due_after_the_project_end_is_refused(large: Side) -> None:
    proposer, project = selected_project(large)
    late = MilestoneData(title="최종", deliverable="보고서", due_on=dt.date(2026, 3, 3))
    with pytest.raises(ValidationError) as raised:
        poc_milestone_add(user=proposer.user, project=project, data=late)
    assert list(raised.value.message_dict) == ["due_on"]
    with pytest.raises(ValidationError) as raised:
        poc_milestone_add(user=large.user, project=project, data=MilestoneData(title="", deliverable="", due_on=None))
    assert sorted(raised.value.message_dict) == ["deliverable", "due_on", "title"]
    assert PocMilestone.objects.count() == 0


def test_outsiders_do_not_plan_milestones(large: Side) -> None:
    _, project = selected_project(large)
    stranger = side(Role.COMPANY_MEMBER, SizeClass.STARTUP).user
    with pytest.raises(PermissionDenied):
        poc_milestone_add(
            user=stranger, project=project, data=MilestoneData(title="x", deliverable="y", due_on=dt.date(2026, 2, 1))
        )
    assert PocMilestone.objects.count() == 0


def test_deliverable_submitted_returned_resubmitted_accepted(large: Side, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    proposer, _, milestone = running_project(large)
    with pytest.raises(PermissionDenied):  # the owner does not deliver
        poc_milestone_submit(user=large.user, milestone=milestone, note="x")
    poc_milestone_submit(
        user=proposer.user,
        milestone=milestone,
        note="야간 검출률 99.2%",
        upload=SimpleUploadedFile("결과.pdf", PDF, content_type="application/pdf"),
    )
    milestone.refresh_from_db()
    assert (milestone.state, milestone.file_name, milestone.file.read()) == (MilestoneState.SUBMITTED, "결과.pdf", PDF)

    with pytest.raises(ValidationError) as raised:  # returning needs feedback
        poc_milestone_decide(user=large.user, milestone=milestone, accept=False)
    assert list(raised.value.message_dict) == ["feedback"]
    with pytest.raises(PermissionDenied):
        poc_milestone_decide(user=proposer.user, milestone=milestone, accept=True)
    poc_milestone_decide(user=large.user, milestone=milestone, accept=False, feedback="주간 영상도 포함해 주세요.")
    milestone.refresh_from_db()
    assert (milestone.state, milestone.feedback) == (MilestoneState.RETURNED, "주간 영상도 포함해 주세요.")

    poc_milestone_submit(user=proposer.user, milestone=milestone, note="주간·야간 모두 포함")
    poc_milestone_decide(user=large.user, milestone=milestone, accept=True)
    milestone.refresh_from_db()
    assert milestone.state == MilestoneState.ACCEPTED
    assert list(
        AuditEvent.objects.filter(object_type="innovation.pocmilestone").order_by("pk").values_list("action", flat=True)
    ) == [
        "innovation.milestone_add",
        "innovation.milestone_submit",
        "innovation.milestone_decide",
        "innovation.milestone_submit",
        "innovation.milestone_decide",
    ]


def test_a_program_renamed_pdf_is_refused_and_nothing_changes(large: Side, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    proposer, _, milestone = running_project(large)
    with pytest.raises(ValidationError) as raised:
        poc_milestone_submit(
            user=proposer.user, milestone=milestone, note="결과", upload=SimpleUploadedFile("report.pdf", b"MZ\x90\x00")
        )
    assert list(raised.value.message_dict) == ["file"]
    milestone.refresh_from_db()
    assert (milestone.state, milestone.file.name) == (MilestoneState.PLANNED, "")
    assert list(tmp_path.rglob("*.*")) == []


def test_only_undelivered_milestones_are_removed(large: Side) -> None:
    proposer, _, milestone = running_project(large)
    poc_milestone_submit(user=proposer.user, milestone=milestone, note="결과")
    with pytest.raises(ValidationError):
        poc_milestone_delete(user=large.user, milestone=milestone)
    assert PocMilestone.objects.count() == 1


def test_a_milestone_is_re_planned_until_it_is_accepted(large: Side) -> None:
    proposer, project, milestone = running_project(large)
    before = (milestone.title, milestone.deliverable)
    assert project.ends_on is not None  # started: it ends after the proposal's weeks
    new_date = project.ends_on - dt.timedelta(days=1)
    poc_milestone_update(
        user=large.user,
        milestone=milestone,
        data=MilestoneData(title="야간 영상 3,000장 검증", deliverable=before[1], due_on=new_date),
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("야간 영상 3,000장 검증", new_date)
    event = AuditEvent.objects.get(action="innovation.milestone_update")
    assert set(event.changes) == {"title", "due_on"} and event.changes["title"] == [before[0], "야간 영상 3,000장 검증"]

    poc_milestone_submit(user=proposer.user, milestone=milestone, note="결과")
    with pytest.raises(ValidationError):  # handed over: it is judged as it was planned
        poc_milestone_update(
            user=proposer.user,
            milestone=milestone,
            data=MilestoneData(title="다른 것", deliverable="x", due_on=new_date),
        )
    poc_milestone_decide(user=large.user, milestone=milestone, accept=False, feedback="주간 영상도 포함해 주세요.")
    poc_milestone_update(  # returned for changes: the two sides may re-plan it
        user=proposer.user,
        milestone=milestone,
        data=MilestoneData(title="주야간 영상 검증", deliverable="주간·야간 검증 보고서", due_on=new_date),
    )
    milestone.refresh_from_db()
    assert (milestone.title, milestone.state) == ("주야간 영상 검증", MilestoneState.RETURNED)


def test_a_refused_milestone_change_changes_nothing(large: Side) -> None:
    proposer, project, milestone = running_project(large)
    before = PocMilestone.objects.filter(pk=milestone.pk).values().get()
    stranger = side(Role.COMPANY_MEMBER, SizeClass.STARTUP).user
    with pytest.raises(PermissionDenied):
        poc_milestone_update(
            user=stranger, milestone=milestone, data=MilestoneData(title="x", deliverable="y", due_on=milestone.due_on)
        )
    with pytest.raises(ValidationError) as raised:
        poc_milestone_update(
            user=proposer.user, milestone=milestone, data=MilestoneData(title="", deliverable="", due_on=None)
        )
    assert sorted(raised.value.message_dict) == ["deliverable", "due_on", "title"]
    assert project.ends_on is not None
    with pytest.raises(ValidationError) as raised:
        poc_milestone_update(
            user=proposer.user,
            milestone=milestone,
            data=MilestoneData(title="x", deliverable="y", due_on=project.ends_on + dt.timedelta(days=1)),
        )
    assert list(raised.value.message_dict) == ["due_on"]
    assert PocMilestone.objects.filter(pk=milestone.pk).values().get() == before
    assert not AuditEvent.objects.filter(action="innovation.milestone_update").exists()


# --- Completing, stopping, and success cases ---------------------------------------------------


def test_complete_waits_for_decisions_and_achieved_needs_every_deliverable(large: Side) -> None:
    proposer, project, milestone = running_project(large)
    poc_milestone_submit(user=proposer.user, milestone=milestone, note="결과")
    with pytest.raises(ValidationError) as raised:
        poc_project_complete(user=large.user, project=project, outcome=PocOutcome.PARTLY, outcome_summary="요약")
    assert "야간 영상 검증" in raised.value.messages[0]
    poc_milestone_decide(user=large.user, milestone=milestone, accept=False, feedback="보완")
    with pytest.raises(ValidationError) as raised:
        poc_project_complete(user=large.user, project=project, outcome=PocOutcome.ACHIEVED, outcome_summary="요약")
    assert list(raised.value.message_dict) == ["outcome"]
    project.refresh_from_db()
    assert project.state == PocState.RUNNING

    poc_project_complete(
        user=large.user,
        project=project,
        outcome=PocOutcome.PARTLY,
        outcome_summary="야간 불량 유출 감소",
        results="3.1% → 0.9%",
    )
    project.refresh_from_db()
    assert (project.state, project.outcome, project.results) == (PocState.COMPLETED, PocOutcome.PARTLY, "3.1% → 0.9%")


def test_stop_needs_a_reason(large: Side) -> None:
    _, project = selected_project(large)
    with pytest.raises(ValidationError):
        poc_project_stop(user=large.user, project=project, reason=" ")
    poc_project_stop(user=large.user, project=project, reason="예산 삭감")
    project.refresh_from_db()
    assert (project.state, project.stop_reason) == (PocState.STOPPED, "예산 삭감")


def completed_project(large: Side) -> tuple[Side, PocProject]:
    proposer, project, milestone = running_project(large)
    poc_milestone_submit(user=proposer.user, milestone=milestone, note="결과")
    poc_milestone_decide(user=large.user, milestone=milestone, accept=True)
    poc_project_complete(user=large.user, project=project, outcome=PocOutcome.ACHIEVED, outcome_summary="야간 유출 0건")
    project.refresh_from_db()
    return proposer, project


CASE = SuccessCaseData(title_ko="야간조 불량 유출 0건", summary_ko="비지도 이상탐지로 야간 검사를 자동화했습니다.")


def test_success_case_is_published_only_with_both_consents(large: Side) -> None:
    proposer, project = completed_project(large)
    case = success_case_save(user=proposer.user, project=project, data=CASE)
    assert (case.startup_consent_by, case.owner_consent_by, case.is_published) == (proposer.user, None, False)
    assert list(success_case_published_queryset()) == []

    case = success_case_consent(user=large.user, case=case, consent=True)
    assert case.is_published
    assert list(success_case_published_queryset()) == [case]

    # the owner changes the text: the startup's consent is withdrawn and the case unpublished
    changed = SuccessCaseData(**{**CASE.__dict__, "summary_ko": "야간 검사 자동화로 클레임이 사라졌습니다."})
    case = success_case_save(user=large.user, project=project, data=changed)
    assert (case.owner_consent_by, case.startup_consent_by, case.is_published) == (large.user, None, False)
    case = success_case_consent(user=proposer.user, case=case, consent=True)
    assert case.is_published

    case = success_case_consent(user=proposer.user, case=case, consent=False)  # either side withdraws
    assert not case.is_published
    assert list(success_case_published_queryset()) == []


def test_success_case_needs_an_achieved_project_and_some_text(large: Side) -> None:
    proposer, project = selected_project(large)
    with pytest.raises(ValidationError):
        success_case_save(user=proposer.user, project=project, data=CASE)
    _, completed = completed_project(large)
    with pytest.raises(ValidationError) as raised:
        success_case_save(user=large.user, project=completed, data=SuccessCaseData(title_en="Zero escapes"))
    assert list(raised.value.message_dict) == ["summary_en"]
    stranger = side(Role.COMPANY_MEMBER, SizeClass.STARTUP).user
    with pytest.raises(PermissionDenied):
        success_case_save(user=stranger, project=completed, data=CASE)
    assert SuccessCase.objects.count() == 0


# --- Inviting startups ---------------------------------------------------------------------------


def test_invite_a_startup_to_an_invited_only_challenge(large: Side, startup: Side) -> None:
    startup_profile_save(
        user=startup.user, company=startup.company, data=StartupProfileData(solution_ko="외관 검사", sectors=["C"])
    )
    public = open_challenge(large)
    with pytest.raises(ValidationError):
        challenge_invite(user=large.user, challenge=public, company=startup.company)
    invited_only = open_challenge(large, confidentiality=Confidentiality.INVITED)
    with pytest.raises(PermissionDenied):
        challenge_invite(user=startup.user, challenge=invited_only, company=startup.company)
    assert challenge_invite(user=large.user, challenge=invited_only, company=startup.company) is True
    assert challenge_invite(user=large.user, challenge=invited_only, company=startup.company) is False
    assert list(invited_only.invited_companies.all()) == [startup.company]
    with pytest.raises(ValidationError):  # a company without a startup profile
        challenge_invite(user=large.user, challenge=invited_only, company=side(Role.COMPANY_MEMBER, "small").company)


def test_startup_search_by_name_or_registration_number(startup: Side) -> None:
    startup_profile_save(
        user=startup.user, company=startup.company, data=StartupProfileData(solution_ko="외관 검사", sectors=["C"])
    )
    number = startup.company.business_registration_number
    assert startup_search(startup.company.name_ko[:3]) == [startup.company]
    assert startup_search(f"{number[:3]}-{number[3:5]}") == [startup.company]
    assert startup_search("x") == []  # one letter finds nothing
    assert startup_search("없는회사이름입니다") == []


def test_project_steps_are_notified_to_the_other_side(large: Side, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposer, project, milestone = running_project(large)
    with django_capture_on_commit_callbacks(execute=True):
        poc_milestone_submit(user=proposer.user, milestone=milestone, note="결과")
    with django_capture_on_commit_callbacks(execute=True):
        poc_milestone_decide(user=large.user, milestone=milestone, accept=True)
    kinds = list(Notification.objects.order_by("pk").values_list("user", "kind", "subject"))
    assert kinds == [
        (large.user.pk, "proposal_received", f"새 제안서: {project.challenge.title}"),
        (proposer.user.pk, "proposal_decision", f"제안서 결정 안내: {project.challenge.title}"),
        (proposer.user.pk, "poc_update", f"프로젝트 시작: {project.challenge.title}"),
        (large.user.pk, "poc_update", "산출물 제출: 야간 영상 검증"),
        (proposer.user.pk, "poc_update", "산출물 승인됨: 야간 영상 검증"),
    ]
