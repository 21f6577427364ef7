"""A job's owner asks it to stop; a task that checks between steps ends as cancelled, one that has
finished cannot be cancelled any more."""

from __future__ import annotations

import pytest

from foster.core.choices import JobStatus
from foster.core.jobs import job_running
from foster.core.models import Job
from foster.core.services import job_cancel_request, job_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_task_that_checks_stops_at_the_next_step_and_is_marked_cancelled() -> None:
    job = job_create(kind="test.steps", owner=UserFactory(preferred_language="en"), total=3)
    steps_done = []
    with job_running(job.pk) as report:
        for step in range(3):
            report.check_cancelled()
            steps_done.append(step)
            report(step + 1, 3)
            if step == 0:
                assert job_cancel_request(job_id=job.pk) is True
    job.refresh_from_db()
    assert steps_done == [0]
    assert job.status == JobStatus.CANCELLED
    assert job.is_finished is True
    assert job.cancel_requested_at is not None
    assert job.message == "Stopped at your request; nothing was kept."


def test_a_finished_job_cannot_be_cancelled_and_a_second_request_changes_nothing() -> None:
    job = job_create(kind="test.steps", owner=UserFactory())
    with job_running(job.pk) as report:
        report(1, 1)
    assert job_cancel_request(job_id=job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.cancel_requested_at) == (JobStatus.SUCCEEDED, None)

    queued = job_create(kind="test.steps", owner=UserFactory())
    assert job_cancel_request(job_id=queued.pk) is True
    first = Job.objects.get(pk=queued.pk).cancel_requested_at
    assert job_cancel_request(job_id=queued.pk) is False
    assert Job.objects.get(pk=queued.pk).cancel_requested_at == first
