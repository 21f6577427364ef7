"""The project pages over HTTP: evaluating, the suggested selection, milestones with a file,
completion, the success case and its publication on the portal, the startup picker without JS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from foster.accounts.choices import Role
from foster.innovation.choices import Confidentiality, MilestoneState, PocOutcome, PocState, ProposalState
from foster.innovation.models import Challenge, PocMilestone, PocProject, ProposalEvaluation, SuccessCase
from foster.innovation.services import StartupProfileData, startup_profile_save
from foster.registry.choices import SizeClass
from tests.innovation.authorization_objects import CHALLENGE_FORM
from tests.innovation.conftest import Side, side
from tests.innovation.test_projects import PDF, propose
from tests.innovation.test_services import open_challenge

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_from_evaluation_to_a_published_success_case(large: Side, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    challenge = open_challenge(large, budget_krw=60_000_000)
    proposer, proposal = propose(challenge, price_krw=50_000_000, weeks=8)
    _, too_dear = propose(challenge, price_krw=55_000_000)
    owner, startup = client_for(large.user), client_for(proposer.user)

    for target, fit in ((proposal, "5"), (too_dear, "3")):
        response = owner.post(
            reverse("innovation:proposal-evaluate", kwargs={"pk": target.pk}),
            {"fit": fit, "feasibility": "4", "track_record": "4", "value": "4", "comment": "좋음"},
        )
        assert response.status_code == 302
    assert ProposalEvaluation.objects.count() == 2

    page = owner.get(reverse("innovation:selection-suggestion", kwargs={"pk": challenge.pk}))
    rows = {item["row"].proposal.pk: item for item in page.context["rows"]}
    assert rows[proposal.pk]["is_selected"] and not rows[too_dear.pk]["is_selected"]
    assert "들어갈 수 없습니다" in rows[too_dear.pk]["reason"]  # Korean, the default: "it would not fit"

    owner.post(reverse("innovation:selection-apply", kwargs={"pk": challenge.pk}), {"proposal": [proposal.pk]})
    project = PocProject.objects.get()
    project_url = reverse("innovation:project-detail", kwargs={"pk": project.pk})
    assert startup.get(project_url).status_code == 200

    startup.post(
        reverse("innovation:milestone-add", kwargs={"pk": project.pk}),
        {"title": "야간 영상 검증", "deliverable": "검증 보고서", "due_on": "2026-02-20"},
    )
    owner.post(reverse("innovation:project-start", kwargs={"pk": project.pk}))
    milestone = PocMilestone.objects.get()
    startup.post(
        reverse("innovation:milestone-submit", kwargs={"pk": milestone.pk}),
        {"note": "검출률 99.2%", "file": SimpleUploadedFile("보고서.pdf", PDF, content_type="application/pdf")},
    )
    download = owner.get(reverse("innovation:milestone-file", kwargs={"pk": milestone.pk}))
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    owner.post(reverse("innovation:milestone-decide", kwargs={"pk": milestone.pk}), {"decision": "accept"})
    owner.post(
        reverse("innovation:project-complete", kwargs={"pk": project.pk}),
        {"outcome": "achieved", "outcome_summary": "야간 유출 0건", "results": "3.1% → 0%"},
    )
    project.refresh_from_db()
    milestone.refresh_from_db()
    assert (project.state, project.outcome, milestone.state) == (
        PocState.COMPLETED,
        PocOutcome.ACHIEVED,
        MilestoneState.ACCEPTED,
    )

    startup.post(
        reverse("innovation:success-case-edit", kwargs={"pk": project.pk}),
        {
            "title_ko": "<b>야간 유출 0건</b>",
            "summary_ko": "<script>alert(1)</script> 이상탐지",
            "title_en": "",
            "summary_en": "",
        },
    )
    case = SuccessCase.objects.get()
    assert client_for(large.user).get(reverse("portal:success-case-list")).context["cases"].count() == 0
    owner.post(reverse("innovation:success-case-consent", kwargs={"pk": project.pk}), {"consent": "yes"})
    case.refresh_from_db()
    assert case.is_published

    public = Client().get(reverse("portal:success-case-detail", kwargs={"pk": case.pk}))
    html = public.content.decode()
    assert public.status_code == 200
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert case.title_ko not in html and "&lt;b&gt;야간 유출 0건&lt;/b&gt;" in html
    assert Client().get(reverse("portal:home")).context["success_cases"][0] == case


def test_a_bad_deliverable_file_is_shown_on_the_form_and_nothing_changes(
    large: Side, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    challenge = open_challenge(large)
    proposer, proposal = propose(challenge)
    client_for(large.user).post(
        reverse("innovation:proposal-decide", kwargs={"pk": proposal.pk}), {"state": "selected"}
    )
    project = PocProject.objects.get()
    milestone = PocMilestone.objects.create(
        project=project, title="1차", deliverable="보고서", due_on=dt.date(2026, 2, 1)
    )
    project.state = PocState.RUNNING
    project.save()
    response = client_for(proposer.user).post(
        reverse("innovation:milestone-submit", kwargs={"pk": milestone.pk}),
        {"note": "보고서", "file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00program")},
    )
    assert response.status_code == 200
    assert "프로그램" in response.context["form"].errors["file"][0]  # "a program or a script"
    milestone.refresh_from_db()
    assert (milestone.state, milestone.file.name) == (MilestoneState.PLANNED, "")


def test_the_invited_startups_picker_searches_without_saving(large: Side, startup: Side) -> None:
    startup_profile_save(
        user=startup.user, company=startup.company, data=StartupProfileData(solution_ko="외관 검사", sectors=["C"])
    )
    client = client_for(large.user)
    form = {**CHALLENGE_FORM, "confidentiality": Confidentiality.INVITED}
    response = client.post(
        reverse("innovation:challenge-create"), {**form, "startup_q": startup.company.name_ko, "find_startups": "1"}
    )
    assert response.status_code == 200
    assert response.context["found_startups"] == [startup.company]
    assert Challenge.objects.count() == 0

    fragment = client.get(reverse("innovation:startup-search"), {"startup_q": startup.company.name_ko})
    assert f'name="invited_companies" value="{startup.company.pk}"' in fragment.content.decode()

    client.post(reverse("innovation:challenge-create"), {**form, "invited_companies": [startup.company.pk]})
    challenge = Challenge.objects.get()
    assert list(challenge.invited_companies.all()) == [startup.company]
    # the edit page shows the chosen startup only, not a checkbox per startup of the platform
    other = side(Role.COMPANY_MEMBER, SizeClass.STARTUP)
    startup_profile_save(
        user=other.user, company=other.company, data=StartupProfileData(solution_ko="OCR", sectors=["C"])
    )
    edit = client.get(reverse("innovation:challenge-edit", kwargs={"pk": challenge.pk})).content.decode()
    assert f'value="{startup.company.pk}"' in edit and f'value="{other.company.pk}"' not in edit


def test_selecting_by_the_button_opens_the_project(large: Side) -> None:
    challenge = open_challenge(large)
    _, proposal = propose(challenge)
    client_for(large.user).post(
        reverse("innovation:proposal-decide", kwargs={"pk": proposal.pk}), {"state": "selected"}
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SELECTED
    page = client_for(large.user).get(reverse("innovation:challenge-detail", kwargs={"pk": challenge.pk}))
    assert reverse("innovation:project-detail", kwargs={"pk": proposal.project.pk}) in page.content.decode()


def test_a_timeline_without_dates_is_one_dash_and_with_dates_both(large: Side) -> None:
    """Seen in the plan journey's screenshots (issue 10): a project without dates read "— – —"."""
    challenge = open_challenge(large)
    _, proposal = propose(challenge)
    client = client_for(large.user)
    client.post(reverse("innovation:proposal-decide", kwargs={"pk": proposal.pk}), {"state": "selected"})
    project = PocProject.objects.get()

    def timeline() -> str:
        page = client.get(reverse("innovation:project-detail", kwargs={"pk": project.pk})).content.decode()
        return page.split('id="project-timeline">')[1].split("</dd>")[0]

    assert timeline() == f"{project.starts_on:%Y-%m-%d} – {project.ends_on:%Y-%m-%d}"
    PocProject.objects.filter(pk=project.pk).update(starts_on=None, ends_on=None)
    assert timeline() == "—"
    PocProject.objects.filter(pk=project.pk).update(starts_on=dt.date(2026, 3, 2))
    assert timeline() == "2026-03-02 – —"


