"""Writes of education, consulting and the diagnostic.

Each service checks the permission, validates every field (a ``ValidationError`` names each bad one
and nothing is stored), writes its rows and an audit event in one transaction, and tells people what
changed once the transaction has committed (``transaction.on_commit``).

Seats: ``enrolment_create``, ``enrolment_cancel`` and ``attendance_mark`` lock the session row
(``select_for_update``) before they count or change its seats, so concurrent enrolments into the
last seats are served one after the other: a session never seats more than its capacity, and the
rest wait in the order they came (ADR 0010).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from foster.accounts.models import Agency, User
from foster.core.choices import NotificationKind
from foster.core.i18n import in_language
from foster.core.services import Notice, audit_event_record, locked_update, notifications_send
from foster.engines.assignment import Application as EngineRequest
from foster.engines.assignment import AssignmentProblem, AssignmentStatus, Reviewer, solve_assignment
from foster.learning import questionnaire
from foster.learning.choices import (
    ACTIVE_ENROLMENT_STATUSES,
    Area,
    Audience,
    ConsultingStatus,
    CourseLevel,
    CourseTopic,
    Delivery,
    EnrolmentStatus,
)
from foster.learning.models import (
    Consultant,
    ConsultingRequest,
    ConsultingSession,
    Course,
    CourseSession,
    Diagnostic,
    Enrolment,
)
from foster.learning.permissions import member_company_ids
from foster.learning.selectors import consultant_open_load
from foster.registry.choices import Region
from foster.registry.models import Company

MAX_PROBLEM_CHARS = 2_000
MAX_TEXT_CHARS = 5_000


def _require(user: Any, permission: str, obj: Any = None, message: str = "") -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message or _("You may not do this."))


def _notify(*, kind: str, users: Iterable[Any], url: str, words: Any) -> None:
    """Send ``words()`` (subject, body) to each user in that user's language."""
    notices = []
    for user in {user.pk: user for user in users if user is not None}.values():
        with translation.override(user.preferred_language or "ko"):
            subject, body = words()
        notices.append(Notice(user=user, subject=subject, body=body))
    notifications_send(kind=kind, notices=notices, url=url)


# --- The AI readiness diagnostic ----------------------------------------------------------------


def _answer_points(value: Any) -> Any:
    """A form's "3" or the API's 3 as the integer 3; anything else is left for the check to refuse."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def diagnostic_missing_error(missing: list[questionnaire.Question]) -> ValidationError:
    """The refusal of an incomplete questionnaire: one message naming every unanswered question
    (numbered as on the page), and one error on each unanswered question's field."""
    numbers = {question.key: position for position, question in enumerate(questionnaire.QUESTIONS, start=1)}
    names = "; ".join(
        f"{numbers[question.key]}. {in_language(question.text_ko, question.text_en)}" for question in missing
    )
    errors: dict[str, list[str]] = {
        "__all__": [
            _("Answer every question before the result can be computed. Unanswered (%(count)s): %(questions)s")
            % {"count": len(missing), "questions": names}
        ]
    }
    for question in missing:
        errors[question.key] = [_("Choose one answer.")]
    return ValidationError(errors)


def diagnostic_submit(*, user: Any, company: Company, answers: Mapping[str, Any], problem: str = "") -> Diagnostic:
    """Score a complete questionnaire for ``company`` and store it with the problem the owner typed.

    All or nothing: an answer missing (or not one of the question's answers) refuses the whole
    questionnaire, naming every missing question; nothing is stored. A retake is a new diagnostic."""
    _require(user, "learning.take_diagnostic", company, _("Only the company's members take its diagnostic."))
    points = {key: _answer_points(value) for key, value in answers.items()}
    missing = questionnaire.missing_questions(points)
    problem_text = (problem or "").strip()
    if missing:
        raise diagnostic_missing_error(missing)
    if len(problem_text) > MAX_PROBLEM_CHARS:
        raise ValidationError(
            {"problem": [_("Describe the problem in at most %(limit)s characters.") % {"limit": MAX_PROBLEM_CHARS}]}
        )
    clean = {question.key: int(points[question.key]) for question in questionnaire.QUESTIONS}
    result = questionnaire.score(clean)
    with transaction.atomic():
        diagnostic = Diagnostic.objects.create(
            company=company,
            taken_by=user,
            questionnaire_version=questionnaire.VERSION,
            language=translation.get_language() or "ko",
            answers=clean,
            area_levels=result.area_levels,
            area_means=result.area_means,
            overall_level=result.overall_level,
            overall_mean=result.overall_mean,
            problem=problem_text,
        )
        audit_event_record(
            actor=user,
            action="learning.diagnostic_submit",
            target=diagnostic,
            changes={"overall_level": result.overall_level, "area_levels": result.area_levels},
        )
    return diagnostic


