"""Several processes sharing one database (issue 10, part 7): two gunicorn web servers on different
ports and two RQ task workers on Redis, as docs/deployment.md deploys them.

- a session made by logging in on one web server works on the other (sessions are in the database);
- company files uploaded through both web servers queue one check job each, and the two workers run
  every job exactly once between them (each job has one attempt, by one worker; both workers ran some);
- ledger transfers posted through both web servers at once all land once and the ledger reconciles.

Written for PostgreSQL, the deployment it describes; it runs on SQLite's file too (WAL mode).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.test import override_settings
from django_rq import get_queue
from django_tasks import TaskResultStatus
from rq import Worker
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from foster.accounts.models import User
from foster.core.choices import JobStatus
from foster.core.models import Job
from foster.programs.models import Program
from foster.registry.choices import ImportStatus
from foster.registry.models import CompanyImport
from foster.registry.seeding import registration_number
from foster.registry.tasks import company_import_check_task
from tests.factories import PASSWORD
from tests.ops.processes import (
    Process,
    SharedDatabase,
    TransferWriter,
    assert_every_acknowledged_write_is_there_once,
    environment,
    log_in_both_factors,
    page_csrf_token,
    start,
    start_gunicorn,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)

# A Redis database of its own, emptied before and after (FOSTER_TEST_SCALE_REDIS_URL overrides it).
REDIS_URL = os.environ.get("FOSTER_TEST_SCALE_REDIS_URL", settings.REDIS_URL.rsplit("/", 1)[0] + "/12")
RQ_SETTINGS = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    "RQ_QUEUES": {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}},
}
UPLOADS_PER_WEB = 2
HEADER = "사업자등록번호,기업명,영문명,업종코드,지역,기업규모,설립일,종업원수,매출액,AI도입현황"


@pytest.fixture
def queue_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); start Redis to run the scale-out test.")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def _upload(session: requests.Session, web: Process, number: int) -> None:
    token = page_csrf_token(session, f"{web.url}/companies/import/")
    rows = "\r\n".join(
        [HEADER]
        + [
            f"{registration_number(9000 + number * 10 + row)},(주)확장{number}-{row},,62,seoul,startup,"
            "2023-01-15,3,0,in_use"
            for row in range(2)
        ]
    )
    response = session.post(
        f"{web.url}/companies/import/",
        data={"csrfmiddlewaretoken": token},
        files={"file": (f"companies-{number}.csv", (rows + "\r\n").encode(), "text/csv")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302 and "/companies/import/" in response.headers["Location"], response.text[:2000]


def test_two_web_servers_and_two_workers_share_sessions_jobs_and_the_ledger(
    queue_redis: redis.Redis,
    shared_db: SharedDatabase,
    work_dir: Path,
    official: User,
    totp_secret: str,
    program: Program,
) -> None:
    extra = {"TASK_BACKEND": "rq", "REDIS_URL": REDIS_URL}
    processes: list[Process] = []
    try:
        webs = [start_gunicorn(f"web{number}", shared_db.url, work_dir, workers=1, **extra) for number in (1, 2)]
        processes += webs
        for number in (1, 2):
            processes.append(
                start(
                    f"worker{number}",
                    [sys.executable, "-m", "foster.cli", "rqworker", "default", "--name", f"ops-worker-{number}"],
                    environment(shared_db.url, work_dir, **extra),
                    work_dir,
                )
            )
        wait_until(
            lambda: {worker.name for worker in Worker.all(connection=queue_redis)} == {"ops-worker-1", "ops-worker-2"},
            what="both workers listen on the queue",
            detail=lambda: processes[-1].output()[-2000:],
        )

        # A session made on web 1 works on web 2; without it web 2 sends the visitor to log in.
        anonymous = requests.get(f"{webs[1].url}/companies/import/", allow_redirects=False, timeout=30)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.headers["Location"]
        logged_in = log_in_both_factors(webs[0].url, official.email, PASSWORD, totp_secret)
        browser = logged_in.session()
        on_web2 = browser.get(f"{webs[1].url}/companies/import/", allow_redirects=False, timeout=30)
        assert on_web2.status_code == 200
        assert official.full_name in on_web2.text or official.email in on_web2.text

        # Ledger writes through both servers at once, while files are uploaded through both.
        writer = TransferWriter([web.url for web in webs], logged_in, program.pk, threads=4, transfers_per_thread=6)
        threads = writer.start()
        for number in range(UPLOADS_PER_WEB * 2):
            _upload(browser, webs[number % 2], number)
        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads)

        def all_checked() -> bool:
            shared_db.collect()
            jobs = Job.objects.filter(kind="registry.company_import.check")
            return jobs.count() == UPLOADS_PER_WEB * 2 and all(job.is_finished for job in jobs)

        wait_until(all_checked, what="every upload's check job has finished", interval=0.3)
    finally:
        for process in processes:
            process.stop()

    shared_db.collect()
    imports = CompanyImport.objects.select_related("job").order_by("pk")
    assert [(item.status, item.job.status) for item in imports] == [
        (ImportStatus.READY, JobStatus.SUCCEEDED)
    ] * UPLOADS_PER_WEB * 2  # type: ignore[union-attr]
    workers_that_ran: set[str] = set()
    with override_settings(**RQ_SETTINGS):
        for item in imports:
            result = company_import_check_task.get_result(item.job.task_result_id)  # type: ignore[union-attr]
            assert result.status == TaskResultStatus.SUCCESSFUL
            assert len(result.worker_ids) == 1, result.worker_ids  # run once, by one worker
            workers_that_ran.update(result.worker_ids)
        queue = get_queue("default")
        assert FinishedJobRegistry(queue=queue).count == UPLOADS_PER_WEB * 2
        assert FailedJobRegistry(queue=queue).count == 0
        assert queue.count == 0
    assert workers_that_ran == {"ops-worker-1", "ops-worker-2"}  # both workers took jobs

    assert_every_acknowledged_write_is_there_once(writer, program)
