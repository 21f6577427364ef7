"""Background tasks run end to end on the two real backends: Redis with RQ workers, and the database queue.

The test suite itself uses the immediate backend; these tests switch to a real one, let the app queue
``platform_selfcheck`` (through ``foster selfcheck``, which uses ``job_enqueue`` like every feature),
check that nothing ran yet, start a worker in burst mode and check the ``core.Job`` row the user would
see: succeeded, every step counted, the result stored.

On PostgreSQL the worker is a separate ``foster`` process on the test database, as in production. The
SQLite test database lives in this process's memory, so there the worker's command runs in this
process (RQ's ``SimpleWorker``, which does not fork).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import django_rq
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from foster.core.choices import JobStatus
from foster.core.management.commands.selfcheck import SELFCHECK_KIND
from foster.core.models import Job
from foster.core.tasks import platform_selfcheck, selfcheck_models
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A Redis database of its own, emptied before and after the test (override with FOSTER_TEST_REDIS_URL).
TEST_REDIS_URL = os.environ.get("FOSTER_TEST_REDIS_URL", settings.REDIS_URL.rsplit("/", 1)[0] + "/15")
RQ_SETTINGS = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    "RQ_QUEUES": {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 600}},
}
DATABASE_SETTINGS = {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}}
WORKER_TIMEOUT = 120  # seconds


@pytest.fixture
def test_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL} ({error}); start Redis to run the RQ test.")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def _database_url() -> str:
    """The URL of the test database, for a worker process (PostgreSQL only)."""
    params = connection.settings_dict
    credentials = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    return f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def _run_worker(*arguments: str, in_process: dict[str, Any], environment: dict[str, str]) -> None:
    """Run a ``foster`` worker command until the queue is empty: in its own process on PostgreSQL,
    in this one (with the extra options ``in_process``) on SQLite's in-memory test database."""
    if connection.vendor != "postgresql":
        call_command(*arguments, **in_process)
        return
    completed = subprocess.run(
        [sys.executable, "-m", "foster.cli", *arguments],
        env={**os.environ, "FOSTER_MODE": "test", "DATABASE_URL": _database_url(), **environment},
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def _queued_selfcheck() -> Job:
    call_command("selfcheck", wait=0, stdout=io.StringIO())
    job = Job.objects.get(kind=SELFCHECK_KIND)
    assert job.status == JobStatus.QUEUED  # queued, not run: no worker has seen it yet
    assert job.task_result_id
    return job


def _assert_selfcheck_succeeded(job: Job, *, backend: str, companies: int, by_worker: bool = True) -> None:
    job.refresh_from_db()
    steps = len(selfcheck_models())
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, steps, steps)
    assert job.result["task_backend"] == backend
    assert job.result["counts"]["registry.company"] == companies
    assert job.result["counts"]["core.job"] == 1
    if by_worker and connection.vendor == "postgresql":
        assert job.result["pid"] != os.getpid()  # a separate worker process ran it


def test_an_rq_worker_runs_a_task_the_app_queued(test_redis: redis.Redis) -> None:
    CompanyFactory.create_batch(3)
    with override_settings(**RQ_SETTINGS):
        job = _queued_selfcheck()
        assert django_rq.get_queue("default").count == 1

        _run_worker(
            "rqworker",
            "default",
            "--burst",
            in_process={"worker_class": "rq.worker.SimpleWorker", "verbosity": 0},
            environment={"TASK_BACKEND": "rq", "REDIS_URL": TEST_REDIS_URL},
        )

        assert django_rq.get_queue("default").count == 0
        assert platform_selfcheck.get_result(job.task_result_id).status == TaskResultStatus.SUCCESSFUL
    _assert_selfcheck_succeeded(job, backend="django_tasks_rq.RQBackend", companies=3)


def test_the_database_worker_runs_a_task_the_app_queued() -> None:
    CompanyFactory.create_batch(2)
    with override_settings(**DATABASE_SETTINGS):
        job = _queued_selfcheck()
        assert DBTaskResult.objects.get(id=job.task_result_id).status == TaskResultStatus.READY

        _run_worker(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--interval",
            "0",
            in_process={"verbosity": 0},
            environment={"TASK_BACKEND": "database"},
        )

        assert DBTaskResult.objects.get(id=job.task_result_id).status == TaskResultStatus.SUCCESSFUL
    _assert_selfcheck_succeeded(job, backend="django_tasks_db.DatabaseBackend", companies=2)


def test_selfcheck_reports_a_task_that_no_worker_ran() -> None:
    with override_settings(**DATABASE_SETTINGS), pytest.raises(Exception, match="No worker finished job"):
        call_command("selfcheck", wait=0.3, stdout=io.StringIO())
    assert Job.objects.get(kind=SELFCHECK_KIND).status == JobStatus.QUEUED


def test_selfcheck_runs_on_the_immediate_backend_of_the_tests() -> None:
    CompanyFactory()

    call_command("selfcheck", wait=5, stdout=io.StringIO())

    _assert_selfcheck_succeeded(
        Job.objects.get(kind=SELFCHECK_KIND),
        backend="django_tasks.backends.immediate.ImmediateBackend",
        companies=1,
        by_worker=False,
    )