# --- Courses and sessions -----------------------------------------------------------------------


@dataclass(frozen=True)
class CourseData:
    title_ko: str
    title_en: str
    summary_ko: str
    summary_en: str
    topic: str
    area: str
    level: str
    audience: str
    delivery: str
    region: str
    hours: int


def _choice(errors: dict[str, list[str]], name: str, value: str, choices: Any, *, blank: bool = False) -> None:
    if (value or "") == "" and blank:
        return
    if value not in choices.values:
        errors.setdefault(name, []).append(_("Choose one of the listed values."))


def _course_errors(data: CourseData) -> dict[str, list[str]]:
    """What is wrong with ``data`` for a course, by field (empty when nothing)."""
    errors: dict[str, list[str]] = {}
    if not data.title_ko.strip():
        errors["title_ko"] = [_("Give the course a Korean title.")]
    _choice(errors, "topic", data.topic, CourseTopic)
    _choice(errors, "area", data.area, Area)
    _choice(errors, "level", data.level, CourseLevel)
    _choice(errors, "audience", data.audience, Audience)
    _choice(errors, "delivery", data.delivery, Delivery)
    _choice(errors, "region", data.region, Region, blank=True)
    if data.delivery == Delivery.ON_SITE and not data.region:
        errors.setdefault("region", []).append(_("An on-site course needs a region."))
    if not 1 <= data.hours <= 400:
        errors["hours"] = [_("Enter between 1 and 400 hours.")]
    return errors


def _course_fields(data: CourseData) -> dict[str, Any]:
    """The course's stored fields from ``data`` (texts trimmed; a region only for on-site courses)."""
    return {
        "title_ko": data.title_ko.strip(),
        "title_en": data.title_en.strip(),
        "summary_ko": data.summary_ko.strip(),
        "summary_en": data.summary_en.strip(),
        "topic": data.topic,
        "area": data.area,
        "level": data.level,
        "audience": data.audience,
        "delivery": data.delivery,
        "region": data.region if data.delivery == Delivery.ON_SITE else "",
        "hours": data.hours,
    }


def course_data_of(course: Course) -> CourseData:
    """``course``'s fields as ``CourseData`` (the edit form's starting values)."""
    return CourseData(**{field.name: getattr(course, field.name) for field in fields(CourseData)})


def course_create(*, user: Any, agency: Agency, data: CourseData) -> Course:
    """A new course of ``agency`` (its officials only); its code is made from the agency and a number."""
    _require(user, "learning.manage_courses", None, _("Only agency officials create courses."))
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, agency.pk):
        raise PermissionDenied(_("Only the agency's officials create its courses."))
    errors = _course_errors(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        number = Course.objects.filter(agency=agency).count() + 1
        code = f"{agency.code}-course-{number}"
        while Course.objects.filter(code=code).exists():
            number += 1
            code = f"{agency.code}-course-{number}"
        course = Course.objects.create(agency=agency, code=code, **_course_fields(data))
        audit_event_record(actor=user, action="learning.course_create", target=course, changes={"code": code})
    return course


def course_update(*, user: Any, course: Course, data: CourseData) -> Course:
    """Change ``course``'s description (officials of its agency); the audit trail keeps each changed
    field's old and new value. Its code, agency and sessions stay; an on-site course's sessions
    keep their venues when it goes online."""
    _require(user, "learning.manage_courses", None, _("Only agency officials change courses."))
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, course.agency_id):
        raise PermissionDenied(_("Only the course's agency's officials change it."))
    errors = _course_errors(data)
    if errors:
        raise ValidationError(errors)
    return locked_update(course, _course_fields(data), actor=user, action="learning.course_update")


