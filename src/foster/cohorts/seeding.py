# ruff: noqa: E501  (the demo texts are data)
"""Demo data of accelerators and overseas programs: partner organisations abroad (MIT for joint
research), KOSME's AI fund with commitments by source and capital called, the KISED accelerator's
last round as a cohort (selected startups, mentors, demo day, a follow-on round with the AI fund's
part recorded in the ledger, published success stories), and the NIPA overseas joint research round
with MIT as host partner. Idempotent: nothing is added once a cohort exists."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import User
from foster.applications.models import Application
from foster.cohorts.choices import SELECTED_STATUSES, PartnerKind, PartnerRole
from foster.cohorts.models import Cohort, PartnerOrganisation, ProgramPartnership
from foster.cohorts.services import (
    CohortData,
    InvestmentData,
    cohort_create,
    demo_day_set,
    follow_on_investment_record,
    mentor_add,
    success_story_publish,
)
from foster.finance.services import fund_capital_call, fund_commit
from foster.programs.choices import PolicyTag, ProgramType
from foster.programs.models import ApplicationForm, Call, Program
from foster.registry.choices import SizeClass
from foster.registry.models import Company, CompanyMembership

BILLION = 1_000_000_000
AI_FUND_PROGRAM = "kosme-ai-fund"

PARTNERS = (
    (
        "매사추세츠 공과대학교",
        "Massachusetts Institute of Technology (MIT)",
        "US",
        "Cambridge, MA",
        PartnerKind.UNIVERSITY,
        "https://www.mit.edu",
    ),
    (
        "프라운호퍼 연구소",
        "Fraunhofer-Gesellschaft",
        "DE",
        "Munich",
        PartnerKind.RESEARCH_INSTITUTE,
        "https://www.fraunhofer.de",
    ),
    (
        "싱가포르 국립대학교",
        "National University of Singapore",
        "SG",
        "Singapore",
        PartnerKind.UNIVERSITY,
        "https://nus.edu.sg",
    ),
    (
        "플러그앤플레이 테크센터",
        "Plug and Play Tech Center",
        "US",
        "Sunnyvale, CA",
        PartnerKind.ACCELERATOR,
        "https://www.plugandplaytechcenter.com",
    ),
)

MENTORS = (
    ("한지원", "MIT CSAIL", "컴퓨터 비전·제조 AI"),
    ("Daniel Park", "Plug and Play Tech Center", "미국 시장 진출·투자 유치"),
    ("오세라", "KOSME AI 자문단", "공공조달·판로"),
    ("이도윤", "카카오벤처스", "시드·시리즈 A 투자"),
)

STORIES = (
    (
        "데모데이 3개월 만에 시리즈 A 유치",
        "정상 이미지만으로 학습하는 외관 검사 솔루션을 액셀러레이팅 기간에 세 곳의 부품 공장에서 실증했습니다. 데모데이에서 만난 투자사와 AI 전용 펀드가 함께 시리즈 A 30억 원을 투자했습니다.",
    ),
    (
        "공공조달 등록과 첫 수출 계약",
        "멘토링으로 조달청 혁신제품에 등록하고, 싱가포르 파트너를 통해 첫 해외 고객을 확보했습니다.",
    ),
)


def _official(agency_code: str) -> User | None:
    return (
        User.objects.filter(agency_memberships__agency__code=agency_code, role=Role.AGENCY_OFFICIAL)
        .order_by("pk")
        .first()
    )


def _partners() -> dict[str, PartnerOrganisation]:
    found = {}
    for name_ko, name_en, country, city, kind, website in PARTNERS:
        partner, _created = PartnerOrganisation.objects.get_or_create(
            name_en=name_en,
            country=country,
            defaults={"name_ko": name_ko, "city": city, "kind": kind, "website": website},
        )
        found[country + name_en[:3]] = partner
    return found


def _ai_fund(manager: User) -> Program:
    """KOSME's AI fund: KRW 1.2 trillion of government and 0.8 trillion of private money committed,
    part of it called (the plan's fund of about KRW 3 trillion by 2027)."""
    program, _created = Program.objects.get_or_create(
        code=AI_FUND_PROGRAM,
        defaults={
            "agency": manager.agency_memberships.get().agency,
            "name_ko": "AI 전용 펀드",
            "name_en": "AI fund",
            "program_type": ProgramType.FUND_INVESTMENT,
            "policy_tags": [PolicyTag.AI, PolicyTag.INNOVATIVE_GROWTH],
            "description_ko": "AI 스타트업에 투자하는 정책 펀드. 정부와 민간 자금으로 2027년까지 약 3조 원 조성.",
            "description_en": "A policy fund investing in AI startups, about KRW 3 trillion of government and private money by 2027.",
        },
    )
    fund_commit(
        user=manager, key="demo-ai-fund-commit-gov", program=program, amount_krw=1_200 * BILLION, source="government"
    )
    fund_commit(
        user=manager, key="demo-ai-fund-commit-private", program=program, amount_krw=800 * BILLION, source="private"
    )
    fund_capital_call(
        user=manager, key="demo-ai-fund-call-gov", program=program, amount_krw=300 * BILLION, source="government"
    )
    fund_capital_call(
        user=manager, key="demo-ai-fund-call-private", program=program, amount_krw=150 * BILLION, source="private"
    )
    return program


def _selected_startups(call: Call, count: int, generator: random.Random) -> None:
    """Make sure the closed round has ``count`` selected applications (demo startups with profiles first)."""
    have = Application.objects.filter(call=call, status__in=SELECTED_STATUSES).count()
    if have >= count:
        return
    form = ApplicationForm.objects.filter(call=call).order_by("-version").first()
    if form is None:
        form = ApplicationForm.objects.create(call=call, version=1, schema={"sections": []})
    taken = set(Application.objects.filter(call=call).values_list("company_id", flat=True))
    taken |= set(Company.objects.filter(cohort_places__isnull=False).values_list("pk", flat=True))  # one cohort each
    candidates = list(
        Company.objects.filter(size_class=SizeClass.STARTUP, startup_profile__isnull=False)
        .exclude(pk__in=taken)
        .order_by("id")[: count * 2]
    ) or list(Company.objects.filter(size_class=SizeClass.STARTUP).exclude(pk__in=taken).order_by("id")[: count * 2])
    password = make_password("foster-demo-2026")
    for index, company in enumerate(candidates[: count - have]):
        founder, _created = User.objects.get_or_create(
            email=f"founder{company.pk}@startup.demo.foster.kr",
            defaults={"full_name": f"대표{index + 1}", "role": Role.COMPANY_MEMBER, "password": password},
        )
        CompanyMembership.objects.get_or_create(user=founder, company=company)
        Application.objects.create(
            call=call,
            company=company,
            form=form,
            applicant=founder,
            status="selected",
            title=f"{company.name_ko} AI 사업화",
            requested_amount_krw=100_000_000,
            submitted_at=call.closes_at - dt.timedelta(days=2),
        )
    del generator


def _closed_call(program: Program, year: int) -> Call | None:
    """The program's round of ``year`` (seeded by programs for most programs; made here for the
    overseas program, whose demo has only this year's open round)."""
    call = Call.objects.filter(program=program, code=f"{program.code}-{year}").first()
    if call is not None:
        return call
    tz = timezone.get_current_timezone()
    return Call.objects.create(
        program=program,
        code=f"{program.code}-{year}",
        title_ko=f"{year}년 {program.name_ko} 공고",
        title_en=f"{program.name_en}, {year} call",
        summary_ko=program.description_ko,
        summary_en=program.description_en,
        opens_at=dt.datetime(year, 3, 2, 9, tzinfo=tz),
        closes_at=dt.datetime(year, 4, 10, 18, tzinfo=tz),
        budget_krw=25 * BILLION,
        max_award_krw=500_000_000,
        eligibility_rules={"version": 1, "rules": []},
    )


@transaction.atomic
def cohorts_seed(*, seed: int = 2026) -> int:
    """Seed partners, the AI fund, the accelerator and overseas cohorts; returns cohorts created."""
    if Cohort.objects.exists():
        return 0
    kised, nipa, kosme = _official("kised"), _official("nipa"), _official("kosme")
    accelerator = Program.objects.filter(code="kised-ai-accelerator").first()
    overseas = Program.objects.filter(code="nipa-overseas-joint-research").first()
    if not (kised and nipa and kosme and accelerator and overseas):
        return 0
    generator = random.Random(seed)  # nosec B311  # seeded generator for reproducible demo data, not a secret
    partners = _partners()
    mit = partners["USMas"]
    for partner, role in (
        (mit, PartnerRole.JOINT_RESEARCH),
        (partners["DEFra"], PartnerRole.JOINT_RESEARCH),
        (partners["SGNat"], PartnerRole.EXPANSION),
    ):
        ProgramPartnership.objects.get_or_create(program=overseas, partner=partner, role=role)
    ProgramPartnership.objects.get_or_create(program=accelerator, partner=partners["USPlu"], role=PartnerRole.MENTORING)
    fund = _ai_fund(kosme)
    year = timezone.localdate().year
    created = 0

    call = _closed_call(accelerator, year - 1)
    assert call is not None
    _selected_startups(call, 5, generator)
    start = dt.date(year - 1, 5, 6)
    cohort = cohort_create(
        user=kised,
        call=call,
        data=CohortData(
            name_ko=f"AI 특화 액셀러레이팅 {year - 1}년 1기",
            name_en=f"AI accelerator, {year - 1} batch",
            starts_on=start,
            ends_on=start + dt.timedelta(days=150),
            partner_id=partners["USPlu"].pk,
        ),
    )
    created += 1
    for name, organisation, expertise in MENTORS:
        mentor_add(user=kised, cohort=cohort, name=name, organisation=organisation, expertise=expertise)
    demo_day_set(user=kised, cohort=cohort, demo_day_on=start + dt.timedelta(days=148), venue="서울 팁스타운 S1 대강당")
    startups = list(cohort.startups.select_related("company").order_by("id"))
    for index, startup in enumerate(startups[:2]):
        invested_on = start + dt.timedelta(days=240 + 30 * index)
        follow_on_investment_record(
            user=kosme,
            startup=startup,
            data=InvestmentData(
                key=f"demo-follow-on-{startup.pk}",
                fund_program_id=fund.pk,
                fund_amount_krw=[1_000_000_000, 600_000_000][index],
                source="government" if index == 0 else "private",
                round_name=["Series A", "Pre-A"][index],
                lead_investor=["카카오벤처스", "스파크랩"][index],
                round_total_krw=[3_000_000_000, 1_500_000_000][index],
                invested_on=min(invested_on, timezone.localdate()),
            ),
        )
        title, story = STORIES[index]
        success_story_publish(user=kised, startup=startup, title=title, story=story)

    overseas_call = _closed_call(overseas, year - 1)
    assert overseas_call is not None
    _selected_startups(overseas_call, 3, generator)
    start = dt.date(year - 1, 7, 1)
    overseas_cohort = cohort_create(
        user=nipa,
        call=overseas_call,
        data=CohortData(
            name_ko=f"MIT 공동연구 {year - 1}",
            name_en=f"Joint research with MIT, {year - 1}",
            starts_on=start,
            ends_on=start + dt.timedelta(days=180),
            partner_id=mit.pk,
        ),
    )
    created += 1
    mentor_add(
        user=nipa,
        cohort=overseas_cohort,
        name="Prof. Sarah Lee",
        organisation="MIT CSAIL",
        expertise="Robot learning, manufacturing AI",
    )
    demo_day_set(
        user=nipa,
        cohort=overseas_cohort,
        demo_day_on=start + dt.timedelta(days=175),
        venue="MIT Stata Center, Cambridge MA",
    )
    first = overseas_cohort.startups.select_related("company").order_by("id").first()
    if first is not None:
        success_story_publish(
            user=nipa,
            startup=first,
            title="MIT와 공동연구로 로봇 학습 논문과 미국 실증",
            story="6개월 공동연구로 공정 로봇의 학습 시간을 절반으로 줄였고, 보스턴 인근 공장에서 실증을 마쳤습니다.",
        )
    return created
