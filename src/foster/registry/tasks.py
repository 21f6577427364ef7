"""Background tasks of the registry: checking (dry run) and applying an uploaded company file.

Each task reports its progress on a ``core.Job`` that the import page shows (see
``foster.core.jobs``). The work itself is done by the services in ``foster.registry.importing``,
imported inside the tasks because those services also queue these tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from foster.core.jobs import JobError, job_running
from foster.registry.choices import ImportStatus
from foster.registry.models import CompanyImport


def _stage_messages() -> dict[str, str]:
    return {
        "read": _("Reading the file"),
        "check": _("Checking every row"),
        "write": _("Writing the companies to the registry"),
    }


def _job_progress(report: Callable[..., None], stages: tuple[str, ...]) -> Callable[[str, int, int], None]:
    """Turn ``progress(stage, done, total)`` into one bar over all stages of the job.

    Each stage is one share of the bar, as wide as the file has rows; the write stage, which counts
    only the companies that change, is scaled to that width.
    """
    messages = _stage_messages()
    width = {"rows": 0}

    def progress(stage: str, done: int, total: int) -> None:
        if stage != "write":
            width["rows"] = total
        rows = width["rows"] or total
        scaled = done if stage != "write" else (rows if not total else done * rows // total)
        report(stages.index(stage) * rows + scaled, rows * len(stages), messages[stage])

    return progress


def _run(job_id: int, import_id: int, *, apply: bool) -> None:
    from foster.registry import importing

    with job_running(job_id) as report:
        company_import = CompanyImport.objects.select_related("owner").get(pk=import_id)
        with translation.override(company_import.language):
            if company_import.owner is None:
                _mark_failed(import_id)
                raise JobError(_("The person who uploaded this file no longer has an account; upload it again."))
            stages = ("read", "check", "write") if apply else ("read", "check")
            service: Any = importing.company_import_apply if apply else importing.company_import_check
            try:
                plan = service(
                    user=company_import.owner,
                    company_import=company_import,
                    progress=_job_progress(report, stages),
                )
            except importing.ImportRefused as error:
                raise JobError(str(error)) from None
            except Exception:
                _mark_failed(import_id)
                raise
            report.result = {
                "next_url": reverse("registry:company-import-detail", args=[import_id]),
                "rows": plan.rows,
                "created": plan.created,
                "updated": plan.updated,
                "unchanged": plan.unchanged,
                "errors": len(plan.errors),
            }
            if not plan.is_valid:
                report.message = _("The file has errors; nothing was imported. See the list of errors.")
            elif apply:
                report.message = _("The file was imported.")
            else:
                report.message = _("The check is done; nothing has been changed yet.")


def _mark_failed(import_id: int) -> None:
    CompanyImport.objects.filter(pk=import_id).exclude(status=ImportStatus.APPLIED).update(status=ImportStatus.FAILED)


@task()
def company_import_check_task(job_id: int, import_id: int) -> None:
    """Dry run of an uploaded company file: store its plan (counts, changes, errors)."""
    _run(job_id, import_id, apply=False)


@task()
def company_import_apply_task(job_id: int, import_id: int) -> None:
    """Apply a checked company file, all or nothing."""
    _run(job_id, import_id, apply=True)