def session_create(
    *, user: Any, course: Course, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int, venue: str = ""
) -> CourseSession:
    """A new session of ``course`` (officials of the course's agency)."""
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, course.agency_id):
        raise PermissionDenied(_("Only the course's agency's officials add sessions."))
    errors: dict[str, list[str]] = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = [_("A new session starts in the future.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The session ends after it starts.")]
    if not 1 <= capacity <= 10_000:
        errors["capacity"] = [_("Enter between 1 and 10,000 seats.")]
    if course.delivery == Delivery.ON_SITE and not venue.strip():
        errors["venue"] = [_("An on-site session needs a venue.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = CourseSession.objects.create(
            course=course, starts_at=starts_at, ends_at=ends_at, capacity=capacity, venue=venue.strip()
        )
        audit_event_record(
            actor=user,
            action="learning.session_create",
            target=session,
            changes={"course": course.code, "starts_at": starts_at.isoformat(), "capacity": capacity},
        )
    return session


# --- Enrolment, the waiting list, attendance and certificates -----------------------------------


def _lock_session(session: CourseSession) -> CourseSession:
    return CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)


def _first_company(user: Any) -> Company | None:
    ids = member_company_ids(user)
    return Company.objects.filter(pk__in=ids).order_by("pk").first() if ids else None


