# ruff: noqa: E501  (the demo texts are data, one course a line)
"""Demo data of education, consulting and the diagnostic: an AI academy of KOSME with courses for
executives and staff, online and in the regions, sessions every few weeks through 2027; past
sessions with completed enrolments (certificates); a consultant pool; diagnostics taken by a few
hundred demo SMEs (some twice); consulting requests at every stage. Idempotent: nothing is added
once a course exists. Rows are written in bulk (a few seconds)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.learning.choices import ConsultingStatus, EnrolmentStatus
from foster.learning.models import (
    Consultant,
    ConsultingRequest,
    ConsultingSession,
    Course,
    CourseSession,
    Diagnostic,
    Enrolment,
)
from foster.learning.questionnaire import AREAS, QUESTIONS, score
from foster.learning.services import certificate_code_new
from foster.programs.choices import PolicyTag, ProgramType
from foster.programs.models import Program
from foster.registry.choices import AIAdoption, SizeClass
from foster.registry.models import Company, CompanyMembership

DEMO_LEARNER_PASSWORD = "foster-demo-2026"  # noqa: S105  (the demo log-in, printed by `foster demo`)  # nosec B105  # the demo's published password
DEMO_SME_OWNER = "owner@sme.demo.foster.kr"

# code, title ko, title en, topic, area, level, audience, delivery, region, hours, summary ko, summary en
COURSES: tuple[tuple[str, str, str, str, str, str, str, str, str, int, str, str], ...] = (
    (
        "ceo-ai-strategy",
        "CEO를 위한 AI 전략",
        "AI strategy for CEOs",
        "ai_strategy",
        "strategy",
        "beginner",
        "executives",
        "on_site",
        "seoul",
        8,
        "AI로 무엇을 바꿀지, 얼마를 투자할지 정하는 경영진 과정입니다. 업종별 도입 사례와 투자 대비 효과 계산을 다룹니다.",
        "For executives deciding what AI should change and how much to invest: cases by industry and return on investment.",
    ),
    (
        "ceo-ai-strategy-busan",
        "CEO를 위한 AI 전략 (부산)",
        "AI strategy for CEOs (Busan)",
        "ai_strategy",
        "strategy",
        "beginner",
        "executives",
        "on_site",
        "busan",
        8,
        "동남권 제조기업 경영진을 위한 AI 전략 과정입니다.",
        "The executive AI strategy course for manufacturers in the south-east.",
    ),
    (
        "ai-business-case",
        "AI 과제 발굴과 사업계획",
        "Finding AI use cases and building the business case",
        "ai_strategy",
        "strategy",
        "intermediate",
        "executives",
        "online",
        "",
        12,
        "우리 회사의 AI 과제를 찾아 우선순위를 정하고 예산을 세웁니다.",
        "Find your AI use cases, rank them and budget them.",
    ),
    (
        "data-literacy-basics",
        "업무 데이터 기초",
        "Data literacy basics",
        "data_literacy",
        "data",
        "beginner",
        "staff",
        "online",
        "",
        8,
        "엑셀에 흩어진 데이터를 모으고 정리하는 방법부터 시작합니다.",
        "Start by gathering and cleaning the data scattered in spreadsheets.",
    ),
    (
        "data-quality-management",
        "데이터 품질 관리 실무",
        "Data quality management in practice",
        "data_literacy",
        "data",
        "intermediate",
        "staff",
        "on_site",
        "daejeon",
        16,
        "데이터 품질 기준, 관리 책임, 점검 절차를 만듭니다.",
        "Set data quality rules, owners and checks.",
    ),
    (
        "manufacturing-data-platform",
        "제조 데이터 플랫폼 구축",
        "Building a manufacturing data platform",
        "smart_manufacturing",
        "data",
        "advanced",
        "staff",
        "on_site",
        "gyeongnam",
        24,
        "설비·MES 데이터를 수집해 분석 가능한 형태로 통합합니다.",
        "Collect machine and MES data and integrate it for analysis.",
    ),
    (
        "genai-at-work",
        "업무에 바로 쓰는 생성형 AI",
        "Generative AI at work",
        "generative_ai",
        "people",
        "beginner",
        "staff",
        "online",
        "",
        6,
        "문서 작성, 요약, 번역, 고객 응대에 생성형 AI를 안전하게 쓰는 법을 익힙니다.",
        "Use generative AI safely for writing, summarising, translating and customer service.",
    ),
    (
        "ai-champions",
        "사내 AI 담당자 양성",
        "Training in-house AI champions",
        "machine_learning",
        "people",
        "intermediate",
        "staff",
        "on_site",
        "gyeonggi",
        32,
        "사내에서 AI 과제를 이끌 담당자를 기릅니다. 실습 중심입니다.",
        "Hands-on training for the people who will lead AI projects in the company.",
    ),
    (
        "vision-inspection",
        "제조 현장의 AI 품질검사",
        "AI quality inspection on the factory floor",
        "smart_manufacturing",
        "processes",
        "intermediate",
        "staff",
        "on_site",
        "daegu",
        16,
        "비전 검사 도입 절차, 데이터 수집, 성능 검증을 실습합니다.",
        "Introduce vision inspection: data collection, rollout and validation.",
    ),
    (
        "process-automation",
        "AI로 업무 자동화하기",
        "Automating work with AI",
        "generative_ai",
        "processes",
        "beginner",
        "staff",
        "online",
        "",
        8,
        "반복 업무를 찾아 AI와 자동화 도구로 줄이는 방법을 배웁니다.",
        "Find repetitive work and cut it with AI and automation tools.",
    ),
    (
        "ai-roi-measurement",
        "AI 도입 효과 측정",
        "Measuring the effect of AI",
        "ai_strategy",
        "processes",
        "advanced",
        "executives",
        "online",
        "",
        6,
        "도입 전후 지표를 설계하고 효과를 보고하는 방법입니다.",
        "Design before-and-after indicators and report the effect.",
    ),
    (
        "cloud-for-sme",
        "중소기업을 위한 클라우드와 AI 인프라",
        "Cloud and AI infrastructure for SMEs",
        "cloud_infrastructure",
        "infrastructure",
        "beginner",
        "staff",
        "online",
        "",
        8,
        "클라우드 서비스 선택, 비용 관리, AI 서비스 연결의 기초입니다.",
        "Choosing cloud services, managing their cost and connecting AI services.",
    ),
    (
        "ai-security-privacy",
        "AI 시대의 보안과 개인정보 보호",
        "Security and privacy in the age of AI",
        "ai_governance",
        "infrastructure",
        "intermediate",
        "executives",
        "on_site",
        "gwangju",
        8,
        "AI 활용 지침, 데이터 보호, 보안 점검 체계를 세웁니다.",
        "Set AI usage guidelines, data protection and security checks.",
    ),
    (
        "mlops-basics",
        "AI 모델 운영(MLOps) 입문",
        "Introduction to running AI models (MLOps)",
        "cloud_infrastructure",
        "infrastructure",
        "advanced",
        "staff",
        "online",
        "",
        16,
        "만든 모델을 배포하고 성능을 관리하는 체계를 배웁니다.",
        "Deploy models and keep their performance in check.",
    ),
)

VENUES = {
    "seoul": "서울 중소기업 DMC타워 교육장",
    "busan": "부산 중소기업 글로벌지원센터",
    "daejeon": "대전 KOSME 인재개발원",
    "gyeongnam": "창원 스마트공장 배움터",
    "gyeonggi": "판교 제2테크노밸리 기업지원허브",
    "daegu": "대구 제조AI 실증센터",
    "gwangju": "광주 AI 집적단지 교육동",
}

# email, name, expertise areas, KSIC sections, regions, load limit, profile
CONSULTANTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], int, str], ...] = (
    (
        "reviewer@demo.foster.kr",
        "최심사",
        ("strategy", "processes"),
        ("C",),
        ("seoul", "gyeonggi"),
        4,
        "제조 AI 도입 전략 20년",
    ),
    (
        "consultant.data@demo.foster.kr",
        "서데이터",
        ("data", "infrastructure"),
        ("C", "G"),
        (),
        5,
        "데이터 플랫폼 설계 전문",
    ),
    ("consultant.people@demo.foster.kr", "문인재", ("people", "strategy"), (), (), 3, "조직 변화관리와 AI 교육"),
    (
        "consultant.vision@demo.foster.kr",
        "배비전",
        ("processes", "data"),
        ("C",),
        ("daegu", "gyeongbuk", "busan"),
        3,
        "비전 검사·공정 최적화",
    ),
    ("consultant.cloud@demo.foster.kr", "조클라우드", ("infrastructure",), ("J",), (), 4, "클라우드·보안"),
    (
        "consultant.retail@demo.foster.kr",
        "허유통",
        ("strategy", "data"),
        ("G", "I"),
        ("busan", "gyeongnam"),
        3,
        "유통·서비스업 데이터 활용",
    ),
)

PROBLEMS = (
    "야간조에서 육안 검사로 찍힘과 스크래치를 자주 놓칩니다.",
    "재고가 늘 많거나 모자랍니다. 수요를 미리 알고 싶습니다.",
    "설비가 갑자기 멈춰 생산 일정이 틀어집니다.",
    "고객 문의 전화가 너무 많아 응대가 늦습니다.",
    "견적서와 발주서를 손으로 옮겨 적느라 시간이 걸립니다.",
    "",
)

ADOPTION_BASE: dict[str, float] = {
    AIAdoption.NONE: 1.6,
    AIAdoption.EXPLORING: 2.2,
    AIAdoption.PILOTING: 2.9,
    AIAdoption.IN_USE: 3.6,
    AIAdoption.AI_PROVIDER: 4.3,
}


def _kosme() -> Agency | None:
    return Agency.objects.filter(code="kosme").first()


def _users(prefix: str, count: int, role: str) -> list[User]:
    """Demo people in bulk with one shared password hash (hashing each would take seconds)."""
    password = make_password(DEMO_LEARNER_PASSWORD)
    emails = [f"{prefix}{index:03d}@demo.foster.kr" for index in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=email, full_name=f"교육생{index:03d}", role=role, password=password)
        for index, email in enumerate(emails)
        if email not in existing
    )
    return list(User.objects.filter(email__in=emails).order_by("email"))


def _answers(generator: random.Random, base: float) -> dict[str, int]:
    area_shift = {area: generator.uniform(-0.9, 0.9) for area in AREAS}
    return {
        question.key: max(1, min(5, round(base + area_shift[question.area] + generator.uniform(-0.7, 0.7))))
        for question in QUESTIONS
    }


def _diagnostic(
    company: Company, user: User | None, answers: dict[str, int], problem: str, when: dt.datetime
) -> Diagnostic:
    result = score(answers)
    return Diagnostic(
        company=company,
        taken_by=user,
        questionnaire_version=1,
        language="ko",
        answers=answers,
        area_levels=result.area_levels,
        area_means=result.area_means,
        overall_level=result.overall_level,
        overall_mean=result.overall_mean,
        problem=problem,
        created_at=when,
    )


def _courses(agency: Agency, program: Program | None) -> list[Course]:
    Course.objects.bulk_create(
        Course(
            agency=agency,
            program=program,
            code=f"kosme-{code}",
            title_ko=title_ko,
            title_en=title_en,
            topic=topic,
            area=area,
            level=level,
            audience=audience,
            delivery=delivery,
            region=region,
            hours=hours,
            summary_ko=summary_ko,
            summary_en=summary_en,
        )
        for code, title_ko, title_en, topic, area, level, audience, delivery, region, hours, summary_ko, summary_en in COURSES
    )
    return list(Course.objects.filter(agency=agency).order_by("code"))


def _sessions(courses: list[Course], now: dt.datetime) -> list[CourseSession]:
    """From 14 months ago to the end of 2027, every course runs about every seven weeks."""
    tz = timezone.get_current_timezone()
    first = (now - dt.timedelta(days=420)).date()
    last = dt.date(2027, 12, 31)
    rows = []
    for offset, course in enumerate(courses):
        day = first + dt.timedelta(days=offset * 3)
        while day <= last:
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            starts = dt.datetime.combine(day, dt.time(10 if course.delivery == "online" else 9), tzinfo=tz)
            hours = min(course.hours, 8)
            rows.append(
                CourseSession(
                    course=course,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=hours),
                    venue=VENUES.get(course.region, "") if course.delivery == "on_site" else "",
                    capacity=100 if course.delivery == "online" else 30,
                )
            )
            day += dt.timedelta(days=49)
    CourseSession.objects.bulk_create(rows)
    return list(CourseSession.objects.filter(course__in=courses).order_by("starts_at", "id"))


def _enrolments(
    sessions: list[CourseSession],
    learners: list[User],
    now: dt.datetime,
    generator: random.Random,
    official: User | None,
) -> None:
    companies = dict(CompanyMembership.objects.filter(user__in=learners).values_list("user_id", "company_id"))
    rows = []
    seated_counts: dict[int, int] = {}
    for session in sessions:
        if session.starts_at > now + dt.timedelta(days=60):
            continue
        is_past = session.ends_at < now
        size = generator.randint(8, min(len(learners), session.capacity + 6))
        people = generator.sample(learners, size)
        for position, person in enumerate(people):
            if position < session.capacity:
                if is_past:
                    status = EnrolmentStatus.COMPLETED if generator.random() < 0.85 else EnrolmentStatus.ABSENT
                else:
                    status = EnrolmentStatus.SEATED
                seated_counts[session.pk] = seated_counts.get(session.pk, 0) + 1
            else:
                if is_past:
                    continue
                status = EnrolmentStatus.WAITLISTED
            rows.append(
                Enrolment(
                    session=session,
                    user=person,
                    company_id=companies.get(person.pk),
                    status=status,
                    seated_at=session.starts_at - dt.timedelta(days=10)
                    if status != EnrolmentStatus.WAITLISTED
                    else None,
                    attendance_marked_at=session.ends_at if is_past else None,
                    attendance_marked_by=official if is_past else None,
                    certificate_code=certificate_code_new() if status == EnrolmentStatus.COMPLETED else None,
                    certificate_issued_at=session.ends_at if status == EnrolmentStatus.COMPLETED else None,
                )
            )
    Enrolment.objects.bulk_create(rows, batch_size=1000)
    for session_id, count in seated_counts.items():
        CourseSession.objects.filter(pk=session_id).update(seated_count=count)


def _consultants(agency: Agency) -> list[Consultant]:
    password = make_password(DEMO_LEARNER_PASSWORD)
    consultants = []
    for email, name, areas, sectors, regions, load, bio in CONSULTANTS:
        user, _created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "role": Role.REVIEWER, "password": password}
        )
        consultant, _created = Consultant.objects.get_or_create(
            agency=agency,
            user=user,
            defaults={
                "expertise_areas": list(areas),
                "sectors": list(sectors),
                "regions": list(regions),
                "load_limit": load,
                "bio": bio,
            },
        )
        consultants.append(consultant)
    return consultants


def _diagnostics(
    generator: random.Random, now: dt.datetime, owners: dict[int, User], exclude: int | None
) -> list[Diagnostic]:
    """Diagnostics of about 400 SMEs across sectors; a third of them took it again months later."""
    companies = list(
        Company.objects.filter(size_class__in=[SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.STARTUP])
        .exclude(pk=exclude or 0)
        .order_by("id")[:2000]
    )
    chosen = generator.sample(companies, min(400, len(companies)))
    rows = []
    for company in chosen:
        base = ADOPTION_BASE.get(company.ai_adoption, 2.0)
        first = now - dt.timedelta(days=generator.randint(150, 420))
        user = owners.get(company.pk)
        rows.append(_diagnostic(company, user, _answers(generator, base), generator.choice(PROBLEMS), first))
        if generator.random() < 0.33:
            later = first + dt.timedelta(days=generator.randint(90, 140))
            rows.append(_diagnostic(company, user, _answers(generator, base + 0.6), generator.choice(PROBLEMS), later))
    created = Diagnostic.objects.bulk_create(rows, batch_size=500)
    # auto_now_add ignores the given time on insert: set the history's dates afterwards.
    for row, diagnostic in zip(rows, created, strict=True):
        Diagnostic.objects.filter(pk=diagnostic.pk).update(created_at=row.created_at)
    return created


def _consulting(
    agency: Agency, consultants: list[Consultant], generator: random.Random, now: dt.datetime, owners: dict[int, User]
) -> None:
    companies = list(Company.objects.filter(pk__in=list(owners)).order_by("id")[:9])
    topics = ["data", "processes", "strategy", "people", "infrastructure", "data", "processes", "strategy", "data"]
    for index, company in enumerate(companies):
        stage = index % 3  # requested, assigned with a session, closed with feedback
        consultant = consultants[index % len(consultants)]
        request = ConsultingRequest.objects.create(
            company=company,
            agency=agency,
            requested_by=owners.get(company.pk),
            topic=topics[index],
            problem=PROBLEMS[index % 5],
            preferred_time="평일 오후, 다음 달부터",
            status=[ConsultingStatus.REQUESTED, ConsultingStatus.ASSIGNED, ConsultingStatus.CLOSED][stage],
            consultant=consultant if stage else None,
            assignment_fit=1.0 if stage else None,
            assigned_at=now - dt.timedelta(days=40) if stage else None,
        )
        if stage:
            ConsultingSession.objects.create(
                request=request,
                held_on=(now - dt.timedelta(days=30)).date(),
                duration_minutes=90,
                notes="현장 방문. 데이터 현황과 업무 흐름을 함께 살펴보고 시범 과제 후보 두 가지를 정했습니다.",
                recorded_by=consultant.user,
            )
        if stage == 2:
            request.closing_report = "재고 데이터를 ERP로 모은 뒤 수요예측 시범 과제를 3개월간 진행하도록 권고했습니다. 데이터 바우처 공고에 신청할 수 있습니다."
            request.closed_at = now - dt.timedelta(days=10)
            request.satisfaction = generator.choice([4, 5])
            request.feedback = "구체적인 다음 단계를 알게 되었습니다."
            request.feedback_at = now - dt.timedelta(days=8)
            request.save()


@transaction.atomic
def learning_seed(*, seed: int = 2026, now: dt.datetime | None = None) -> int:
    """Seed courses, sessions, enrolments, consultants, diagnostics and consulting once; returns the
    number of sessions created (0 when the data is already there)."""
    agency = _kosme()
    if agency is None or Course.objects.exists():
        return 0
    now = now or timezone.now()
    generator = random.Random(seed)  # nosec B311  # seeded generator for reproducible demo data, not a secret
    program, _created = Program.objects.get_or_create(
        code="kosme-sme-ai-academy",
        defaults={
            "agency": agency,
            "name_ko": "중소기업 AI 아카데미",
            "name_en": "SME AI academy",
            "program_type": ProgramType.EDUCATION,
            "policy_tags": [PolicyTag.AI],
            "description_ko": "중소기업 경영진과 직원을 위한 AI 교육: 온라인과 지역 현장 과정, 수료증 발급.",
            "description_en": "AI education for SME executives and staff, online and on site in the regions, with certificates.",
        },
    )
    official = User.objects.filter(agency_memberships__agency=agency, role=Role.AGENCY_OFFICIAL).order_by("pk").first()
    courses = _courses(agency, program)
    sessions = _sessions(courses, now)
    learners = _users("learner", 60, Role.COMPANY_MEMBER)
    owner = User.objects.filter(email=DEMO_SME_OWNER).first()
    owner_company = CompanyMembership.objects.filter(user=owner).values_list("company_id", flat=True).first()
    sme_ids = list(
        Company.objects.filter(size_class__in=[SizeClass.SMALL, SizeClass.MEDIUM])
        .exclude(pk=owner_company or 0)
        .order_by("id")
        .values_list("pk", flat=True)[:60]
    )
    CompanyMembership.objects.bulk_create(
        [
            CompanyMembership(user=learner, company_id=company_id)
            for learner, company_id in zip(learners, sme_ids, strict=False)
        ],
        ignore_conflicts=True,
    )
    _enrolments(sessions, learners, now, generator, official)
    owners: dict[int, Any] = {company_id: user for user, company_id in zip(learners, sme_ids, strict=False)}
    _diagnostics(generator, now, owners, owner_company)
    if owner is not None and owner_company is not None:  # the demo owner's first diagnostic, half a year ago
        company = Company.objects.get(pk=owner_company)
        first = _diagnostic(company, owner, _answers(generator, 1.8), PROBLEMS[0], now - dt.timedelta(days=180))
        first.save()
        Diagnostic.objects.filter(pk=first.pk).update(created_at=now - dt.timedelta(days=180))
    consultants = _consultants(agency)
    _consulting(agency, consultants, generator, now, owners)
    return len(sessions)
