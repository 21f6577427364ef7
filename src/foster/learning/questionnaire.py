"""The AI readiness questionnaire and its scoring, as data (docs/learning.md explains the rule).

Five areas, three questions each; every question has five answers worth 1 to 5 points, in Korean
and English. ``score`` turns a complete set of answers into a level from 1 to 5 per area and
overall; ``missing_questions`` names what is left unanswered. The module is pure Python: no
database, no Django, so the rule can be read, tested and changed in one place. A change to the
questions or the rule gets a new ``VERSION``; a stored result keeps the version it was scored with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

VERSION = 1

AREAS: tuple[str, ...] = ("strategy", "data", "people", "processes", "infrastructure")

MIN_LEVEL = 1
MAX_LEVEL = 5
OVERALL_AT_MOST_ABOVE_WEAKEST = 1

SCORING: dict[str, object] = {
    # An area's level: the mean of its answers' points, rounded half up (2.5 -> 3).
    "area_level": "mean_of_points_rounded_half_up",
    # The overall level: the mean of the five areas' mean points, rounded half up, but at most one
    # level above the weakest area (a company with one area at level 1 is not overall at level 4).
    "overall_level": "mean_of_area_means_rounded_half_up",
    "overall_at_most_above_weakest": OVERALL_AT_MOST_ABOVE_WEAKEST,
    "min_level": MIN_LEVEL,
    "max_level": MAX_LEVEL,
}


@dataclass(frozen=True)
class Option:
    points: int
    text_ko: str
    text_en: str


@dataclass(frozen=True)
class Question:
    key: str
    area: str
    text_ko: str
    text_en: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Level:
    level: int
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str


LEVELS: tuple[Level, ...] = (
    Level(1, "시작 전", "Not started", "AI를 아직 검토하지 않았습니다.", "AI has not been considered yet."),
    Level(
        2, "탐색", "Exploring", "AI 활용 가능성을 알아보는 단계입니다.", "The company is looking into what AI could do."
    ),
    Level(
        3, "시범 적용", "Piloting", "일부 업무에서 AI를 시범 적용하고 있습니다.", "AI is being piloted in some work."
    ),
    Level(
        4,
        "확산",
        "Scaling",
        "여러 업무에서 AI를 정식으로 쓰고 있습니다.",
        "AI is in regular use across several processes.",
    ),
    Level(
        5, "선도", "Leading", "AI가 경영과 업무 전반에 자리 잡았습니다.", "AI is part of how the whole company works."
    ),
)


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(points, ko, en) for points, (ko, en) in enumerate(pairs, start=1))


QUESTIONS: tuple[Question, ...] = (
    # --- Strategy ---
    Question(
        "strategy_vision",
        "strategy",
        "경영진이 AI 도입 목표를 정해 두었습니까?",
        "Has management set goals for adopting AI?",
        _options(
            ("논의한 적이 없습니다", "It has never been discussed"),
            ("관심은 있으나 목표는 없습니다", "There is interest but no goal"),
            ("구두로 정한 목표가 있습니다", "There is an informal goal"),
            ("문서화된 목표와 책임자가 있습니다", "There is a written goal with an owner"),
            ("경영 계획에 AI 목표와 성과지표가 있습니다", "AI goals and indicators are part of the business plan"),
        ),
    ),
    Question(
        "strategy_budget",
        "strategy",
        "AI 관련 예산을 확보하고 있습니까?",
        "Is there a budget for AI?",
        _options(
            ("없습니다", "None"),
            ("필요할 때마다 검토합니다", "Considered case by case"),
            ("시범 사업 예산이 있습니다", "A budget for a pilot"),
            ("연간 예산이 있습니다", "An annual budget"),
            ("중장기 투자 계획이 있습니다", "A multi-year investment plan"),
        ),
    ),
    Question(
        "strategy_use_cases",
        "strategy",
        "AI로 해결할 업무 과제를 찾아 두었습니까?",
        "Have you identified business problems AI could solve?",
        _options(
            ("아직 없습니다", "Not yet"),
            ("막연한 아이디어가 있습니다", "Vague ideas"),
            ("과제 한두 개를 정했습니다", "One or two chosen problems"),
            ("과제별 기대효과를 따져 우선순위를 정했습니다", "Problems ranked by expected benefit"),
            ("과제 목록을 주기적으로 갱신하고 성과를 점검합니다", "A list reviewed regularly with measured results"),
        ),
    ),
    # --- Data ---
    Question(
        "data_collection",
        "data",
        "업무 데이터를 어떻게 모으고 있습니까?",
        "How is business data collected?",
        _options(
            ("대부분 종이나 구두로 처리합니다", "Mostly on paper or by word of mouth"),
            ("엑셀 파일로 흩어져 있습니다", "Scattered spreadsheets"),
            ("주요 업무는 전산 시스템에 기록됩니다", "Main processes are recorded in software"),
            ("설비·시스템 데이터가 자동으로 수집됩니다", "Machine and system data is collected automatically"),
            ("전사 데이터가 한곳에 통합되어 있습니다", "All data is integrated in one place"),
        ),
    ),
    Question(
        "data_quality",
        "data",
        "데이터의 품질과 관리 책임은 어떻습니까?",
        "How are data quality and ownership handled?",
        _options(
            ("관리하지 않습니다", "Not managed"),
            ("문제가 생기면 고칩니다", "Fixed when a problem appears"),
            ("담당자가 정기적으로 점검합니다", "Someone checks it regularly"),
            ("품질 기준과 관리 규칙이 있습니다", "There are quality rules and owners"),
            ("품질을 지표로 관리하고 개선합니다", "Quality is measured and improved"),
        ),
    ),
    Question(
        "data_access",
        "data",
        "필요한 데이터를 분석에 바로 쓸 수 있습니까?",
        "Can the data be used for analysis when needed?",
        _options(
            ("쓸 수 없습니다", "No"),
            ("며칠씩 수작업으로 모아야 합니다", "It takes days of manual work"),
            ("담당자에게 요청하면 받을 수 있습니다", "On request from the person in charge"),
            ("권한이 있는 직원이 직접 조회합니다", "Authorised staff query it themselves"),
            ("분석용 데이터가 자동으로 갱신됩니다", "Analysis-ready data is refreshed automatically"),
        ),
    ),
    # --- People ---
    Question(
        "people_skills",
        "people",
        "AI나 데이터를 다룰 줄 아는 직원이 있습니까?",
        "Do staff have AI or data skills?",
        _options(
            ("없습니다", "None"),
            ("개인적으로 관심 있는 직원이 있습니다", "A few are personally interested"),
            ("기초 교육을 받은 직원이 있습니다", "Some have had basic training"),
            ("AI·데이터 담당자가 있습니다", "There is a person in charge of AI and data"),
            ("전담 조직이 있습니다", "There is a dedicated team"),
        ),
    ),
    Question(
        "people_training",
        "people",
        "직원 AI 교육을 어떻게 하고 있습니까?",
        "How are staff trained in AI?",
        _options(
            ("하지 않습니다", "No training"),
            ("외부 무료 교육을 안내합니다", "Free external courses are pointed out"),
            ("일부 직원이 교육을 받았습니다", "Some staff have taken courses"),
            ("직무별 교육 계획이 있습니다", "There is a training plan per role"),
            ("교육 결과를 업무 성과와 연결합니다", "Training is tied to work results"),
        ),
    ),
    Question(
        "people_leadership",
        "people",
        "경영진은 AI에 대해 얼마나 알고 있습니까?",
        "How well does management understand AI?",
        _options(
            ("거의 모릅니다", "Hardly at all"),
            ("뉴스로 접한 수준입니다", "From the news"),
            ("경영진 교육이나 세미나에 참석했습니다", "Attended an executive course or seminar"),
            ("사례를 검토해 직접 의사결정합니다", "Reviews cases and decides on them"),
            ("AI 활용을 직접 이끌고 있습니다", "Leads AI adoption in person"),
        ),
    ),
    # --- Processes ---
    Question(
        "processes_use",
        "processes",
        "현재 업무에서 AI를 쓰고 있습니까?",
        "Is AI used in your work today?",
        _options(
            ("쓰지 않습니다", "Not at all"),
            ("개인이 생성형 AI 등을 가끔 씁니다", "Individuals occasionally use tools such as generative AI"),
            ("한 업무에서 시범 적용 중입니다", "Piloted in one process"),
            ("여러 업무에서 정식으로 씁니다", "In regular use in several processes"),
            ("핵심 업무가 AI로 자동화되었습니다", "Core processes are automated with AI"),
        ),
    ),
    Question(
        "processes_documented",
        "processes",
        "업무 절차가 문서화되어 있습니까?",
        "Are work processes documented?",
        _options(
            ("문서가 없습니다", "No documents"),
            ("일부만 있습니다", "Some are"),
            ("주요 업무는 문서화되어 있습니다", "The main ones are"),
            ("표준 절차와 성과지표가 있습니다", "Standard procedures with indicators"),
            ("지표를 보고 절차를 꾸준히 개선합니다", "Procedures are improved from the indicators"),
        ),
    ),
    Question(
        "processes_measurement",
        "processes",
        "AI 도입 효과를 측정합니까?",
        "Are the effects of AI measured?",
        _options(
            ("측정할 대상이 없습니다", "Nothing to measure yet"),
            ("측정하지 않습니다", "Not measured"),
            ("체감으로 판단합니다", "Judged by impression"),
            ("도입 전후를 수치로 비교합니다", "Before and after are compared in figures"),
            ("효과를 정기 보고하고 다음 투자에 반영합니다", "Reported regularly and used for the next investment"),
        ),
    ),
    # --- Infrastructure ---
    Question(
        "infrastructure_systems",
        "infrastructure",
        "어떤 업무 시스템을 쓰고 있습니까?",
        "Which business systems do you use?",
        _options(
            ("전산 시스템이 없습니다", "No business software"),
            ("회계 등 기본 프로그램만 씁니다", "Basic software such as accounting only"),
            ("ERP나 MES 같은 업무 시스템이 있습니다", "A business system such as ERP or MES"),
            ("시스템들이 서로 연동됩니다", "Systems are connected to each other"),
            ("클라우드 기반으로 통합 운영합니다", "Integrated and run in the cloud"),
        ),
    ),
    Question(
        "infrastructure_computing",
        "infrastructure",
        "AI를 돌릴 컴퓨팅 환경이 있습니까?",
        "Is there computing capacity to run AI?",
        _options(
            ("없습니다", "None"),
            ("사무용 PC뿐입니다", "Office PCs only"),
            ("클라우드 서비스를 필요할 때 씁니다", "Cloud services when needed"),
            ("AI용 서버나 클라우드 계약이 있습니다", "AI servers or a cloud contract"),
            ("AI 모델을 운영·배포하는 환경이 있습니다", "An environment to run and deploy AI models"),
        ),
    ),
    Question(
        "infrastructure_security",
        "infrastructure",
        "데이터 보안과 개인정보 보호는 어떻습니까?",
        "How are data security and privacy handled?",
        _options(
            ("따로 관리하지 않습니다", "Not specifically managed"),
            ("백신 등 기본 조치만 합니다", "Basic measures such as antivirus"),
            ("보안 규정과 접근 권한이 있습니다", "Security rules and access rights"),
            ("정기 점검과 교육을 합니다", "Regular audits and training"),
            ("인증을 받고 AI 활용 지침이 있습니다", "Certified, with guidelines for using AI"),
        ),
    ),
)

QUESTIONS_BY_KEY: dict[str, Question] = {question.key: question for question in QUESTIONS}


@dataclass(frozen=True)
class Result:
    """Levels 1 to 5 per area and overall, with the mean points behind them."""

    area_levels: dict[str, int]
    area_means: dict[str, float]
    overall_level: int
    overall_mean: float

    @property
    def weakest_areas(self) -> tuple[str, ...]:
        """The areas from the lowest level up (ties in the order of ``AREAS``)."""
        return tuple(sorted(AREAS, key=lambda area: (self.area_levels[area], self.area_means[area], AREAS.index(area))))


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def missing_questions(answers: Mapping[str, object]) -> list[Question]:
    """The questions without a valid answer (missing, or not one of the question's points), in order."""
    missing = []
    for question in QUESTIONS:
        value = answers.get(question.key)
        allowed = {option.points for option in question.options}
        if not isinstance(value, int) or isinstance(value, bool) or value not in allowed:
            missing.append(question)
    return missing


def score(answers: Mapping[str, int]) -> Result:
    """Score a complete set of answers (``ValueError`` if any question is missing; check with
    ``missing_questions`` first). Exact decimal arithmetic, so 2.5 always rounds to 3."""
    if missing_questions(answers):
        raise ValueError("every question needs an answer")
    area_means_exact: dict[str, Decimal] = {}
    for area in AREAS:
        points = [answers[question.key] for question in QUESTIONS if question.area == area]
        area_means_exact[area] = Decimal(sum(points)) / Decimal(len(points))
    area_levels = {area: _round_half_up(mean) for area, mean in area_means_exact.items()}
    overall_exact = sum(area_means_exact.values(), Decimal(0)) / Decimal(len(AREAS))
    cap = min(area_levels.values()) + OVERALL_AT_MOST_ABOVE_WEAKEST
    overall = max(MIN_LEVEL, min(_round_half_up(overall_exact), cap, MAX_LEVEL))
    return Result(
        area_levels=area_levels,
        area_means={area: round(float(mean), 2) for area, mean in area_means_exact.items()},
        overall_level=overall,
        overall_mean=round(float(overall_exact), 2),
    )


def level(number: int) -> Level:
    return LEVELS[number - 1]