def enrolment_create(*, user: Any, session: CourseSession) -> Enrolment:
    """Enrol ``user`` in ``session``: seated while seats are left, otherwise on the waiting list.
    Refused for a session that has started, and for someone already enrolled (seated or waiting).

    Locks the session row (``select_for_update``) for the count and the seat, so concurrent
    enrolments never seat more than the capacity."""
    _require(user, "learning.enrol", None, _("Sign in with a company or personal account to enrol."))
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.starts_at <= timezone.now():
            raise ValidationError({"session": [_("This session has already started; choose a later session.")]})
        if Enrolment.objects.filter(session=locked, user=user, status__in=ACTIVE_ENROLMENT_STATUSES).exists():
            raise ValidationError({"session": [_("You are already enrolled in this session.")]})
        now = timezone.now()
        if locked.seated_count < locked.capacity:
            status, seated_at = EnrolmentStatus.SEATED, now
            CourseSession.objects.filter(pk=locked.pk).update(seated_count=F("seated_count") + 1)
        else:
            status, seated_at = EnrolmentStatus.WAITLISTED, None
        enrolment = Enrolment.objects.create(
            session=locked, user=user, company=_first_company(user), status=status, seated_at=seated_at
        )
        audit_event_record(actor=user, action="learning.enrol", target=enrolment, changes={"status": str(status)})
    return enrolment


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first person waiting, ...; None when not waiting."""
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    ahead = Enrolment.objects.filter(
        session_id=enrolment.session_id, status=EnrolmentStatus.WAITLISTED, created_at__lt=enrolment.created_at
    ).count()
    same_time_before = Enrolment.objects.filter(
        session_id=enrolment.session_id,
        status=EnrolmentStatus.WAITLISTED,
        created_at=enrolment.created_at,
        pk__lt=enrolment.pk,
    ).count()
    return ahead + same_time_before + 1


def enrolment_cancel(*, user: Any, enrolment: Enrolment) -> Enrolment | None:
    """Cancel one's own place before the session starts. A freed seat goes to the first person on the
    waiting list, who is told; returns that person's enrolment (None if nobody was waiting or the
    cancelled place was itself on the waiting list). Locks the session row, then the enrolment."""
    _require(user, "learning.cancel_enrolment", enrolment, _("Only the participant cancels their place."))
    promoted: Enrolment | None = None
    with transaction.atomic():
        locked_session = _lock_session(enrolment.session)
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status not in (EnrolmentStatus.SEATED, EnrolmentStatus.WAITLISTED):
            raise ValidationError({"enrolment": [_("Only a seat or a place on the waiting list can be cancelled.")]})
        if locked_session.starts_at <= timezone.now():
            raise ValidationError({"enrolment": [_("The session has started; a place can no longer be cancelled.")]})
        was_seated = locked.status == EnrolmentStatus.SEATED
        now = timezone.now()
        Enrolment.objects.filter(pk=locked.pk).update(status=EnrolmentStatus.CANCELLED, cancelled_at=now)
        audit_event_record(
            actor=user,
            action="learning.enrolment_cancel",
            target=locked,
            changes={"status": [locked.status, "cancelled"]},
        )
        if was_seated:
            promoted = (
                Enrolment.objects.select_for_update()
                .filter(session=locked_session, status=EnrolmentStatus.WAITLISTED)
                .order_by("created_at", "id")
                .first()
            )
            if promoted is None:
                CourseSession.objects.filter(pk=locked_session.pk).update(seated_count=F("seated_count") - 1)
            else:
                Enrolment.objects.filter(pk=promoted.pk).update(status=EnrolmentStatus.SEATED, seated_at=now)
                promoted.refresh_from_db()
                audit_event_record(
                    actor=user,
                    action="learning.enrolment_promote",
                    target=promoted,
                    reason=_("A seat was freed by a cancellation."),
                    changes={"status": ["waitlisted", "seated"]},
                )
                promoted_id = promoted.pk
                transaction.on_commit(lambda: enrolment_notify_seated(enrolment_id=promoted_id))
    return promoted


def enrolment_notify_seated(*, enrolment_id: int) -> None:
    """Tell the person who moved up from the waiting list that they have a seat."""
    enrolment = Enrolment.objects.select_related("session__course", "user").get(pk=enrolment_id)
    session = enrolment.session

    def words() -> tuple[str, str]:
        start = timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")
        return (
            _("You have a seat: %(course)s") % {"course": session.course.title},
            _("A seat was freed in “%(course)s” on %(start)s and it is now yours.")
            % {"course": session.course.title, "start": start},
        )

    _notify(kind=NotificationKind.EDUCATION, users=[enrolment.user], url=reverse("learning:dashboard"), words=words)


CERTIFICATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper


def certificate_code_new() -> str:
    """A random 12-character code (60 bits), shown in groups of four."""
    return "".join(secrets.choice(CERTIFICATE_ALPHABET) for _position in range(12))


def certificate_code_display(code: str) -> str:
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


@dataclass(frozen=True)
class AttendanceOutcome:
    completed: int
    absent: int
    certificates_issued: int


def attendance_mark(*, user: Any, session: CourseSession, attended_enrolment_ids: Iterable[int]) -> AttendanceOutcome:
    """Mark who attended ``session`` (officials of the course's agency), once it has started: every
    seated (or already marked) participant in ``attended_enrolment_ids`` completes the course and
    gets a certificate with a verification code (kept if marked again); the others are absent (a
    certificate issued by mistake stops verifying). Ids of people not seated are refused.
    Locks the session row."""
    _require(user, "learning.manage_session", session, _("Only officials of the course's agency mark attendance."))
    attended = set(attended_enrolment_ids)
    with transaction.atomic():
        locked = _lock_session(session)
        if locked.starts_at > timezone.now():
            raise ValidationError({"session": [_("Attendance is marked once the session has started.")]})
        markable = {
            enrolment.pk: enrolment
            for enrolment in Enrolment.objects.select_for_update().filter(
                session=locked,
                status__in=(EnrolmentStatus.SEATED, EnrolmentStatus.COMPLETED, EnrolmentStatus.ABSENT),
            )
        }
        unknown = attended - set(markable)
        if unknown:
            raise ValidationError(
                {"attended": [_("Only seated participants can be marked; reload the list and try again.")]}
            )
        now = timezone.now()
        completed = absent = issued = 0
        for pk, enrolment in markable.items():
            before = enrolment.status
            if pk in attended:
                enrolment.status = EnrolmentStatus.COMPLETED
                if not enrolment.certificate_code:
                    enrolment.certificate_code = certificate_code_new()
                    while Enrolment.objects.filter(certificate_code=enrolment.certificate_code).exists():
                        enrolment.certificate_code = certificate_code_new()  # pragma: no cover - 60 bits
                    enrolment.certificate_issued_at = now
                    issued += 1
                completed += 1
            else:
                enrolment.status = EnrolmentStatus.ABSENT
                absent += 1
            if before != enrolment.status:
                enrolment.attendance_marked_at = now
                enrolment.attendance_marked_by = user
                enrolment.save(
                    update_fields=[
                        "status",
                        "certificate_code",
                        "certificate_issued_at",
                        "attendance_marked_at",
                        "attendance_marked_by",
                    ]
                )
        audit_event_record(
            actor=user,
            action="learning.attendance_mark",
            target=locked,
            changes={"completed": completed, "absent": absent, "certificates_issued": issued},
        )
        if issued:
            ids = [pk for pk in attended if markable[pk].certificate_issued_at == now]
            transaction.on_commit(lambda: certificates_notify(enrolment_ids=ids))
    return AttendanceOutcome(completed=completed, absent=absent, certificates_issued=issued)


def certificates_notify(*, enrolment_ids: list[int]) -> None:
    for enrolment in Enrolment.objects.filter(pk__in=enrolment_ids).select_related("session__course", "user"):

        def words(enrolment: Enrolment = enrolment) -> tuple[str, str]:
            return (
                _("Certificate of completion: %(course)s") % {"course": enrolment.session.course.title},
                _("You completed “%(course)s”. Download your certificate from your learning page.")
                % {"course": enrolment.session.course.title},
            )

        _notify(
            kind=NotificationKind.EDUCATION,
            users=[enrolment.user],
            url=reverse("learning:certificate-download", kwargs={"pk": enrolment.pk}),
            words=words,
        )


# --- Consulting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultantData:
    email: str
    expertise_areas: list[str]
    sectors: list[str]
    regions: list[str]
    load_limit: int
    bio: str = ""
    is_active: bool = True


def _consultant_errors(data: ConsultantData) -> dict[str, list[str]]:
    """What is wrong with a consultant's areas, regions and load limit, by field."""
    errors: dict[str, list[str]] = {}
    if not data.expertise_areas or any(area not in Area.values for area in data.expertise_areas):
        errors["expertise_areas"] = [_("Choose at least one area of expertise.")]
    if any(region not in Region.values for region in data.regions):
        errors["regions"] = [_("Choose regions from the list.")]
    if not 1 <= data.load_limit <= 50:
        errors["load_limit"] = [_("Enter between 1 and 50 open requests.")]
    return errors


def _consultant_fields(data: ConsultantData) -> dict[str, Any]:
    """The consultant's stored fields from ``data`` (areas in the questionnaire's order, sectors upper-cased)."""
    return {
        "expertise_areas": sorted(set(data.expertise_areas), key=Area.values.index),
        "sectors": sorted({sector.strip().upper() for sector in data.sectors if sector.strip()}),
        "regions": sorted(set(data.regions)),
        "load_limit": data.load_limit,
        "bio": data.bio.strip(),
        "is_active": data.is_active,
    }


def consultant_add(*, user: Any, agency: Agency, data: ConsultantData) -> Consultant:
    """Add an expert (a signed-up user with the reviewer role: an outside expert) to the agency's pool."""
    from foster.accounts.choices import Role
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, agency.pk):
        raise PermissionDenied(_("Only the agency's officials manage its consultant pool."))
    errors: dict[str, list[str]] = {}
    expert = User.objects.filter(email__iexact=(data.email or "").strip()).first()
    if expert is None:
        errors["email"] = [_("No user has this e-mail address; the expert signs up first.")]
    elif expert.role != Role.REVIEWER:
        errors["email"] = [_("Consultants are outside experts: the user must have the reviewer role.")]
    elif Consultant.objects.filter(agency=agency, user=expert).exists():
        errors["email"] = [_("This expert is already in the pool.")]
    errors.update(_consultant_errors(data))
    if errors:
        raise ValidationError(errors)
    assert expert is not None
    with transaction.atomic():
        consultant = Consultant.objects.create(agency=agency, user=expert, **_consultant_fields(data))
        audit_event_record(
            actor=user, action="learning.consultant_add", target=consultant, changes={"user": expert.email}
        )
    return consultant


