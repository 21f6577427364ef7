"""Demo programs and calls of the plan, across the seven agencies: open and closed calls with
rubrics, application forms (with a file field and a conditional section) and eligibility rules.

Idempotent: programs are refreshed by code; calls and their first form are created once (so
applications added later keep their form). Call times are relative to today, so the open calls
are open whenever the demo is seeded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from foster.accounts.models import Agency
from foster.engines.eligibility import rules_from_data, rules_to_data
from foster.programs.choices import DocumentKind, FieldType, PolicyTag, ProgramType
from foster.programs.models import ApplicationForm, Call, Program, Rubric

BILLION = 1_000_000_000
MILLION = 1_000_000


@dataclass(frozen=True)
class ProgramSpec:
    agency: str
    code: str
    name_ko: str
    name_en: str
    program_type: str
    policy_tags: tuple[str, ...]
    rules: tuple[dict[str, Any], ...]
    budget_krw: int
    max_award_krw: int
    description_ko: str = ""
    description_en: str = ""
    private_matching_ratio: Decimal | None = None
    closes_in_days: int = 30
    has_closed_round: bool = True
    documents: tuple[str, ...] = (DocumentKind.BUSINESS_PLAN,)


AI_SECTORS = {"kind": "sector_in", "sections": ["C", "J", "M"], "divisions": []}
SME_SIZES = {"kind": "size_class_in", "size_classes": ["medium", "small", "startup"]}

PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        "kosme",
        "manufacturing-ai-designation",
        "제조 AI 특화기업 지정",
        "Manufacturing AI specialised company designation",
        ProgramType.DESIGNATION,
        (PolicyTag.MANUFACTURING_AI, PolicyTag.AI),
        (
            SME_SIZES,
            {"kind": "sector_in", "sections": ["C"], "divisions": []},
            {"kind": "not_designated"},
            {"kind": "required_documents", "document_kinds": ["ai_adoption_plan", "business_plan"]},
        ),
        budget_krw=100 * BILLION,
        max_award_krw=1 * BILLION,
        description_ko="제조 현장에 AI를 도입·공급하는 중소기업 100개사를 지정하고 "
        "융자·보증·투자를 패키지로 지원합니다.",
        description_en="Designates 100 SMEs that adopt or supply AI on the factory floor, with a package of loans, "
        "guarantees and investment.",
        closes_in_days=21,
        documents=(DocumentKind.BUSINESS_PLAN, DocumentKind.AI_ADOPTION_PLAN),
    ),
    ProgramSpec(
        "kosme",
        "kosme-ai-policy-loan",
        "AI 혁신성장 정책자금",
        "AI innovative growth policy loan",
        ProgramType.LOAN,
        (PolicyTag.AI, PolicyTag.INNOVATIVE_GROWTH),
        (SME_SIZES, {"kind": "exposure_headroom_covers_request"}),
        budget_krw=500 * BILLION,
        max_award_krw=6 * BILLION,
        description_ko="AI·반도체 등 혁신성장 분야 중소기업에 시설·운전자금을 융자합니다.",
        description_en="Facility and working-capital loans for SMEs in AI, semiconductors and other innovative "
        "growth areas.",
        closes_in_days=45,
        documents=(DocumentKind.BUSINESS_PLAN, DocumentKind.FINANCIAL_STATEMENTS),
    ),
    ProgramSpec(
        "kosme",
        "kosme-sme-policy-loan",
        "중소기업 일반 정책자금",
        "General SME policy loan",
        ProgramType.LOAN,
        (),
        (SME_SIZES, {"kind": "exposure_headroom_covers_request"}),
        budget_krw=2_000 * BILLION,
        max_award_krw=6 * BILLION,
        description_ko="업종을 가리지 않고 중소기업의 시설·운전자금을 융자합니다.",
        description_en="Facility and working-capital loans for SMEs of every industry.",
        closes_in_days=40,
        documents=(DocumentKind.BUSINESS_PLAN, DocumentKind.FINANCIAL_STATEMENTS),
    ),
    ProgramSpec(
        "kodit",
        "kodit-ai-guarantee",
        "AI 스타트업 특례보증",
        "Special credit guarantee for AI startups",
        ProgramType.GUARANTEE,
        (PolicyTag.AI, PolicyTag.SEMICONDUCTOR, PolicyTag.INNOVATIVE_GROWTH),
        (
            {"kind": "size_class_in", "size_classes": ["small", "startup"]},
            {"kind": "company_age_at_most", "years": 7},
            {"kind": "exposure_headroom_covers_request"},
        ),
        budget_krw=300 * BILLION,
        max_award_krw=3 * BILLION,
        closes_in_days=5,
        documents=(DocumentKind.FINANCIAL_STATEMENTS,),
    ),
    ProgramSpec(
        "kibo",
        "kibo-deep-tech-guarantee",
        "딥테크 기술보증",
        "Deep-tech technology guarantee",
        ProgramType.GUARANTEE,
        (PolicyTag.AI, PolicyTag.SEMICONDUCTOR),
        (AI_SECTORS, {"kind": "exposure_headroom_covers_request"}),
        budget_krw=200 * BILLION,
        max_award_krw=5 * BILLION,
        closes_in_days=60,
        documents=(DocumentKind.FINANCIAL_STATEMENTS, DocumentKind.BUSINESS_PLAN),
    ),
    ProgramSpec(
        "tipa",
        "tipa-high-risk-rnd",
        "고위험·고성과 R&D (민간투자 연계)",
        "High-risk, high-performance R&D with private matching",
        ProgramType.HIGH_RISK_RND,
        (PolicyTag.STRATEGIC_TECHNOLOGY, PolicyTag.AI),
        (
            SME_SIZES,
            AI_SECTORS,
            {"kind": "required_documents", "document_kinds": ["investment_certificate", "research_plan"]},
        ),
        budget_krw=120 * BILLION,
        max_award_krw=10 * BILLION,
        private_matching_ratio=Decimal("0.50"),
        closes_in_days=35,
        documents=(DocumentKind.RESEARCH_PLAN, DocumentKind.INVESTMENT_CERTIFICATE),
    ),
    ProgramSpec(
        "tipa",
        "tipa-strategic-tech-rnd",
        "전략기술 중소기업 R&D",
        "Strategic technology SME R&D",
        ProgramType.RND,
        (PolicyTag.STRATEGIC_TECHNOLOGY, PolicyTag.SEMICONDUCTOR),
        (SME_SIZES, {"kind": "required_documents", "document_kinds": ["research_plan"]}),
        budget_krw=330 * BILLION,
        max_award_krw=2 * BILLION,
        closes_in_days=14,
        documents=(DocumentKind.RESEARCH_PLAN,),
    ),
    ProgramSpec(
        "tipa",
        "tipa-sme-rnd",
        "중소기업 기술개발 R&D (일반)",
        "SME technology development R&D (general)",
        ProgramType.RND,
        (),
        (SME_SIZES, {"kind": "required_documents", "document_kinds": ["research_plan"]}),
        budget_krw=300 * BILLION,
        max_award_krw=1 * BILLION,
        closes_in_days=28,
        documents=(DocumentKind.RESEARCH_PLAN,),
    ),
    ProgramSpec(
        "nipa",
        "nipa-data-voucher",
        "데이터 바우처",
        "Data voucher",
        ProgramType.DATA_VOUCHER,
        (PolicyTag.DATA, PolicyTag.AI),
        (SME_SIZES,),
        budget_krw=40 * BILLION,
        max_award_krw=70 * MILLION,
        closes_in_days=10,
    ),
    ProgramSpec(
        "kised",
        "kised-ai-accelerator",
        "AI 특화 액셀러레이팅",
        "AI-specialised accelerator",
        ProgramType.ACCELERATOR,
        (PolicyTag.AI,),
        ({"kind": "size_class_in", "size_classes": ["startup"]}, {"kind": "company_age_at_most", "years": 3}),
        budget_krw=15 * BILLION,
        max_award_krw=100 * MILLION,
        closes_in_days=28,
    ),
    ProgramSpec(
        "nipa",
        "nipa-overseas-joint-research",
        "해외 공동연구 및 진출 지원",
        "Overseas joint research and expansion",
        ProgramType.OVERSEAS,
        (PolicyTag.GLOBAL, PolicyTag.AI),
        (SME_SIZES, AI_SECTORS, {"kind": "required_documents", "document_kinds": ["partner_agreement"]}),
        budget_krw=25 * BILLION,
        max_award_krw=500 * MILLION,
        closes_in_days=40,
        has_closed_round=False,
        documents=(DocumentKind.PARTNER_AGREEMENT, DocumentKind.BUSINESS_PLAN),
    ),
    ProgramSpec(
        "mss",
        "mss-sme-ai-consulting",
        "중소기업 AI 활용 컨설팅",
        "AI adoption consulting for SMEs",
        ProgramType.CONSULTING,
        (PolicyTag.AI, PolicyTag.MANUFACTURING_AI),
        ({"kind": "size_class_in", "size_classes": ["medium", "small"]},),
        budget_krw=8 * BILLION,
        max_award_krw=30 * MILLION,
        closes_in_days=50,
        has_closed_round=False,
    ),
)

RUBRIC = [
    {
        "key": "technology",
        "label_ko": "기술성",
        "label_en": "Technology",
        "weight": 35.0,
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "key": "market",
        "label_ko": "사업성",
        "label_en": "Market potential",
        "weight": 25.0,
        "scale_min": 0,
        "scale_max": 10,
    },
    {
        "key": "team",
        "label_ko": "수행역량",
        "label_en": "Team capability",
        "weight": 20.0,
        "scale_min": 1,
        "scale_max": 5,
    },
    {
        "key": "ai_impact",
        "label_ko": "AI 활용 효과",
        "label_en": "AI impact",
        "weight": 20.0,
        "scale_min": 1,
        "scale_max": 5,
    },
]

DOCUMENT_LABELS = dict(DocumentKind.choices)
DOCUMENT_LABELS_KO: dict[str, str] = {
    DocumentKind.BUSINESS_PLAN: "사업계획서",
    DocumentKind.FINANCIAL_STATEMENTS: "재무제표",
    DocumentKind.AI_ADOPTION_PLAN: "AI 도입 계획서",
    DocumentKind.RESEARCH_PLAN: "연구개발계획서",
    DocumentKind.INVESTMENT_CERTIFICATE: "민간투자 확인서",
    DocumentKind.PARTNER_AGREEMENT: "협력기관 협약서",
}


def form_schema(max_award_krw: int, documents: tuple[str, ...]) -> dict[str, Any]:
    """The demo application form: overview, plan with file fields, and a consortium section shown
    only for consortium applications."""
    files = [
        {
            "key": str(kind),
            "type": FieldType.FILE,
            "label_ko": DOCUMENT_LABELS_KO.get(kind, str(kind)),
            "label_en": str(DOCUMENT_LABELS[kind]),
            "help_ko": "PDF, HWP/HWPX, DOCX, XLSX 파일",
            "help_en": "PDF, HWP/HWPX, DOCX or XLSX",
            "required": True,
        }
        for kind in documents
    ]
    return {
        "sections": [
            {
                "key": "overview",
                "title_ko": "과제 개요",
                "title_en": "Project overview",
                "show_if": None,
                "fields": [
                    {
                        "key": "project_title",
                        "type": FieldType.TEXT,
                        "label_ko": "과제명",
                        "label_en": "Project title",
                        "required": True,
                        "max_length": 300,
                    },
                    {
                        "key": "summary",
                        "type": FieldType.LONG_TEXT,
                        "label_ko": "과제 요약",
                        "label_en": "Summary",
                        "help_ko": "1,000자 이내",
                        "help_en": "At most 1,000 characters",
                        "required": True,
                        "max_length": 1000,
                    },
                    {
                        "key": "requested_amount",
                        "type": FieldType.MONEY,
                        "label_ko": "신청 금액(원)",
                        "label_en": "Requested amount (KRW)",
                        "required": True,
                        "min": 1,
                        "max": max_award_krw,
                    },
                    {
                        "key": "ai_area",
                        "type": FieldType.CHOICE,
                        "label_ko": "AI 활용 분야",
                        "label_en": "AI area",
                        "required": True,
                        "choices": [
                            {"value": "vision", "label_ko": "비전 검사", "label_en": "Vision inspection"},
                            {"value": "forecasting", "label_ko": "수요·설비 예측", "label_en": "Forecasting"},
                            {"value": "language", "label_ko": "언어 모델", "label_en": "Language models"},
                            {"value": "other", "label_ko": "기타", "label_en": "Other"},
                        ],
                    },
                    {
                        "key": "is_consortium",
                        "type": FieldType.CHOICE,
                        "label_ko": "컨소시엄 신청 여부",
                        "label_en": "Consortium application",
                        "required": True,
                        "choices": [
                            {"value": "no", "label_ko": "단독", "label_en": "Single company"},
                            {"value": "yes", "label_ko": "컨소시엄", "label_en": "Consortium"},
                        ],
                    },
                ],
            },
            {
                "key": "plan",
                "title_ko": "수행 계획",
                "title_en": "Plan",
                "show_if": None,
                "fields": [
                    {
                        "key": "start_date",
                        "type": FieldType.DATE,
                        "label_ko": "착수 예정일",
                        "label_en": "Planned start",
                        "required": True,
                    },
                    {
                        "key": "new_hires",
                        "type": FieldType.NUMBER,
                        "label_ko": "신규 채용 계획(명)",
                        "label_en": "Planned new hires",
                        "required": False,
                        "min": 0,
                        "max": 1000,
                    },
                    {
                        "key": "channels",
                        "type": FieldType.MULTI_CHOICE,
                        "label_ko": "희망 판로 지원",
                        "label_en": "Sales channels wanted",
                        "required": False,
                        "choices": [
                            {"value": "procurement", "label_ko": "공공조달", "label_en": "Public procurement"},
                            {"value": "exhibition", "label_ko": "전시회", "label_en": "Exhibitions"},
                            {"value": "export", "label_ko": "수출", "label_en": "Export"},
                        ],
                    },
                    *files,
                ],
            },
            {
                "key": "consortium",
                "title_ko": "컨소시엄 구성",
                "title_en": "Consortium",
                "show_if": {"field": "is_consortium", "equals": "yes"},
                "fields": [
                    {
                        "key": "partner_names",
                        "type": FieldType.LONG_TEXT,
                        "label_ko": "참여기업",
                        "label_en": "Partner companies",
                        "help_ko": "기업명과 사업자등록번호를 한 줄에 하나씩",
                        "help_en": "One company per line: name and business registration number",
                        "required": True,
                    },
                    {
                        "key": "lead_share_percent",
                        "type": FieldType.NUMBER,
                        "label_ko": "주관기업 예산 비중(%)",
                        "label_en": "Lead company's share of the budget (%)",
                        "required": True,
                        "min": 1,
                        "max": 100,
                    },
                ],
            },
        ]
    }


def _at(now: dt.datetime, days: int, hour: int) -> dt.datetime:
    local = timezone.localtime(now) + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _call(program: Program, spec: ProgramSpec, *, year: int, opens_at: dt.datetime, closes_at: dt.datetime) -> Call:
    """The call of ``program`` for ``year``, with its rubric and first form when it is new."""
    code = f"{spec.code}-{year}"
    rules = rules_to_data(rules_from_data({"version": 1, "rules": list(spec.rules)}))
    call, created = Call.objects.get_or_create(
        code=code,
        defaults={
            "program": program,
            "title_ko": f"{year}년 {program.name_ko} 공고",
            "title_en": f"{program.name_en}, {year} call",
            "summary_ko": program.description_ko,
            "summary_en": program.description_en,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "review_deadline": closes_at + dt.timedelta(days=21),
            "budget_krw": spec.budget_krw,
            "max_award_krw": spec.max_award_krw,
            "reviewers_per_application": 3,
            # A callable: the rubric is created only with the call, not on every reseeding.
            "rubric": lambda: Rubric.objects.create(name=f"Rubric of {code}", criteria=RUBRIC),
            "eligibility_rules": rules,
        },
    )
    if created:
        ApplicationForm.objects.create(call=call, version=1, schema=form_schema(spec.max_award_krw, spec.documents))
    return call


@transaction.atomic
def programs_seed(*, now: dt.datetime | None = None) -> list[Call]:
    """Create the demo programs and their calls (needs the agencies: ``agencies_seed``)."""
    now = now or timezone.now()
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    calls: list[Call] = []
    year = timezone.localtime(now).year
    for spec in PROGRAMS:
        agency = agencies.get(spec.agency)
        if agency is None:
            continue
        program, _created = Program.objects.update_or_create(
            code=spec.code,
            defaults={
                "agency": agency,
                "name_ko": spec.name_ko,
                "name_en": spec.name_en,
                "program_type": spec.program_type,
                "policy_tags": [str(tag) for tag in spec.policy_tags],
                "description_ko": spec.description_ko,
                "description_en": spec.description_en,
                "private_matching_ratio": spec.private_matching_ratio,
            },
        )
        calls.append(
            _call(program, spec, year=year, opens_at=_at(now, -14, 9), closes_at=_at(now, spec.closes_in_days, 18))
        )
        if spec.has_closed_round:
            calls.append(_call(program, spec, year=year - 1, opens_at=_at(now, -220, 9), closes_at=_at(now, -180, 18)))
    return calls
