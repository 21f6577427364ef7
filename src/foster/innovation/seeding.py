# ruff: noqa: E501  (the demo texts are data, one profile or challenge a line)
"""Demo data of open innovation: about thirty startup profiles (Korean and English) on demo
startups, and challenges posted by the demo large company and by KOSME, then the matching indexes
built once (a few dozen rows: quick, apart from Kiwi's start-up). Idempotent: nothing is added once
a startup profile exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from foster.accounts.models import Agency, User
from foster.innovation.choices import (
    ChallengeState,
    Confidentiality,
    MilestoneState,
    PocOutcome,
    PocState,
    ProposalState,
)
from foster.innovation.matching import INDEX_NAMES, matching_index_rebuild
from foster.innovation.models import (
    Challenge,
    PocMilestone,
    PocProject,
    Proposal,
    ProposalEvaluation,
    StartupProfile,
    SuccessCase,
)
from foster.registry.choices import SizeClass
from foster.registry.models import Company, CompanyMembership

MILLION = 1_000_000

# (solution ko, solution en, tags, reference customers, KSIC sections)
PROFILES: tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    (
        "비지도 이상탐지 기반 외관 검사 솔루션입니다. 정상 제품 이미지만으로 학습해 스크래치, 찍힘, 얼룩 같은 표면 불량을 야간에도 놓치지 않고 찾아냅니다.",
        "",
        ("비전 검사", "이상탐지", "딥러닝"),
        "자동차 부품 1차 협력사 3곳",
        ("C",),
    ),
    (
        "",
        "Unsupervised visual inspection for press and injection-moulded parts: learns from good samples only and flags scratches, dents and stains at line speed.",
        ("computer vision", "anomaly detection"),
        "Two tier-1 automotive suppliers",
        ("C",),
    ),
    (
        "설비 진동과 전류 데이터를 분석해 모터·펌프·베어링의 고장을 미리 알려 주는 예지보전 서비스입니다. 돌발 정지와 정비 비용을 줄입니다.",
        "",
        ("예지보전", "진동 분석", "IoT"),
        "화학 공장, 제지 공장",
        ("C", "D"),
    ),
    (
        "",
        "Predictive maintenance from vibration and motor current signatures: warns weeks before bearing and gearbox failures and schedules the repair.",
        ("predictive maintenance", "IoT", "time series"),
        "A steel mill and a cement plant",
        ("C",),
    ),
    (
        "공장 에너지 사용량을 설비별로 측정하고 AI로 피크 전력을 예측해 전기요금과 탄소 배출을 줄이는 에너지 관리 시스템입니다.",
        "",
        ("에너지 관리", "탄소중립", "수요 예측"),
        "산업단지 입주기업 12곳",
        ("C", "D"),
    ),
    (
        "",
        "Carbon accounting and energy optimisation for factories: meters every line, forecasts peak load and cuts electricity bills and Scope 2 emissions.",
        ("energy", "carbon", "forecasting"),
        "Food and textile plants",
        ("C", "D"),
    ),
    (
        "유통·제조 기업의 수요를 품목별로 예측해 재고 과잉과 결품을 줄이는 AI 수요예측 솔루션입니다. 날씨, 프로모션, 공휴일을 반영합니다.",
        "",
        ("수요 예측", "재고 최적화"),
        "편의점 체인, 식품 제조사",
        ("G", "C"),
    ),
    (
        "",
        "Demand forecasting and inventory optimisation for retailers and distributors: fewer stock-outs and less dead stock, with weather and promotions in the model.",
        ("demand forecasting", "inventory"),
        "A convenience-store chain",
        ("G",),
    ),
    (
        "스캔한 계약서, 세금계산서, 영수증에서 필요한 항목을 자동으로 추출하는 문서 인식(OCR) 서비스입니다. 손글씨와 표도 읽습니다.",
        "",
        ("OCR", "문서 자동화", "자연어 처리"),
        "보험사, 회계법인",
        ("K", "M"),
    ),
    (
        "",
        "Document AI: OCR and key-field extraction for invoices, contracts and insurance claims, including handwriting and tables, with human review of low-confidence fields.",
        ("OCR", "document AI", "NLP"),
        "Two insurers",
        ("K",),
    ),
    (
        "고객 문의를 이해하고 24시간 답하는 한국어 상담 챗봇입니다. 상담 이력과 매뉴얼을 학습해 상담원 연결 전 80%를 해결합니다.",
        "",
        ("챗봇", "자연어 처리", "고객 상담"),
        "통신사 고객센터",
        ("J", "G"),
    ),
    (
        "",
        "Korean and English customer-service chatbot built on your manuals and past tickets; hands over to an agent with the conversation summarised.",
        ("chatbot", "LLM", "customer service"),
        "An e-commerce marketplace",
        ("G", "J"),
    ),
    (
        "물류센터의 입출고 데이터를 분석해 작업자 동선과 피킹 순서를 최적화하는 창고 관리 AI입니다.",
        "",
        ("물류 최적화", "창고 관리"),
        "3PL 물류기업",
        ("H",),
    ),
    (
        "",
        "Route optimisation for last-mile delivery fleets: plans routes every morning from orders, traffic and time windows and cuts kilometres driven by 15%.",
        ("route optimisation", "logistics"),
        "A parcel carrier",
        ("H",),
    ),
    (
        "CCTV 영상으로 건설 현장의 안전모 미착용, 위험구역 진입, 쓰러짐을 실시간 감지해 관리자에게 알리는 안전 관제 솔루션입니다.",
        "",
        ("영상 분석", "산업 안전", "CCTV"),
        "건설사 5곳",
        ("F",),
    ),
    (
        "",
        "Worker-safety video analytics for construction sites and plants: detects missing helmets, falls and entry into danger zones from existing CCTV.",
        ("video analytics", "safety"),
        "A shipyard",
        ("F", "C"),
    ),
    (
        "흉부 X선과 CT 영상에서 결절과 폐렴 소견을 찾아 판독을 돕는 의료영상 AI입니다. 식약처 인허가를 받았습니다.",
        "",
        ("의료영상", "딥러닝", "판독 보조"),
        "대학병원 3곳",
        ("Q",),
    ),
    (
        "",
        "Clinical speech recognition that turns doctor-patient conversations into structured notes in Korean and English.",
        ("speech recognition", "healthcare"),
        "Two clinics",
        ("Q",),
    ),
    (
        "스마트팜의 온도, 습도, 생육 영상을 분석해 병해충을 조기에 진단하고 수확량을 예측합니다.",
        "",
        ("스마트팜", "병해충 진단"),
        "딸기·토마토 농가",
        ("A",),
    ),
    (
        "",
        "Fish-farm monitoring: underwater cameras and water sensors estimate biomass and detect disease early.",
        ("aquaculture", "computer vision"),
        "Offshore fish farms",
        ("A",),
    ),
    (
        "금융 거래 데이터를 분석해 이상 거래와 보험 사기를 탐지하는 AI 모델을 제공합니다.",
        "",
        ("이상거래 탐지", "보험 사기"),
        "저축은행, 손해보험사",
        ("K",),
    ),
    (
        "",
        "Synthetic data and privacy-preserving analytics: lets banks and hospitals share data for model training without exposing personal information.",
        ("synthetic data", "privacy"),
        "A bank",
        ("K", "Q"),
    ),
    (
        "용접 비드 영상을 분석해 기공과 언더컷 같은 용접 불량을 판정하는 검사 AI입니다.",
        "",
        ("용접 검사", "비전 검사"),
        "조선소 협력사",
        ("C",),
    ),
    (
        "",
        "Injection-moulding process optimisation: learns from machine parameters to predict short shots and flash before they happen and suggests settings.",
        ("process optimisation", "manufacturing"),
        "Plastic parts makers",
        ("C",),
    ),
    (
        "민원 접수 내용을 자동으로 분류하고 담당 부서를 추천하는 공공 민원 AI입니다.",
        "",
        ("민원 분류", "자연어 처리", "공공"),
        "기초자치단체 2곳",
        ("O",),
    ),
    (
        "",
        "Machine translation tuned for technical manuals and patents between Korean, English and Japanese.",
        ("machine translation", "NLP"),
        "An electronics maker",
        ("M", "J"),
    ),
    (
        "매장 CCTV로 방문객 동선과 체류 시간을 분석해 진열과 인력 배치를 개선하는 리테일 분석 서비스입니다.",
        "",
        ("리테일 분석", "영상 분석"),
        "백화점, 대형마트",
        ("G",),
    ),
    (
        "",
        "HR analytics and AI interviews: screens applications and predicts early attrition, with bias checks on every model.",
        ("HR", "recruiting"),
        "Mid-sized manufacturers",
        ("N",),
    ),
)

# (title, problem, data available, budget in millions of won, region, KSIC section, owner: "company"/"agency")
CHALLENGES: tuple[tuple[str, str, str, int, str, str, str], ...] = (
    (
        "야간조 외관 불량 유출 줄이기",
        "야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다. 고객 클레임이 늘고 있어 검사 자동화가 필요합니다.",
        "불량 이미지 약 2,000장, 정상 이미지 다수",
        150,
        "gyeongnam",
        "C",
        "company",
    ),
    (
        "Unplanned downtime of compressors",
        "Our air compressors stop without warning two or three times a month and the whole line waits for repairs.",
        "Two years of PLC logs and maintenance records",
        200,
        "ulsan",
        "C",
        "company",
    ),
    (
        "물류센터 출고 지연",
        "성수기마다 출고가 밀리고 피킹 동선이 길어 야근이 잦습니다.",
        "WMS 출고 기록 1년치",
        80,
        "gyeonggi",
        "H",
        "company",
    ),
    (
        "전기요금과 탄소 배출 관리",
        "전기요금이 크게 올라 설비별 사용량을 알고 줄이고 싶습니다. 탄소 배출 보고도 해야 합니다.",
        "한전 15분 단위 사용량",
        100,
        "chungnam",
        "C",
        "agency",
    ),
    (
        "Paper invoices in accounts payable",
        "We receive thousands of paper and PDF invoices a month and key them in by hand; errors delay payments.",
        "Scanned invoices, ERP export",
        60,
        "seoul",
        "K",
        "company",
    ),
    (
        "건설 현장 안전사고 예방",
        "현장이 넓어 안전관리자가 모든 작업자의 안전모 착용과 위험구역 출입을 확인하기 어렵습니다.",
        "현장 CCTV 40대",
        120,
        "busan",
        "F",
        "agency",
    ),
)


def _large_company_owner() -> tuple[Company | None, User | None]:
    user = User.objects.filter(email="innovation@large.demo.foster.kr").first()
    membership = CompanyMembership.objects.filter(user=user).select_related("company").first() if user else None
    if membership is None:
        return Company.objects.filter(size_class=SizeClass.LARGE).order_by("id").first(), user
    return membership.company, user


@transaction.atomic
def _rows_seed() -> int:
    startups = list(Company.objects.filter(size_class=SizeClass.STARTUP).order_by("id")[: len(PROFILES)])
    for company, (solution_ko, solution_en, tags, customers, sectors) in zip(startups, PROFILES, strict=False):
        StartupProfile.objects.create(
            company=company,
            solution_ko=solution_ko,
            solution_en=solution_en,
            technology_tags=list(tags),
            reference_customers=customers,
            sectors=list(sectors),
            regions=[company.region],
        )
    owner_company, poster = _large_company_owner()
    agency = Agency.objects.filter(code="kosme").first()
    today = timezone.localdate()
    for title, problem, data, budget, region, sector, owner in CHALLENGES:
        if owner_company is None or agency is None:
            continue
        owners: dict[str, Any] = {"owner_company": owner_company} if owner == "company" else {"owner_agency": agency}
        Challenge.objects.create(
            title=title,
            problem=problem,
            data_available=data,
            budget_krw=budget * MILLION,
            starts_on=today + dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=150),
            region=region,
            sector=sector,
            confidentiality=Confidentiality.PUBLIC,
            state=ChallengeState.OPEN,
            created_by=poster if owner == "company" else None,
            **owners,
        )
    if owner_company is not None and agency is not None and len(startups) >= 4:
        _history_seed(owner_company=owner_company, poster=poster, agency=agency, startups=startups)
    return len(startups)


def _history_seed(*, owner_company: Company, poster: User | None, agency: Agency, startups: list[Company]) -> None:
    """Last year's challenges that went through to proof of concept: the large company's inspection
    challenge (evaluated proposals, a completed project and a published success case with the
    demo founder's company) and KOSME's predictive-maintenance one (a project still running)."""
    today = timezone.localdate()
    now = timezone.now()
    inspection = Challenge.objects.create(
        title="프레스 부품 외관 불량 자동 검사",
        problem="프레스로 찍어낸 도어 외판의 찍힘과 스크래치를 야간조에서 육안으로 놓쳐 고객사 클레임이 반복됩니다.",
        data_available="양품 이미지 5만 장, 불량 이미지 800장",
        budget_krw=150 * MILLION,
        starts_on=today - dt.timedelta(days=300),
        ends_on=today - dt.timedelta(days=120),
        region=owner_company.region,
        sector="C",
        state=ChallengeState.CLOSED,
        owner_company=owner_company,
        created_by=poster,
    )
    proposals = [
        Proposal.objects.create(
            challenge=inspection,
            company=company,
            approach=approach,
            price_krw=price * MILLION,
            duration_weeks=weeks,
            state=state,
            submitted_by=None,
        )
        for company, approach, price, weeks, state in (
            (
                startups[0],
                "정상 이미지만으로 학습하는 비지도 이상탐지 모델을 라인 카메라에 붙여 전수 검사합니다.",
                120,
                16,
                ProposalState.SELECTED,
            ),
            (
                startups[1],
                "Unsupervised inspection with a line-scan camera retrofit and PLC reject.",
                140,
                20,
                ProposalState.REJECTED,
            ),
            (startups[3], "진동 데이터 기반 설비 이상 감지를 검사 공정에 적용합니다.", 90, 12, ProposalState.REJECTED),
        )
    ]
    if poster is not None:
        for proposal, marks in zip(proposals, ((5, 5, 4, 4), (4, 4, 4, 2), (2, 3, 3, 4)), strict=True):
            ProposalEvaluation.objects.create(
                proposal=proposal,
                evaluator=poster,
                scores=dict(zip(("fit", "feasibility", "track_record", "value"), marks, strict=True)),
            )
    project = PocProject.objects.create(
        proposal=proposals[0],
        challenge=inspection,
        company=startups[0],
        state=PocState.COMPLETED,
        budget_krw=120 * MILLION,
        starts_on=inspection.starts_on,
        ends_on=inspection.ends_on,
        outcome=PocOutcome.ACHIEVED,
        outcome_summary="야간조 전수 검사를 자동화해 외관 불량 유출이 사라졌고, 검사 인력 2명을 공정 개선에 재배치했습니다.",
        results="고객사 클레임 월 4.2건 → 0건, 미검출률 3.1% → 0.2%, 과검출률 1.5%",
        finished_at=now - dt.timedelta(days=100),
    )
    for days, title, deliverable in (
        (260, "데이터 수집과 조명 설계", "카메라·조명 배치 설계서와 이미지 1만 장"),
        (200, "이상탐지 모델 검증", "야간 이미지 2,000장 검증 보고서"),
        (130, "라인 적용과 PLC 연동", "라인 운영 4주 결과 보고서"),
    ):
        PocMilestone.objects.create(
            project=project,
            title=title,
            deliverable=deliverable,
            due_on=today - dt.timedelta(days=days),
            state=MilestoneState.ACCEPTED,
            submission_note="완료했습니다.",
            submitted_at=now - dt.timedelta(days=days + 2),
            decided_at=now - dt.timedelta(days=days),
            decided_by=poster,
        )
    SuccessCase.objects.create(
        project=project,
        title_ko="야간조 외관 불량 유출 0건: 프레스 부품 전수 검사 자동화",
        summary_ko=(
            "대기업 협력사의 프레스 라인에서 정상 이미지로만 학습한 비지도 이상탐지 모델이 찍힘과 스크래치를 "
            "실시간으로 찾아냅니다. 16주의 실증으로 고객사 클레임이 사라졌고, 같은 방식이 협력사 세 곳의 "
            "스마트공장 구축 사업으로 확산되고 있습니다."
        ),
        title_en="Zero escapes on the night shift: automated inspection of pressed parts",
        summary_en=(
            "An unsupervised anomaly-detection model trained on good parts only now catches dents and scratches "
            "on a press line in real time. After a 16-week proof of concept customer claims stopped, and the "
            "same set-up is spreading to three more suppliers through smart factory projects."
        ),
        owner_consent_by=poster,
        owner_consent_at=now - dt.timedelta(days=90),
        startup_consent_at=now - dt.timedelta(days=92),
        published_at=now - dt.timedelta(days=90),
    )

    maintenance = Challenge.objects.create(
        title="스마트공장 설비 돌발 정지 예방",
        problem="중소 제조기업의 모터와 펌프가 예고 없이 멈춰 라인 전체가 서는 일이 잦습니다.",
        data_available="PLC 로그와 정비 이력 2년치",
        budget_krw=100 * MILLION,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=90),
        region="chungnam",
        sector="C",
        state=ChallengeState.CLOSED,
        owner_agency=agency,
    )
    selected = Proposal.objects.create(
        challenge=maintenance,
        company=startups[2],
        approach="진동·전류 센서를 붙이고 고장 4주 전 경보를 주는 예지보전 모델을 실증합니다.",
        price_krw=80 * MILLION,
        duration_weeks=20,
        state=ProposalState.SELECTED,
    )
    running = PocProject.objects.create(
        proposal=selected,
        challenge=maintenance,
        company=startups[2],
        state=PocState.RUNNING,
        budget_krw=80 * MILLION,
        starts_on=maintenance.starts_on,
        ends_on=maintenance.ends_on,
    )
    PocMilestone.objects.create(
        project=running,
        title="센서 설치와 데이터 수집",
        deliverable="설비 20대 센서 설치 보고서",
        due_on=today - dt.timedelta(days=20),
        state=MilestoneState.ACCEPTED,
        submission_note="설치를 마쳤습니다.",
        submitted_at=now - dt.timedelta(days=22),
        decided_at=now - dt.timedelta(days=20),
    )
    PocMilestone.objects.create(
        project=running,
        title="고장 예측 모델 검증",
        deliverable="과거 고장 12건 재현 검증 보고서",
        due_on=today + dt.timedelta(days=30),
    )


def innovation_seed() -> int:
    """Seed profiles and challenges once, then build the matching indexes; returns profiles created."""
    if StartupProfile.objects.exists():
        return 0
    created = _rows_seed()
    for name in INDEX_NAMES:
        matching_index_rebuild(name)
    return created