def consultant_update(*, user: Any, consultant: Consultant, data: ConsultantData) -> Consultant:
    """Change a consultant's areas, sectors, regions, load limit, profile, and whether they take new
    requests (officials of the pool's agency; ``data.email`` is not used: the expert stays). Requests
    already assigned stay with them; a lower limit or a pause only holds back new assignments.
    Each changed field is audited with its old and new value."""
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, consultant.agency_id):
        raise PermissionDenied(_("Only the agency's officials manage its consultant pool."))
    errors = _consultant_errors(data)
    if errors:
        raise ValidationError(errors)
    return locked_update(consultant, _consultant_fields(data), actor=user, action="learning.consultant_update")


@dataclass(frozen=True)
class ConsultingRequestData:
    agency_id: int | None
    topic: str
    problem: str
    preferred_time: str
    diagnostic_id: int | None = None


def consulting_request_create(*, user: Any, company: Company, data: ConsultingRequestData) -> ConsultingRequest:
    """A company's request for consulting to an agency that has a consultant pool."""
    _require(user, "learning.request_consulting", company, _("Only the company's members request consulting."))
    errors: dict[str, list[str]] = {}
    agency = (
        Agency.objects.filter(pk=data.agency_id, consultants__is_active=True).distinct().first()
        if data.agency_id is not None
        else None
    )
    if agency is None:
        errors["agency"] = [_("Choose an agency that offers consulting.")]
    if data.topic not in Area.values:
        errors["topic"] = [_("Choose a topic.")]
    problem = (data.problem or "").strip()
    if len(problem) < 10:
        errors["problem"] = [_("Describe the problem in a sentence or two (at least 10 characters).")]
    elif len(problem) > MAX_PROBLEM_CHARS:
        errors["problem"] = [_("Describe the problem in at most %(limit)s characters.") % {"limit": MAX_PROBLEM_CHARS}]
    preferred = (data.preferred_time or "").strip()
    if not preferred:
        errors["preferred_time"] = [_("Say when a meeting would suit you, e.g. weekday afternoons.")]
    diagnostic = None
    if data.diagnostic_id is not None:
        diagnostic = Diagnostic.objects.filter(pk=data.diagnostic_id, company=company).first()
    if errors:
        raise ValidationError(errors)
    assert agency is not None
    with transaction.atomic():
        request = ConsultingRequest.objects.create(
            company=company,
            agency=agency,
            requested_by=user,
            diagnostic=diagnostic,
            topic=data.topic,
            problem=problem,
            preferred_time=preferred[:200],
        )
        audit_event_record(
            actor=user, action="learning.consulting_request", target=request, changes={"topic": data.topic}
        )
    return request


