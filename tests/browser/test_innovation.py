"""Open innovation in a real browser (issue 6): a large company's member posts a challenge in
Korean and sees recommended startups with the reasons; a startup's member finds the challenge
among its recommendations and proposes.

Pages are Korean until the new strings are translated, so elements are found by name, id or role.
Screenshots go to ``artifacts/screenshots/innovation-*.png``; each page is checked by axe-core.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from foster.accounts.choices import Role
from foster.innovation import matching
from foster.innovation.models import Challenge, PocMilestone, PocProject, Proposal, StartupProfile, SuccessCase
from foster.registry.choices import Region, SizeClass
from foster.registry.models import Company
from tests.browser.support import check_page, click_and_load, log_in_here
from tests.factories import PASSWORD, CompanyFactory, CompanyMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LARGE_EMAIL = "innovation@large.example.kr"
STARTUP_EMAIL = "founder@startup.example.kr"
STARTUP_NAME = "(주)비전아이"
TITLE = "야간조 외관 불량 유출 줄이기"
PROBLEM = "야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다. 고객 클레임이 늘고 있습니다."


@pytest.fixture
def sides(transactional_db: None) -> dict[str, Any]:
    """A large manufacturer and its member; a vision-inspection startup (Korean profile) and a
    logistics startup (English profile), both in the stored profile index."""
    large = CompanyFactory(name_ko="(주)대한중공업", size_class=SizeClass.LARGE, region=Region.GYEONGNAM)
    large_member = UserFactory(email=LARGE_EMAIL, full_name="한혁신", role=Role.LARGE_COMPANY_MEMBER)
    CompanyMembershipFactory(user=large_member, company=large)
    startup = CompanyFactory(name_ko=STARTUP_NAME, size_class=SizeClass.STARTUP)
    founder = UserFactory(email=STARTUP_EMAIL, full_name="정창업", role=Role.COMPANY_MEMBER)
    CompanyMembershipFactory(user=founder, company=startup)
    StartupProfile.objects.create(
        company=startup,
        solution_ko="비지도 이상탐지 기반 외관 검사 솔루션입니다. 정상 이미지만으로 학습해 스크래치와 찍힘을 찾습니다.",
        technology_tags=["비전 검사", "이상탐지"],
        sectors=["C"],
    )
    StartupProfile.objects.create(
        company=CompanyFactory(name_ko="(주)라스트마일", size_class=SizeClass.STARTUP),
        solution_en="Route optimisation for last-mile delivery fleets.",
        technology_tags=["logistics"],
        sectors=["H"],
    )
    matching.matching_index_rebuild(matching.PROFILES)
    return {"startup": startup}


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    log_in_here(page, email, PASSWORD)


def test_a_challenge_finds_a_startup_and_the_startup_proposes(new_page: Any, sides: dict[str, Any]) -> None:
    # The large company's member posts a challenge in Korean from the open-innovation page.
    poster = new_page()
    log_in(poster, LARGE_EMAIL)
    click_and_load(poster, poster.locator('nav a[href="/innovation/"]'))
    check_page(poster, "innovation-1-large-dashboard")
    click_and_load(poster, poster.locator("#new-challenge"))
    poster.locator("input[name=title]").fill(TITLE)
    poster.locator("textarea[name=problem]").fill(PROBLEM)
    poster.locator("textarea[name=data_available]").fill("불량 이미지 2,000장")
    poster.locator("input[name=budget_krw]").fill("150000000")
    poster.locator("select[name=region]").select_option("gyeongnam")
    poster.locator("select[name=sector]").select_option("C")
    check_page(poster, "innovation-2-challenge-form")
    click_and_load(poster, poster.locator("#save-challenge"))
    poster.wait_for_url(re.compile(r"/innovation/challenges/\d+/$"))

    # Recommended startups with the reasons: the vision startup, not the logistics one.
    recommended = poster.locator("#recommended-startups")
    first = recommended.locator("li.recommendation").first
    assert STARTUP_NAME in first.inner_text()
    assert "(주)라스트마일" not in recommended.inner_text()
    reasons = first.locator(".match-reasons").inner_text()
    assert "스크래치" in reasons
    assert "scratch" in reasons  # the shared concept's label names both languages
    check_page(poster, "innovation-3-challenge-recommendations")
    click_and_load(poster, poster.locator("#challenge-to-open"))
    challenge = Challenge.objects.get(title=TITLE)
    assert challenge.state == "open"

    # The startup's member sees the challenge among its recommendations and proposes.
    founder = new_page()
    log_in(founder, STARTUP_EMAIL)
    founder.goto("/innovation/")
    recommendations = founder.locator(f"#recommended-challenges-{sides['startup'].pk}")
    assert TITLE in recommendations.inner_text()
    assert "스크래치" in recommendations.locator(".match-reasons").first.inner_text()
    check_page(founder, "innovation-4-startup-recommendations")
    click_and_load(founder, recommendations.get_by_role("link", name=TITLE))
    click_and_load(founder, founder.locator("#propose"))
    founder.locator("textarea[name=approach]").fill(
        "정상 이미지만으로 학습하는 비지도 이상탐지로 야간 검사를 자동화합니다."
    )
    founder.locator("input[name=price_krw]").fill("80000000")
    founder.locator("input[name=duration_weeks]").fill("12")
    check_page(founder, "innovation-5-proposal-form")
    click_and_load(founder, founder.locator("main form button[type=submit]"))
    founder.wait_for_url(re.compile(rf"/innovation/challenges/{challenge.pk}/$"))
    assert "80,000,000" in founder.locator("#proposals").inner_text()
    check_page(founder, "innovation-6-proposal-sent")

    proposal = Proposal.objects.get()
    assert (proposal.challenge, proposal.company, proposal.price_krw) == (challenge, sides["startup"], 80_000_000)

    # The owner sees the proposal on the challenge page.
    poster.reload()
    assert STARTUP_NAME in poster.locator("#proposals").inner_text()
    check_page(poster, "innovation-7-owner-proposals")


def test_a_selected_proposal_runs_as_a_project_to_a_published_success_case(
    new_page: Any, sides: dict[str, Any], tmp_path: Any, settings: Any
) -> None:
    """The owner evaluates the proposal and takes the suggested selection; both sides run the
    proof of concept through a milestone with a file; the success case is public once both approve."""
    settings.MEDIA_ROOT = tmp_path
    large = Company.objects.get(name_ko="(주)대한중공업")
    challenge = Challenge.objects.create(
        title=TITLE, problem=PROBLEM, budget_krw=100_000_000, sector="C", state="open", owner_company=large
    )
    Proposal.objects.create(
        challenge=challenge,
        company=sides["startup"],
        approach="비지도 이상탐지로 야간 검사를 자동화합니다.",
        price_krw=80_000_000,
        duration_weeks=12,
    )

    # The owner evaluates on the rubric and selects through the engine's suggestion.
    owner = new_page()
    log_in(owner, LARGE_EMAIL)
    owner.goto(f"/innovation/challenges/{challenge.pk}/")
    click_and_load(owner, owner.locator("#proposals a[id^=evaluate-]"))
    for criterion, score in (("fit", "5"), ("feasibility", "4"), ("track_record", "4"), ("value", "3")):
        owner.locator(f"input[name={criterion}][value='{score}']").check()
    check_page(owner, "innovation-8-evaluate")
    click_and_load(owner, owner.locator("main form button[type=submit]"))
    assert "77.5" in owner.locator("#proposals").inner_text()  # 100 x 0.3 + 75 x 0.3 + 75 x 0.2 + 50 x 0.2
    click_and_load(owner, owner.locator("#suggest-selection"))
    assert "80,000,000" in owner.locator("#suggested-total").inner_text()
    check_page(owner, "innovation-9-suggestion")
    click_and_load(owner, owner.locator("#apply-suggestion"))
    project = PocProject.objects.get()
    assert project.budget_krw == 80_000_000

    # The startup plans a milestone; the owner starts the project.
    founder = new_page()
    log_in(founder, STARTUP_EMAIL)
    founder.goto(f"/innovation/projects/{project.pk}/")
    founder.locator("input[name=title]").fill("야간 영상 검증")
    founder.locator("textarea[name=deliverable]").fill("야간 이미지 2,000장 검증 보고서")
    founder.locator("input[name=due_on]").fill("2026-03-31")
    click_and_load(founder, founder.locator("#add-milestone"))
    owner.goto(f"/innovation/projects/{project.pk}/")
    click_and_load(owner, owner.locator("#project-start"))
    assert "진행" in owner.locator("#project-state").inner_text()

    # The startup submits the deliverable with a PDF; the owner accepts it and completes the project.
    milestone = PocMilestone.objects.get()
    founder.goto(f"/innovation/projects/{project.pk}/")
    click_and_load(founder, founder.locator(f"#submit-{milestone.pk}"))
    founder.locator("textarea[name=note]").fill("야간 검출률 99.2%, 과검출 1.1%")
    report = tmp_path / "검증보고서.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    founder.locator("input[name=file]").set_input_files(str(report))
    check_page(founder, "innovation-10-deliverable")
    click_and_load(founder, founder.locator("main form button[type=submit]"))
    owner.reload()
    check_page(owner, "innovation-11-project-owner")
    click_and_load(owner, owner.locator(f"#accept-{milestone.pk}"))
    click_and_load(owner, owner.locator("#project-complete"))
    owner.locator("input[name=outcome][value=achieved]").check()
    owner.locator("textarea[name=outcome_summary]").fill("야간조 불량 유출이 사라졌습니다.")
    owner.locator("textarea[name=results]").fill("클레임 월 4건 → 0건")
    click_and_load(owner, owner.locator("main form button[type=submit]"))
    assert "목표 달성" in owner.locator("#project-outcome").inner_text()

    # The startup writes the success case; it is public once the owner approves it too.
    founder.reload()
    click_and_load(founder, founder.locator("#write-case"))
    founder.locator("input[name=title_ko]").fill("야간조 외관 불량 유출 0건")
    founder.locator("textarea[name=summary_ko]").fill("정상 이미지로만 학습한 이상탐지 모델이 야간 검사를 맡았습니다.")
    click_and_load(founder, founder.locator("main form button[type=submit]"))
    assert SuccessCase.objects.get().published_at is None
    owner.reload()
    click_and_load(owner, owner.locator("#case-approve"))
    check_page(owner, "innovation-12-case-approved")

    visitor = new_page()
    visitor.goto("/success-cases/")
    assert "야간조 외관 불량 유출 0건" in visitor.locator("#success-cases").inner_text()
    check_page(visitor, "innovation-13-public-success-cases")