def test_the_start_button_appears_once_a_milestone_is_planned(large: Side) -> None:
    """Starting needs a planned milestone (the service refuses otherwise), so the owner is not
    offered the button before there is one; the page says what to do instead."""
    challenge = open_challenge(large, budget_krw=60_000_000)
    proposer, proposal = propose(challenge, price_krw=50_000_000, weeks=8)
    owner, startup = client_for(large.user), client_for(proposer.user)
    owner.post(reverse("innovation:selection-apply", kwargs={"pk": challenge.pk}), {"proposal": [proposal.pk]})
    project = PocProject.objects.get()
    project_url = reverse("innovation:project-detail", kwargs={"pk": project.pk})

    assert 'id="project-start"' not in owner.get(project_url).content.decode()

    startup.post(
        reverse("innovation:milestone-add", kwargs={"pk": project.pk}),
        {"title": "야간 영상 검증", "deliverable": "검증 보고서", "due_on": "2026-02-20"},
    )
    assert PocMilestone.objects.filter(project=project).count() == 1
    assert 'id="project-start"' in owner.get(project_url).content.decode()
    assert 'id="project-start"' not in startup.get(project_url).content.decode()  # the owner starts it


def test_either_side_changes_a_planned_milestone_from_the_project_page(large: Side) -> None:
    challenge = open_challenge(large, budget_krw=60_000_000)
    proposer, proposal = propose(challenge, price_krw=50_000_000, weeks=8)
    owner, startup = client_for(large.user), client_for(proposer.user)
    owner.post(reverse("innovation:selection-apply", kwargs={"pk": challenge.pk}), {"proposal": [proposal.pk]})
    project = PocProject.objects.get()
    startup.post(
        reverse("innovation:milestone-add", kwargs={"pk": project.pk}),
        {"title": "야간 영상 검증", "deliverable": "검증 보고서", "due_on": "2026-02-20"},
    )
    milestone = PocMilestone.objects.get()
    edit_url = reverse("innovation:milestone-update", kwargs={"pk": milestone.pk})
    project_url = reverse("innovation:project-detail", kwargs={"pk": project.pk})
    assert edit_url in owner.get(project_url).content.decode()
    outsider = client_for(side(Role.COMPANY_MEMBER, SizeClass.STARTUP).user)
    assert outsider.get(edit_url).status_code == 404
    page = owner.get(edit_url)
    assert page.status_code == 200 and page.context["form"].initial["title"] == "야간 영상 검증"
    blank = owner.post(edit_url, {"title": "", "deliverable": "검증 보고서", "due_on": "2026-02-20"})
    assert blank.status_code == 200 and "title" in blank.context["form"].errors
    saved = owner.post(edit_url, {"title": "주야간 영상 검증", "deliverable": "검증 보고서", "due_on": "2026-02-27"})
    assert saved.status_code == 302 and saved["Location"] == project_url
    milestone.refresh_from_db()
    assert (milestone.title, milestone.due_on) == ("주야간 영상 검증", dt.date(2026, 2, 27))