def consultant_fit(consultant: Consultant, request: ConsultingRequest) -> float:
    """Expertise fit of a consultant for a request: 1 when the request's topic is one of their areas,
    plus 0.5 when they serve the company's sector (KSIC section), plus 0.25 for its region."""
    fit = 1.0 if request.topic in consultant.expertise_areas else 0.0
    if request.company.ksic_section in consultant.sectors:
        fit += 0.5
    if request.company.region in consultant.regions:
        fit += 0.25
    return fit


@dataclass(frozen=True)
class ConsultingAssignment:
    assigned: list[tuple[ConsultingRequest, Consultant, float]]
    waiting: int


def consulting_assign(*, user: Any, agency: Agency) -> ConsultingAssignment:
    """Assign the agency's waiting requests, oldest first, one consultant each, by the reviewer
    assignment engine (``foster.engines.assignment``, k=1): maximum total expertise fit
    (``consultant_fit``) within each active consultant's free load (load limit less open requests);
    a consultant who is a member of the requesting company is a conflict. When the pool's free load
    is less than the requests, the oldest requests are served and the rest wait for the next run.
    Locks the waiting requests."""
    from foster.accounts.permissions import works_for_agency

    if not works_for_agency(user, agency.pk):
        raise PermissionDenied(_("Only the agency's officials assign its consulting requests."))
    with transaction.atomic():
        waiting = list(
            ConsultingRequest.objects.select_for_update(of=("self",))
            .select_related("company")
            .filter(agency=agency, status=ConsultingStatus.REQUESTED)
            .order_by("created_at", "id")
        )
        consultants = list(Consultant.objects.filter(agency=agency, is_active=True).select_related("user"))
        load = consultant_open_load(consultants)
        free = {consultant.pk: consultant.load_limit - load[consultant.pk] for consultant in consultants}
        available = [consultant for consultant in consultants if free[consultant.pk] > 0]
        if not waiting:
            return ConsultingAssignment(assigned=[], waiting=0)
        if not available:
            raise ValidationError(
                _("No consultant of the pool has a free place; add consultants or raise their limits.")
            )
        members: dict[int, set[int]] = {}
        for consultant in available:
            members[consultant.pk] = set(consultant.user.company_memberships.values_list("company_id", flat=True))
        served = waiting[: sum(free[consultant.pk] for consultant in available)]
        fit = np.array([[consultant_fit(consultant, request) for consultant in available] for request in served])
        conflicts = [
            (request.pk, consultant.pk)
            for request in served
            for consultant in available
            if request.company_id in members[consultant.pk]
        ]
        result = solve_assignment(
            AssignmentProblem(
                applications=[EngineRequest(request.pk) for request in served],
                reviewers=[Reviewer(consultant.pk, free[consultant.pk]) for consultant in available],
                fit=fit,
                reviewers_per_application=1,
                conflicts=conflicts,
            )
        )
        if result.status != AssignmentStatus.OPTIMAL:
            raise ValidationError(
                _("The requests cannot all be assigned within the consultants' limits and conflicts; add consultants.")
            )
        by_request = {request.pk: request for request in served}
        by_consultant = {consultant.pk: consultant for consultant in available}
        now = timezone.now()
        assigned = []
        for pair in result.pairs:
            request = by_request[int(pair.application_id)]
            consultant = by_consultant[int(pair.reviewer_id)]
            request.status, request.consultant, request.assignment_fit, request.assigned_at = (
                ConsultingStatus.ASSIGNED,
                consultant,
                round(pair.fit, 3),
                now,
            )
            request.save(update_fields=["status", "consultant", "assignment_fit", "assigned_at"])
            audit_event_record(
                actor=user,
                action="learning.consulting_assign",
                target=request,
                changes={"consultant": consultant.user.email, "fit": request.assignment_fit},
            )
            assigned.append((request, consultant, request.assignment_fit))
        ids = [request.pk for request, _consultant, _fit in assigned]
        transaction.on_commit(lambda: consulting_notify_assigned(request_ids=ids))
    return ConsultingAssignment(assigned=assigned, waiting=len(waiting) - len(assigned))


