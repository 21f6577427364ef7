"""The data creation LAB in a real browser (issue 7).

An SME's member logs in, opens the data LAB from the navigation and uploads the company's quality
records as a CP949 CSV saved by Excel (with an inspector's name and phone number in it). The LAB
checks it in the background (the job page polls until it is done) and shows the profile, with the
personal data found and what will happen to it. The member starts a synthesis and watches its progress
bar move, then reads the report: the privacy check, fidelity, utility and privacy in words, and the
charts. They share the result with a startup under an agreement; the startup's member logs in, finds
it on their dashboard and downloads the synthetic CSV, and the SME sees that download in its log.

Background tasks are queued by the pages and run by the test (the test settings' task backend would
run them inside the request, leaving nothing to watch) while the browser keeps polling; each progress
report waits a moment so that a person, and this test, can see the job move. Pages are Korean: elements are found by
id, href or role. Screenshots go to ``artifacts/screenshots/datalab-*.png``; axe checks every page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from foster.accounts.choices import Role
from foster.core.jobs import JobReport
from foster.datalab.models import DownloadRecord, SharingAgreement, SynthesisRun
from foster.datalab.seeding import demo_quality_csv
from foster.registry.choices import SizeClass
from foster.registry.seeding import registration_number
from tests.browser.support import SCREENSHOTS, check_page, click_and_load, log_in_from_home
from tests.factories import PASSWORD, CompanyFactory, CompanyMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SME_EMAIL = "quality@daesung.example.kr"
STARTUP_EMAIL = "founder@visionai.example.kr"
STARTUP_NUMBER = registration_number(81_234)


def korean(text: str) -> str:
    with translation.override("ko"):
        from django.utils.translation import gettext

        return gettext(text)


@dataclass
class Worker:
    """The LAB's background tasks, queued by the pages and run by the test when it chooses (the test
    settings' task backend would run them inside the request, leaving nothing to watch). They run on
    the test's own thread, which shares the live server's database; the browser keeps polling
    meanwhile. Each progress report waits a moment and may call ``on_progress``."""

    queued: list[tuple[Any, int, dict[str, Any]]] = field(default_factory=list)
    on_progress: Any = None

    def run_queued(self) -> None:
        while self.queued:
            task, job_id, kwargs = self.queued.pop(0)
            task.call(job_id=job_id, **kwargs)


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Worker:
    found = Worker()
    report = JobReport.__call__

    def slow_report(self: JobReport, done: int, total: int | None = None, message: str | None = None) -> None:
        report(self, done, total, message)
        if found.on_progress is not None:
            found.on_progress(done)
        time.sleep(0.2)

    def enqueue(task: Any, job: Any, **kwargs: Any) -> None:
        transaction.on_commit(lambda: found.queued.append((task, job.pk, kwargs)))

    monkeypatch.setattr(JobReport, "__call__", slow_report)
    monkeypatch.setattr("foster.datalab.services.job_enqueue", enqueue)
    return found


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    sme_user = UserFactory(email=SME_EMAIL, full_name="서품질", role=Role.COMPANY_MEMBER)
    sme = CompanyFactory(name_ko="(주)대성정밀", size_class=SizeClass.SMALL)
    CompanyMembershipFactory(user=sme_user, company=sme)
    startup_user = UserFactory(email=STARTUP_EMAIL, full_name="정비전", role=Role.COMPANY_MEMBER)
    startup = CompanyFactory(
        name_ko="비전에이아이(주)", size_class=SizeClass.STARTUP, business_registration_number=STARTUP_NUMBER
    )
    CompanyMembershipFactory(user=startup_user, company=startup)
    return {"sme": sme, "startup": startup, "startup_user": startup_user}


def log_in(page: Any, email: str) -> None:
    log_in_from_home(page, email, PASSWORD)


def test_an_sme_synthesises_its_table_and_shares_it_with_a_startup(
    new_page: Any, people: dict[str, Any], worker: Worker, tmp_path: Path
) -> None:
    source = tmp_path / "품질검사_2025.csv"
    source.write_bytes(demo_quality_csv(1_500, seed=11))
    page = new_page()
    log_in(page, SME_EMAIL)

    # 1. The data LAB from the navigation, then the upload form.
    click_and_load(page, page.locator(f'header nav a[href="{reverse("datalab:dashboard")}"]'))
    check_page(page, "datalab-01-dashboard")
    click_and_load(page, page.locator("#upload-table"))
    page.locator("#id_title").fill("2025년 부품 품질검사")
    page.locator("#id_file").set_input_files(str(source))
    check_page(page, "datalab-02-upload")
    click_and_load(page, page.locator("#upload-form button[type=submit]"))

    # 2. The check runs in the background; the job page polls until the profile is ready.
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    assert page.locator(".job-progress progress").get_attribute("value") == "0"
    worker.run_queued()
    result_link = page.locator("main a[role=button]")
    result_link.wait_for(timeout=60_000)
    check_page(page, "datalab-03-checked")
    click_and_load(page, result_link)
    page.wait_for_url(re.compile(r"/datalab/tables/\d+/$"))
    findings = page.locator("#personal-data").inner_text()
    assert "“연락처”" in findings and "“검사자”" in findings
    assert korean("dropped before synthesis") in findings
    assert page.locator("#profile tbody tr").count() == 17
    check_page(page, "datalab-04-profile")

    # 3. Start a synthesis and watch it run.
    page.locator("#id_seed").fill("7")
    click_and_load(page, page.locator("#start-run"))
    page.wait_for_url(re.compile(r"/datalab/results/\d+/$"))
    page.locator("#run-progress progress").wait_for()
    assert page.locator("#cancel-run").is_visible()
    seen: list[int] = []

    def watch(done: int) -> None:
        """Halfway through the fit, wait until the page shows the job moving, and photograph it."""
        if seen or done < 30:
            return
        page.wait_for_function(
            "() => { const bar = document.querySelector('#run-progress progress');"
            " return bar && Number(bar.value) >= 30 && Number(bar.value) < 100; }"
        )
        seen.append(int(page.locator("#run-progress progress").get_attribute("value")))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "datalab-05-progress.png"), full_page=True)

    worker.on_progress = watch
    worker.run_queued()
    worker.on_progress = None
    assert seen and 30 <= seen[0] < 100

    # 4. The page reloads itself with the report once the run has finished.
    page.locator("#release-gate").wait_for(timeout=120_000)
    run = SynthesisRun.objects.get()
    assert run.seed == 7 and run.release_allowed
    assert page.locator("#run-seed").inner_text() == "7"
    assert (
        korean("Privacy check passed: this synthetic table may be shared") in page.locator("#release-gate").inner_text()
    )
    for section in ("#fidelity", "#utility", "#privacy"):
        assert page.locator(section).inner_text().strip()
    assert page.locator("#shape-chart rect").count() >= 2 * 15
    check_page(page, "datalab-06-report")

    # 5. Share with the startup under an agreement.
    page.locator("#id_recipient_registration_number").fill(STARTUP_NUMBER)
    page.locator("#id_purpose").fill("야간조 불량 예측 모델 개발")
    page.locator("#id_permitted_use").select_option("model_development")
    page.locator("#id_ends_on").fill((timezone.localdate() + dt.timedelta(days=180)).isoformat())
    click_and_load(page, page.locator("#share"))
    assert SharingAgreement.objects.get().recipient_company == people["startup"]
    assert "비전에이아이(주)" in page.locator("#agreements").inner_text()
    check_page(page, "datalab-07-shared")

    # 6. The startup's member finds it on the dashboard and downloads the synthetic CSV.
    startup_page = new_page()
    log_in(startup_page, STARTUP_EMAIL)
    startup_page.goto(reverse("datalab:dashboard"))
    assert "2025년 부품 품질검사" in startup_page.locator("#received").inner_text()
    check_page(startup_page, "datalab-08-startup-dashboard")
    click_and_load(
        startup_page, startup_page.locator(f'#received a[href="{reverse("datalab:run-detail", args=[run.pk])}"]')
    )
    check_page(startup_page, "datalab-09-startup-report")
    with startup_page.expect_download() as caught:
        startup_page.locator("#download-synthetic").click()
    downloaded = tmp_path / "synthetic.csv"
    caught.value.save_as(str(downloaded))
    rows = list(csv.reader(io.StringIO(downloaded.read_bytes().decode("utf-8-sig"))))
    assert rows[0][:3] == ["로트번호", "라인", "교대"] and "연락처" not in rows[0]
    assert len(rows) == 1_501
    record = DownloadRecord.objects.get()
    assert (record.user, record.company) == (people["startup_user"], people["startup"])

    # 7. The SME sees who downloaded.
    page.reload()
    assert "정비전" in page.locator("#downloads").inner_text()
    check_page(page, "datalab-10-download-log")
