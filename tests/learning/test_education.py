"""Courses and sessions: seats and the waiting list, cancellation and promotion, attendance,
certificates as PDF (Korean text), the public check, the calendar, and participants by year."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from foster.accounts.choices import Role
from foster.accounts.models import Agency, User
from foster.core.models import Notification
from foster.learning.certificates import certificate_pdf
from foster.learning.choices import EnrolmentStatus
from foster.learning.models import CourseSession, Enrolment
from foster.learning.selectors import certificate_by_code, education_participants_by_year
from foster.learning.services import attendance_mark, enrolment_cancel, enrolment_create
from tests.factories import AgencyMembershipFactory, UserFactory
from tests.learning.conftest import Sme
from tests.learning.factories import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _people(count: int) -> list[User]:
    return [UserFactory(role=Role.COMPANY_MEMBER) for _ in range(count)]


def _start(session: CourseSession, *, days_ago: int = 0) -> None:
    """Move the session into the past (attendance is marked once it has started)."""
    starts = timezone.now() - dt.timedelta(days=days_ago, hours=2)
    CourseSession.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=8))
    session.refresh_from_db()


def test_seats_fill_then_people_wait_in_order(agency: Agency) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency), capacity=2)
    people = _people(4)
    statuses = [enrolment_create(user=person, session=session).status for person in people]
    assert statuses == ["seated", "seated", "waitlisted", "waitlisted"]
    session.refresh_from_db()
    assert session.seated_count == 2


def test_enrolling_twice_or_in_a_started_session_is_refused(sme: Sme, agency: Agency) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency))
    enrolment_create(user=sme.user, session=session)
    with pytest.raises(ValidationError, match="already enrolled"):
        enrolment_create(user=sme.user, session=session)
    started = SessionFactory(course=session.course)
    _start(started)
    with pytest.raises(ValidationError, match="already started"):
        enrolment_create(user=sme.user, session=started)
    assert Enrolment.objects.count() == 1


def test_reviewers_and_officials_do_not_enrol(agency: Agency, official: User) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency))
    for user in (official, UserFactory(role=Role.REVIEWER)):
        with pytest.raises(PermissionDenied):
            enrolment_create(user=user, session=session)
    assert not Enrolment.objects.exists()


def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list_who_is_told(
    agency: Agency, django_capture_on_commit_callbacks: Any
) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency, title_en="Data basics"), capacity=1)
    first, second, third = _people(3)
    seated = enrolment_create(user=first, session=session)
    waiting_second = enrolment_create(user=second, session=session)
    enrolment_create(user=third, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = enrolment_cancel(user=first, enrolment=seated)
    assert promoted is not None and promoted.pk == waiting_second.pk
    assert dict(Enrolment.objects.values_list("user_id", "status")) == {
        first.pk: "cancelled",
        second.pk: "seated",
        third.pk: "waitlisted",
    }
    session.refresh_from_db()
    assert session.seated_count == 1
    notice = Notification.objects.get(user=second)
    assert session.course.title_ko in notice.subject  # in the person's language (Korean by default)
    assert notice.kind == "education"


def test_cancelling_a_seat_nobody_waits_for_frees_it(agency: Agency) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency), capacity=3)
    (person,) = _people(1)
    enrolment = enrolment_create(user=person, session=session)
    assert enrolment_cancel(user=person, enrolment=enrolment) is None
    session.refresh_from_db()
    assert session.seated_count == 0
    again = enrolment_create(user=person, session=session)  # may enrol again after cancelling
    assert again.status == "seated"


def test_only_the_participant_cancels_and_not_after_the_start(agency: Agency) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency))
    owner, stranger = _people(2)
    enrolment = enrolment_create(user=owner, session=session)
    with pytest.raises(PermissionDenied):
        enrolment_cancel(user=stranger, enrolment=enrolment)
    _start(session)
    with pytest.raises(ValidationError, match="has started"):
        enrolment_cancel(user=owner, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == "seated"


def test_attendance_completes_the_course_and_issues_certificates(agency: Agency, official: User) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency), capacity=3)
    came, missed = _people(2)
    attended = enrolment_create(user=came, session=session)
    absent = enrolment_create(user=missed, session=session)
    with pytest.raises(ValidationError, match="once the session has started"):
        attendance_mark(user=official, session=session, attended_enrolment_ids=[attended.pk])
    _start(session)
    outcome = attendance_mark(user=official, session=session, attended_enrolment_ids=[attended.pk])
    assert (outcome.completed, outcome.absent, outcome.certificates_issued) == (1, 1, 1)
    attended.refresh_from_db()
    absent.refresh_from_db()
    assert (attended.status, absent.status) == ("completed", "absent")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{12}", attended.certificate_code or "")
    assert attended.attendance_marked_by == official
    code = attended.certificate_code
    again = attendance_mark(user=official, session=session, attended_enrolment_ids=[attended.pk, absent.pk])
    attended.refresh_from_db()
    assert (again.completed, again.certificates_issued, attended.certificate_code) == (2, 1, code)
    assert certificate_by_code(code.lower()) == attended  # codes are read case-insensitively
    assert certificate_by_code("AAAA-BBBB-CCCC") is None


def test_attendance_is_for_the_courses_agency_only(agency: Agency) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency))
    _start(session)
    other_official = AgencyMembershipFactory().user
    with pytest.raises(PermissionDenied):
        attendance_mark(user=other_official, session=session, attended_enrolment_ids=[])


def test_a_waiting_person_cannot_be_marked(agency: Agency, official: User) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency), capacity=1)
    first, second = _people(2)
    enrolment_create(user=first, session=session)
    waiting = enrolment_create(user=second, session=session)
    _start(session)
    with pytest.raises(ValidationError, match="Only seated participants"):
        attendance_mark(user=official, session=session, attended_enrolment_ids=[waiting.pk])
    assert not Enrolment.objects.filter(status="completed").exists()


def _completed(agency: Agency, official: User, user: User, **course: Any) -> Enrolment:
    session = SessionFactory(course=CourseFactory(agency=agency, **course))
    enrolment = enrolment_create(user=user, session=session)
    _start(session)
    attendance_mark(user=official, session=session, attended_enrolment_ids=[enrolment.pk])
    enrolment.refresh_from_db()
    return enrolment


def test_the_certificate_pdf_names_the_holder_and_course_in_korean(sme: Sme, agency: Agency, official: User) -> None:
    enrolment = _completed(agency, official, sme.user, title_ko="제조 현장의 AI 품질검사", hours=16)
    client = Client()
    client.force_login(sme.user)
    response = client.get(reverse("learning:certificate-download", kwargs={"pk": enrolment.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert b"/HYSMyeongJo-Medium" in pdf and b"/UniKS-UCS2-H" in pdf
    text = pdf_text(pdf)
    for words in (
        "수료증",
        "김대표",
        "(주)한빛정밀",
        "제조 현장의 AI 품질검사",
        "16시간",
        enrolment.certificate_code[:4],
    ):
        assert words in text, words


def pdf_text(pdf: bytes) -> str:
    """The text drawn in an uncompressed reportlab PDF: its Korean strings are UCS-2 (big-endian)
    in ``<hex>`` or ``(...)`` operands of ``Tj``; decoded here without a PDF library."""
    found = []
    for hex_string in re.findall(rb"<([0-9A-Fa-f]+)> Tj", pdf):
        found.append(bytes.fromhex(hex_string.decode()).decode("utf-16-be", errors="replace"))
    for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", pdf):
        raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), literal)
        raw = re.sub(rb"\\(.)", rb"\1", raw)
        found.append(raw.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 else raw.decode("latin-1"))
        found.append(raw.decode("latin-1"))
    return "\n".join(found)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_a_pdf_reader_extracts_the_korean_text(sme: Sme, agency: Agency, official: User, tmp_path: Path) -> None:
    enrolment = _completed(agency, official, sme.user, title_ko="생성형 AI 실무")
    path = tmp_path / "certificate.pdf"
    with translation.override("ko"):
        path.write_bytes(certificate_pdf(enrolment, verify_url="https://foster.example/learning/certificates/verify/"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "수료증" in text
    assert "생성형 AI 실무" in text
    assert "김대표" in text


def test_certificates_are_downloaded_by_their_holder_and_the_agency_only(
    sme: Sme, agency: Agency, official: User, client_for: Any
) -> None:
    enrolment = _completed(agency, official, sme.user)
    url = reverse("learning:certificate-download", kwargs={"pk": enrolment.pk})
    assert client_for("company_member").get(url).status_code == 404
    outsider = Client()
    outsider.force_login(AgencyMembershipFactory().user)
    assert outsider.get(url).status_code == 404
    own_agency = Client()
    own_agency.force_login(official)
    assert own_agency.get(url).status_code == 200


def test_anyone_checks_a_certificate_on_the_public_page(sme: Sme, agency: Agency, official: User) -> None:
    enrolment = _completed(agency, official, sme.user, title_ko="AI 전략 수립")
    code = enrolment.certificate_code
    assert code is not None
    url = reverse("learning:certificate-verify")
    page = Client().get(url, {"code": f"{code[:4]}-{code[4:8]}-{code[8:]}"}).content.decode()
    assert 'id="certificate-valid"' in page and "김대표" in page and "AI 전략 수립" in page
    page = Client().get(url, {"code": "ZZZZ-ZZZZ-ZZZZ"}).content.decode()
    assert 'id="certificate-invalid"' in page


def test_participants_by_year_count_completed_enrolments_by_session_year(
    sme: Sme, agency: Agency, official: User
) -> None:
    people = _people(3)
    for person in people:
        _completed(agency, official, person)
    earlier = Enrolment.objects.filter(user=people[0]).get()
    starts = timezone.make_aware(dt.datetime(2025, 11, 3, 9))
    CourseSession.objects.filter(pk=earlier.session_id).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=8))
    session = SessionFactory(course=CourseFactory(agency=agency))
    enrolment_create(user=sme.user, session=session)  # seated, not completed: not counted
    year = timezone.localdate().year
    assert education_participants_by_year() == {2025: 1, year: 2}


def test_the_calendar_is_public_and_filters_by_region(agency: Agency) -> None:
    SessionFactory(course=CourseFactory(agency=agency, title_ko="부산 현장 교육", delivery="on_site", region="busan"))
    SessionFactory(course=CourseFactory(agency=agency, title_ko="온라인 기초", delivery="online"))
    SessionFactory(course=CourseFactory(agency=agency, title_ko="서울 현장 교육", delivery="on_site", region="seoul"))
    page = Client().get(reverse("learning:course-calendar"), {"region": "busan"}).content.decode()
    assert "부산 현장 교육" in page and "온라인 기초" in page
    assert "서울 현장 교육" not in page


def test_enrolling_from_the_course_page(sme: Sme, agency: Agency) -> None:
    session = SessionFactory(course=CourseFactory(agency=agency), capacity=1)
    client = Client()
    client.force_login(sme.user)
    response = client.post(reverse("learning:session-enrol", kwargs={"pk": session.pk}))
    assert response.status_code == 302
    assert Enrolment.objects.get().status == EnrolmentStatus.SEATED
    page = client.get(reverse("learning:dashboard")).content.decode()
    assert session.course.title_ko in page
