"""A running job holds a lease that progress updates and the worker's heartbeat renew; a job whose
lease ran out (its worker died) is swept as failed with a message its owner reads on the job's
page, and stays failed: a late progress update or finish from the lost worker changes nothing
(ADR 0012). The real kill -9 of a worker process is in tests/ops/test_faults.py."""

from __future__ import annotations

import datetime as dt
import io
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.models import QuerySet
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from foster.core import services as core_services
from foster.core.choices import JobStatus
from foster.core.jobs import Heartbeat, JobLeaseLost, job_running
from foster.core.models import Job
from foster.core.services import job_create, job_finish, job_progress, jobs_sweep_stale
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _running_job(*, language: str = "en", lease_ends_ago: dt.timedelta | None = None) -> Job:
    job = job_create(kind="test.steps", owner=UserFactory(preferred_language=language), total=5)
    assert job_progress(job_id=job.pk, done=2) is True
    if lease_ends_ago is not None:
        Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - lease_ends_ago)
    job.refresh_from_db()
    return job


@override_settings(FOSTER_JOB_LEASE_SECONDS=90)
def test_progress_marks_the_job_running_and_renews_its_lease() -> None:
    before = timezone.now()
    job = _running_job()
    assert job.status == JobStatus.RUNNING
    assert job.lease_expires_at is not None
    assert before + dt.timedelta(seconds=90) <= job.lease_expires_at <= timezone.now() + dt.timedelta(seconds=90)


def test_the_sweep_fails_a_job_whose_lease_ran_out_and_leaves_live_ones_alone() -> None:
    stale = _running_job(lease_ends_ago=dt.timedelta(seconds=1))
    live = _running_job()
    queued = job_create(kind="test.steps", owner=None)

    assert jobs_sweep_stale() == [stale.pk]

    stale.refresh_from_db()
    assert (stale.status, stale.lease_expires_at, stale.is_finished) == (JobStatus.FAILED, None, True)
    assert stale.message.startswith("The background worker running this job stopped before it finished")
    assert "please start the job again" in stale.message
    assert Job.objects.get(pk=live.pk).status == JobStatus.RUNNING
    assert Job.objects.get(pk=queued.pk).status == JobStatus.QUEUED
    assert jobs_sweep_stale() == []  # nothing left to sweep


def test_the_sweep_message_is_in_the_owners_language() -> None:
    stale = _running_job(language="ko", lease_ends_ago=dt.timedelta(minutes=3))
    jobs_sweep_stale()
    stale.refresh_from_db()
    assert "작업" in stale.message
    assert "background worker" not in stale.message


def test_a_swept_job_stays_failed_when_its_lost_worker_reports_or_finishes_late() -> None:
    stale = _running_job(lease_ends_ago=dt.timedelta(seconds=1))
    jobs_sweep_stale()
    message = Job.objects.get(pk=stale.pk).message

    assert job_progress(job_id=stale.pk, done=4) is False
    assert job_finish(job_id=stale.pk, result={"late": True}) is False
    stale.refresh_from_db()
    assert (stale.status, stale.done, stale.result, stale.message) == (JobStatus.FAILED, 2, {}, message)


def test_a_task_whose_job_was_swept_stops_at_its_next_step_and_keeps_the_failure() -> None:
    job = job_create(kind="test.steps", owner=UserFactory(), total=3)
    steps = []
    with job_running(job.pk) as report:  # ends quietly: the job's outcome is the sweep's
        for step in range(3):
            report(step + 1)
            steps.append(step)
            Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
            jobs_sweep_stale()  # what another worker's start does once this worker's lease ran out
    assert steps == [0]
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_job_that_finished_before_it_started_is_not_run() -> None:
    job = _running_job(lease_ends_ago=dt.timedelta(seconds=1))
    jobs_sweep_stale()
    ran = []
    with pytest.raises(JobLeaseLost), job_running(job.pk):
        ran.append(True)
    assert ran == []
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_every_job_start_sweeps_the_jobs_of_dead_workers() -> None:
    stale = _running_job(lease_ends_ago=dt.timedelta(seconds=1))
    fresh = job_create(kind="test.steps", owner=None, total=1)
    with job_running(fresh.pk) as report:
        report(1)
    assert Job.objects.get(pk=stale.pk).status == JobStatus.FAILED
    assert Job.objects.get(pk=fresh.pk).status == JobStatus.SUCCEEDED


def test_the_job_page_shows_a_dead_workers_job_as_failed_with_the_reason() -> None:
    stale = _running_job(language="en", lease_ends_ago=dt.timedelta(seconds=5))
    client = Client()
    client.force_login(stale.owner)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("core:job-detail", args=[stale.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Failed" in text
    assert "The background worker running this job stopped before it finished" in text
    assert Job.objects.get(pk=stale.pk).status == JobStatus.FAILED


def test_foster_jobs_sweep_reports_what_it_swept() -> None:
    stale = _running_job(lease_ends_ago=dt.timedelta(seconds=1))
    out = io.StringIO()
    call_command("jobs", "sweep", stdout=out)
    assert out.getvalue().strip() == f"1 stale jobs marked failed: {stale.pk}"
    out = io.StringIO()
    call_command("jobs", "sweep", stdout=out)
    assert out.getvalue().strip() == "no stale jobs"


@pytest.mark.django_db(transaction=True)
@override_settings(FOSTER_JOB_LEASE_SECONDS=60)
def test_the_heartbeat_renews_the_lease_of_a_running_job_until_stopped() -> None:
    job = _running_job()
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now())
    heartbeat = Heartbeat(job.pk, interval=0.05)
    heartbeat.start()
    deadline = time.monotonic() + 30
    while Job.objects.get(pk=job.pk).lease_expires_at <= timezone.now() + dt.timedelta(seconds=30):  # type: ignore[operator]
        assert time.monotonic() < deadline, "the heartbeat never renewed the lease"
        time.sleep(0.05)
    heartbeat.stop()
    assert not heartbeat._thread.is_alive()


def test_a_progress_write_waits_out_sqlites_table_lock_but_not_other_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the test suite's shared-cache SQLite a page being served locks the job table for a moment;
    the worker's write tries again instead of failing the job. Any other database error still raises."""
    job = _running_job()
    real_update = QuerySet.update
    failures = [OperationalError("database table is locked: core_job")] * 2

    def flaky_update(self: QuerySet[Any], **fields: Any) -> int:
        if failures:
            raise failures.pop()
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    monkeypatch.setattr(core_services, "connection", SimpleNamespace(vendor="sqlite"))
    assert job_progress(job_id=job.pk, done=3, total=10) is True
    assert failures == [] and Job.objects.get(pk=job.pk).done == 3

    failures.append(OperationalError("no such column: done"))
    with pytest.raises(OperationalError, match="no such column"):
        job_progress(job_id=job.pk, done=4)
    failures.append(OperationalError("database table is locked: core_job"))
    monkeypatch.setattr(core_services, "connection", SimpleNamespace(vendor="postgresql"))  # only SQLite's lock
    with pytest.raises(OperationalError, match="locked"):
        job_progress(job_id=job.pk, done=5)
    assert Job.objects.get(pk=job.pk).done == 3
