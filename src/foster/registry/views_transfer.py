"""Registry pages for moving companies in bulk: import (upload, check, apply) and export."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from foster.core.choices import JobStatus
from foster.registry.choices import ImportStatus
from foster.registry.exporting import (
    EXPORT_FORMATS,
    ExportRefused,
    company_export_csv,
    company_export_queryset,
    company_export_xlsx,
    escape_formula,
    export_filename,
)
from foster.registry.forms import CompanyFilterForm, CompanyImportForm
from foster.registry.importing import (
    COLUMNS,
    ImportRefused,
    company_import_apply_enqueue,
    company_import_check_enqueue,
    company_import_create,
)
from foster.registry.models import CompanyImport
from foster.registry.selectors import company_import_queryset_for

ERRORS_SHOWN = 500  # rows of the error table on the page; the CSV download has every stored error
RECENT_IMPORTS = 10


@login_required
@require_http_methods(["GET", "POST"])
def company_import(request: HttpRequest) -> HttpResponse:
    """Upload a company file; its dry run starts in the background."""
    if not request.user.has_perm("registry.import_companies"):
        raise PermissionDenied
    form = CompanyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = company_import_create(
                user=request.user, file=upload, filename=upload.name, language=get_language() or "ko"
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            company_import_check_enqueue(user=request.user, company_import=created)
            return redirect("registry:company-import-detail", pk=created.pk)
    context = {
        "form": form,
        "imports": company_import_queryset_for(request.user)[:RECENT_IMPORTS],
        "korean_headers": _header_table(),
    }
    return render(request, "registry/import_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def company_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's progress, then its errors or its plan; POST applies a checked import."""
    company_import = company_import_queryset_for(request.user).select_related("job").filter(pk=pk).first()
    if company_import is None:
        raise Http404(_("No such import."))
    if request.method == "POST":
        try:
            company_import_apply_enqueue(user=request.user, company_import=company_import)
        except ImportRefused as error:
            messages.error(request, str(error))
        return redirect("registry:company-import-detail", pk=company_import.pk)
    if request.GET.get("download") == "errors":
        return _errors_csv(company_import)
    plan: dict[str, Any] = company_import.plan or {}
    errors = plan.get("errors", [])
    job = company_import.job
    context = {
        "company_import": company_import,
        "plan": plan,
        "job": job,
        "is_running": company_import.status in {ImportStatus.CHECKING, ImportStatus.APPLYING}
        and job is not None
        and job.status in {JobStatus.QUEUED, JobStatus.RUNNING},
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, int(plan.get("error_count", 0)) - min(len(errors), ERRORS_SHOWN)),
        "updates_hidden": max(0, int(plan.get("updated", 0)) - len(plan.get("updates", []))),
        "creates_hidden": max(0, int(plan.get("created", 0)) - len(plan.get("creates", []))),
        "can_apply": company_import.status == ImportStatus.READY and (plan.get("created", 0) or plan.get("updated", 0)),
        "statuses": ImportStatus,
    }
    return render(request, "registry/import_detail.html", context)


def _errors_csv(company_import: CompanyImport) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Row"), _("Column"), _("Value"), _("What to fix")])
    for error in (company_import.plan or {}).get("errors", []):
        cells = (error["column"], error["value"], error["message"])
        writer.writerow([error["row"] or "", *(escape_formula(cell) for cell in cells)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{company_import.pk}-errors.csv"'
    return response


def _header_table() -> list[tuple[str, str, bool]]:
    return [(column.korean, column.field, column.is_required) for column in COLUMNS]


@login_required
@require_GET
def company_export(request: HttpRequest) -> HttpResponseBase:
    """The company list with the list page's filters, as CSV (default) or XLSX, streamed."""
    if not request.user.has_perm("registry.export_companies"):
        raise PermissionDenied
    file_format = request.GET.get("format", "csv")
    if file_format not in EXPORT_FORMATS:
        file_format = "csv"
    filters = CompanyFilterForm(request.GET or None).to_filter()
    queryset = company_export_queryset(user=request.user, filters=filters)
    language = get_language() or "ko"
    if file_format == "csv":
        pieces: Iterator[str] = company_export_csv(queryset=queryset, language=language)
        response = StreamingHttpResponse((piece.encode("utf-8") for piece in pieces), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
        return response
    destination = tempfile.TemporaryFile()  # noqa: SIM115  # FileResponse closes it
    try:
        company_export_xlsx(queryset=queryset, language=language, destination=destination)
    except ExportRefused as error:
        destination.close()
        messages.error(request, str(error))
        return redirect(f"{reverse('registry:company-list')}?{request.GET.urlencode()}")
    destination.seek(0)
    return FileResponse(
        destination,
        as_attachment=True,
        filename=export_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
