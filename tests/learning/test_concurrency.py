"""Over-booking on PostgreSQL with real separate connections (one per thread, ``transaction=True``):
50 concurrent enrolments into 30 seats seat exactly 30 and wait-list 20; concurrent cancellations
each promote a different waiting person."""

from __future__ import annotations

import pytest
from django.db import connection

from foster.accounts.choices import Role
from foster.learning.choices import EnrolmentStatus
from foster.learning.models import CourseSession, Enrolment
from foster.learning.services import enrolment_cancel, enrolment_create
from tests.factories import UserFactory
from tests.finance.test_concurrency import run_at_once
from tests.learning.factories import CourseFactory, SessionFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs separate connections: PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_50_concurrent_enrolments_into_30_seats_seat_30_and_waitlist_20() -> None:
    session = SessionFactory(course=CourseFactory(), capacity=30)
    people = [UserFactory(role=Role.COMPANY_MEMBER) for _ in range(50)]

    results = run_at_once(50, lambda index: enrolment_create(user=people[index], session=session).status)

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert results.count(EnrolmentStatus.SEATED) == 30
    assert results.count(EnrolmentStatus.WAITLISTED) == 20
    session.refresh_from_db()
    assert session.seated_count == 30
    assert Enrolment.objects.filter(session=session, status=EnrolmentStatus.SEATED).count() == 30
    assert Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITLISTED).count() == 20


def test_concurrent_cancellations_promote_different_people() -> None:
    session = SessionFactory(course=CourseFactory(), capacity=10)
    people = [UserFactory(role=Role.COMPANY_MEMBER) for _ in range(20)]
    enrolments = [enrolment_create(user=person, session=session) for person in people]
    seated = [enrolment for enrolment in enrolments if enrolment.status == EnrolmentStatus.SEATED]
    assert len(seated) == 10

    results = run_at_once(
        8,
        lambda index: enrolment_cancel(user=people[index], enrolment=seated[index]).pk,  # type: ignore[union-attr]
    )

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert len(set(results)) == 8  # eight different people moved up
    waiting_order = [enrolment.pk for enrolment in enrolments[10:]]
    assert sorted(results) == sorted(waiting_order[:8])  # the first eight who waited
    assert CourseSession.objects.get(pk=session.pk).seated_count == 10
    assert Enrolment.objects.filter(session=session, status=EnrolmentStatus.SEATED).count() == 10
    assert Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITLISTED).count() == 2
