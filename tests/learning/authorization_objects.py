"""Objects and request bodies of the education, consulting and diagnostic routes for
tests/test_authorization.py.

``agency-course``: a course of the user's agency (own) or of another agency (other).
``upcoming-session``: a session of another agency's course that has not started.
``agency-session``: a session that has started (attendance can be marked) of a course of the
user's agency (own) or another's (other), with one seated participant.
``enrolment``: the user's seat in an upcoming session (own) or someone else's in another agency's
course (other). ``completed-enrolment``: a completed enrolment with a certificate: the user's own,
or for an official someone's in a course of their agency (own); someone else's elsewhere (other).
``diagnostic``: a diagnostic of the user's company (own) or another company's (other).
``consulting``: a request of the user's company, assigned to the user as consultant, or sent to the
official's agency (own); another company's to another agency with another consultant (other).
``assigned-consulting`` is the same with a consultant assigned and one session recorded;
``closed-consulting`` the same closed with a report. ``consultant``: an expert in the official's
agency's pool (own) or in another agency's (other).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.learning.choices import ConsultingStatus, EnrolmentStatus
from foster.learning.models import (
    Consultant,
    ConsultingRequest,
    ConsultingSession,
    CourseSession,
    Diagnostic,
    Enrolment,
)
from foster.learning.questionnaire import AREAS
from foster.registry.models import Company, CompanyMembership
from tests.factories import AgencyFactory, CompanyFactory, UserFactory
from tests.learning.factories import ConsultantFactory, CourseFactory, SessionFactory, all_answers


def _agency_of(user: User | None) -> Agency | None:
    membership = user.agency_memberships.select_related("agency").first() if user else None
    return membership.agency if membership else None


def _company_of(user: User | None) -> Company | None:
    membership = CompanyMembership.objects.filter(user=user).select_related("company").first() if user else None
    return membership.company if membership else None


def agency_course(user: User | None, variant: str) -> Any:
    agency = _agency_of(user) if variant == "own" else AgencyFactory()
    return CourseFactory(agency=agency) if agency else None


def upcoming_session(user: User | None, variant: str) -> CourseSession:
    return SessionFactory(course=CourseFactory(agency=AgencyFactory()))


def _started(session: CourseSession) -> CourseSession:
    starts = timezone.now() - dt.timedelta(hours=2)
    CourseSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=8))
    session.refresh_from_db()
    return session


def _seat(session: CourseSession, user: User, status: str = EnrolmentStatus.SEATED) -> Enrolment:
    CourseSession.objects.filter(pk=session.pk).update(seated_count=session.seated_count + 1)
    session.refresh_from_db()
    return Enrolment.objects.create(session=session, user=user, status=status, seated_at=timezone.now())


def agency_session(user: User | None, variant: str) -> CourseSession | None:
    course = agency_course(user, variant)
    if course is None:
        return None
    session = SessionFactory(course=course)
    _seat(session, UserFactory(role=Role.COMPANY_MEMBER))
    return _started(session)


def enrolment(user: User | None, variant: str) -> Enrolment | None:
    session = SessionFactory(course=CourseFactory(agency=AgencyFactory()))
    if variant == "own":
        return _seat(session, user) if user else None
    return _seat(session, UserFactory(role=Role.COMPANY_MEMBER))


def completed_enrolment(user: User | None, variant: str) -> Enrolment | None:
    if variant == "own" and user is not None and user.role == Role.AGENCY_OFFICIAL:
        course = agency_course(user, "own")
        holder = UserFactory(role=Role.COMPANY_MEMBER)
    elif variant == "own":
        if user is None:
            return None
        course, holder = CourseFactory(agency=AgencyFactory()), user
    else:
        course, holder = CourseFactory(agency=AgencyFactory()), UserFactory(role=Role.COMPANY_MEMBER)
    session = _started(SessionFactory(course=course))
    done = _seat(session, holder, status=EnrolmentStatus.COMPLETED)
    done.certificate_code = f"AUTHZ{done.pk:07d}"
    done.certificate_issued_at = timezone.now()
    done.save(update_fields=["certificate_code", "certificate_issued_at"])
    return done


def diagnostic(user: User | None, variant: str) -> Diagnostic | None:
    company = _company_of(user) if variant == "own" else CompanyFactory()
    if company is None:
        return None
    levels = dict.fromkeys(AREAS, 3)
    return Diagnostic.objects.create(
        company=company,
        questionnaire_version=1,
        answers=all_answers(3),
        area_levels=levels,
        area_means={area: 3.0 for area in AREAS},
        overall_level=3,
        overall_mean=3.0,
        problem="재고 예측",
    )


def consulting(user: User | None, variant: str, status: str = ConsultingStatus.REQUESTED) -> ConsultingRequest | None:
    company: Company | None = CompanyFactory()
    agency: Agency | None = AgencyFactory()
    consultant: Consultant = ConsultantFactory(agency=agency)
    if variant == "own":
        if user is None:
            return None
        if user.role == Role.AGENCY_OFFICIAL:
            agency = _agency_of(user)
            consultant = ConsultantFactory(agency=agency)
        elif user.role == Role.REVIEWER:
            consultant = ConsultantFactory(agency=agency, user=user)
            if status == ConsultingStatus.REQUESTED:
                status = ConsultingStatus.ASSIGNED  # a consultant sees the requests assigned to them
        else:
            company = _company_of(user)
    if company is None or agency is None:
        return None
    found = ConsultingRequest.objects.create(
        company=company,
        agency=agency,
        topic="data",
        problem="재고 데이터가 흩어져 있습니다.",
        preferred_time="평일 오후",
        status=status,
        consultant=consultant if status != ConsultingStatus.REQUESTED else None,
        assigned_at=timezone.now() if status != ConsultingStatus.REQUESTED else None,
    )
    if status != ConsultingStatus.REQUESTED:
        ConsultingSession.objects.create(
            request=found, held_on=timezone.localdate(), duration_minutes=60, notes="현황 파악"
        )
    if status == ConsultingStatus.CLOSED:
        found.closing_report = "데이터 통합 후 수요예측 시범을 권고합니다."
        found.closed_at = timezone.now()
        found.save(update_fields=["closing_report", "closed_at"])
    return found


def consultant(user: User | None, variant: str) -> Consultant | None:
    """A consultant in the official's agency's pool (own) or in another agency's (other)."""
    agency = _agency_of(user) if variant == "own" else AgencyFactory()
    return ConsultantFactory(agency=agency) if agency else None