def consulting_notify_assigned(*, request_ids: list[int]) -> None:
    """Tell each consultant of their new request and each company who will consult it."""
    for request in ConsultingRequest.objects.filter(pk__in=request_ids).select_related(
        "company", "consultant__user", "requested_by"
    ):
        url = reverse("learning:consulting-detail", kwargs={"pk": request.pk})
        assert request.consultant is not None
        consultant_user = request.consultant.user

        def to_consultant(request: ConsultingRequest = request) -> tuple[str, str]:
            return (
                _("New consulting request: %(company)s") % {"company": request.company.name},
                _("You were assigned the consulting request of %(company)s (%(topic)s).")
                % {"company": request.company.name, "topic": request.get_topic_display()},
            )

        def to_company(request: ConsultingRequest = request, name: str = str(consultant_user)) -> tuple[str, str]:
            return (
                _("Your consultant: %(name)s") % {"name": name},
                _("%(name)s will contact you about your consulting request.") % {"name": name},
            )

        _notify(kind=NotificationKind.CONSULTING, users=[consultant_user], url=url, words=to_consultant)
        _notify(kind=NotificationKind.CONSULTING, users=[request.requested_by], url=url, words=to_company)


def _check_open_for_work(user: Any, request: ConsultingRequest) -> None:
    _require(
        user,
        "learning.work_on_request",
        request,
        _("Only the assigned consultant and the agency's officials record sessions and close the request."),
    )
    if request.status != ConsultingStatus.ASSIGNED:
        raise ValidationError(_("Only a request with an assigned consultant that is not closed can be worked on."))