OBJECT_BUILDERS = {
    "consultant": lambda world, variant: consultant(world.user, variant),
    "agency-course": lambda world, variant: agency_course(world.user, variant),
    "upcoming-session": lambda world, variant: upcoming_session(world.user, variant),
    "agency-session": lambda world, variant: agency_session(world.user, variant),
    "enrolment": lambda world, variant: enrolment(world.user, variant),
    "completed-enrolment": lambda world, variant: completed_enrolment(world.user, variant),
    "diagnostic": lambda world, variant: diagnostic(world.user, variant),
    "consulting": lambda world, variant: consulting(world.user, variant),
    "assigned-consulting": lambda world, variant: consulting(world.user, variant, ConsultingStatus.ASSIGNED),
    "closed-consulting": lambda world, variant: consulting(world.user, variant, ConsultingStatus.CLOSED),
}


def _consulting_request_body(user: User | None, obj: Any) -> dict[str, Any]:
    consultant = ConsultantFactory()
    return {
        "agency": consultant.agency_id,
        "topic": "data",
        "problem": "재고 데이터가 흩어져 있습니다.",
        "preferred_time": "평일",
    }


def _future(days: int, hour: int) -> str:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def _course_body(**changes: Any) -> dict[str, Any]:
    return {
        "title_ko": "AI 도입 전략",
        "title_en": "AI adoption strategy",
        "topic": "ai_strategy",
        "area": "strategy",
        "level": "beginner",
        "audience": "executives",
        "delivery": "online",
        "region": "",
        "hours": 8,
        **changes,
    }


PAYLOADS: dict[tuple[str, str], Any] = {
    ("learning:course-create", "POST"): lambda user, obj: _course_body(),
    ("learning:course-update", "POST"): lambda user, obj: _course_body(title_ko="AI 도입 전략 (개정)", hours=12),
    ("learning:session-create", "POST"): lambda user, obj: {
        "starts_at": _future(30, 10),
        "ends_at": _future(30, 17),
        "capacity": 25,
        "venue": "",
    },
    ("learning:session-enrol", "POST"): lambda user, obj: {},
    ("learning:session-attendance", "POST"): lambda user, obj: {"attended": []},
    ("learning:enrolment-cancel", "POST"): lambda user, obj: {},
    ("learning:diagnostic-take", "POST"): lambda user, obj: {**all_answers(3), "problem": "재고 예측이 어렵습니다"},
    ("learning:consulting-request", "POST"): _consulting_request_body,
    ("learning:consulting-session-add", "POST"): lambda user, obj: {
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": 60,
        "notes": "데이터 현황을 함께 살펴보았습니다.",
    },
    ("learning:consulting-close", "POST"): lambda user, obj: {
        "report": "데이터를 한곳에 모으고 수요예측을 시범 적용하십시오."
    },
    ("learning:consulting-feedback", "POST"): lambda user, obj: {"satisfaction": 5, "comment": ""},
    ("learning:consulting-pool", "POST"): lambda user, obj: {
        "email": UserFactory(role=Role.REVIEWER).email,
        "expertise_areas": ["data"],
        "sectors": "C",
        "load_limit": 3,
        "bio": "",
    },
    ("learning:consulting-assign", "POST"): lambda user, obj: {},
    ("learning:consultant-update", "POST"): lambda user, obj: {
        "expertise_areas": ["data", "strategy"],
        "sectors": "C J",
        "regions": [],
        "load_limit": 5,
        "bio": "",
        "is_active": "on",
    },
    ("api:learning-diagnostic-list", "POST"): lambda user, obj: {
        "company": obj.pk if obj else None,
        "answers": all_answers(3),
        "problem": "재고 예측이 어렵습니다",
    },
    ("api:learning-session-enrol", "POST"): lambda user, obj: {},
    ("api:learning-enrolment-cancel", "POST"): lambda user, obj: {},
}


def world_payloads() -> dict[tuple[str, str], Any]:
    """``WRITE_PAYLOADS`` entries ``(world, obj) -> body`` for the learning routes."""
    return {key: (lambda world, obj, key=key: PAYLOADS[key](world.user, obj)) for key in PAYLOADS}