def consulting_session_add(
    *, user: Any, request: ConsultingRequest, held_on: dt.date, duration_minutes: int, notes: str
) -> ConsultingSession:
    """Record a meeting with the company and its notes (the assigned consultant or an official)."""
    _check_open_for_work(user, request)
    errors: dict[str, list[str]] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = [_("Record a meeting once it has taken place.")]
    if not 10 <= duration_minutes <= 600:
        errors["duration_minutes"] = [_("Enter between 10 and 600 minutes.")]
    if not (notes or "").strip():
        errors["notes"] = [_("Write what was discussed and agreed.")]
    elif len(notes) > MAX_TEXT_CHARS:
        errors["notes"] = [_("Write at most %(limit)s characters.") % {"limit": MAX_TEXT_CHARS}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = ConsultingSession.objects.create(
            request=request, held_on=held_on, duration_minutes=duration_minutes, notes=notes.strip(), recorded_by=user
        )
        audit_event_record(
            actor=user,
            action="learning.consulting_session",
            target=request,
            changes={"held_on": held_on.isoformat(), "minutes": duration_minutes},
        )
    return session


def consulting_close(*, user: Any, request: ConsultingRequest, report: str) -> ConsultingRequest:
    """Close a request with the closing report, after at least one recorded session; the company is
    told and asked for its feedback. Locks the request."""
    _check_open_for_work(user, request)
    text = (report or "").strip()
    if len(text) < 20:
        raise ValidationError(
            {"report": [_("Write a closing report: findings and next steps (at least 20 characters).")]}
        )
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({"report": [_("Write at most %(limit)s characters.") % {"limit": MAX_TEXT_CHARS}]})
    with transaction.atomic():
        locked = ConsultingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ConsultingStatus.ASSIGNED:
            raise ValidationError(_("Only a request with an assigned consultant that is not closed can be closed."))
        if not locked.sessions.exists():
            raise ValidationError({"report": [_("Record at least one consulting session before closing the request.")]})
        locked.status, locked.closing_report, locked.closed_at = ConsultingStatus.CLOSED, text, timezone.now()
        locked.save(update_fields=["status", "closing_report", "closed_at"])
        audit_event_record(actor=user, action="learning.consulting_close", target=locked)
        request_id = locked.pk
        transaction.on_commit(lambda: consulting_notify_closed(request_id=request_id))
    return locked


def consulting_notify_closed(*, request_id: int) -> None:
    request = ConsultingRequest.objects.select_related("company", "requested_by").get(pk=request_id)

    def words() -> tuple[str, str]:
        return (
            _("Consulting closed: %(company)s") % {"company": request.company.name},
            _("The consultant wrote the closing report. Please tell us how satisfied you were."),
        )

    _notify(
        kind=NotificationKind.CONSULTING,
        users=[request.requested_by],
        url=reverse("learning:consulting-detail", kwargs={"pk": request.pk}),
        words=words,
    )


def consulting_feedback(
    *, user: Any, request: ConsultingRequest, satisfaction: int, comment: str = ""
) -> ConsultingRequest:
    """The company's satisfaction (1 to 5) with a closed request, given once."""
    _require(user, "learning.give_feedback", request, _("Only the requesting company's members give feedback."))
    errors: dict[str, list[str]] = {}
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        errors["satisfaction"] = [_("Choose from 1 (not satisfied) to 5 (very satisfied).")]
    if len(comment or "") > MAX_PROBLEM_CHARS:
        errors["comment"] = [_("Write at most %(limit)s characters.") % {"limit": MAX_PROBLEM_CHARS}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = ConsultingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ConsultingStatus.CLOSED:
            raise ValidationError(_("Feedback is given once the request is closed with its report."))
        if locked.satisfaction is not None:
            raise ValidationError(_("Feedback was already given for this request."))
        locked.satisfaction, locked.feedback, locked.feedback_at = satisfaction, (comment or "").strip(), timezone.now()
        locked.save(update_fields=["satisfaction", "feedback", "feedback_at"])
        audit_event_record(
            actor=user, action="learning.consulting_feedback", target=locked, changes={"satisfaction": satisfaction}
        )
    return locked
