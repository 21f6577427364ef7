"""Pages of the data LAB under /datalab/: the dashboard (our tables, results shared with us), upload,
a table's profile and settings, a synthesis run with its progress and report, sharing and downloads.

Every object is read through a scoping selector (404 outside the scope); every write goes through one
service. The original upload has no route: it cannot be downloaded by anyone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.core.forms import service_errors_to_form
from foster.datalab import reports
from foster.datalab.choices import DatasetState, RunState
from foster.datalab.forms import AgreementForm, AgreementRevokeForm, DatasetColumnsForm, DatasetUploadForm, RunForm
from foster.datalab.models import Dataset, SharingAgreement, SynthesisRun
from foster.datalab.permissions import lab_company_ids_of
from foster.datalab.selectors import (
    agreement_queryset_for,
    dataset_queryset_for,
    download_queryset_for,
    run_queryset_for,
)
from foster.datalab.services import (
    agreement_create,
    agreement_revoke,
    dataset_columns_update,
    dataset_delete_original,
    dataset_upload,
    run_cancel,
    run_start,
    synthetic_download,
)
from foster.datalab.tables import personal_data_label, refusal_message
from foster.engines.synthesis import TableRefusal
from foster.registry.models import Company

UPLOAD_FORM_OVERHEAD_BYTES = 64 * 1024  # the multipart envelope and the other fields around the file


def _require_lab(request: HttpRequest) -> None:
    if not request.user.has_perm("datalab.view_lab"):
        raise PermissionDenied(_("The data LAB is for members of a registered company."))


def _dataset(request: HttpRequest, pk: int) -> Dataset:
    dataset = dataset_queryset_for(request.user).filter(pk=pk).first()
    if dataset is None:
        raise Http404(_("No such table."))
    return dataset


def _run(request: HttpRequest, pk: int) -> SynthesisRun:
    run = run_queryset_for(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404(_("No such result."))
    return run


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Our tables with their latest results, and the results other companies shared with ours."""
    _require_lab(request)
    companies = lab_company_ids_of(request.user)
    today = timezone.localdate()
    received = [
        {"agreement": agreement, "is_active": agreement.is_active(today)}
        for agreement in agreement_queryset_for(request.user).filter(recipient_company_id__in=companies)
    ]
    context = {
        "datasets": dataset_queryset_for(request.user).prefetch_related("runs"),
        "received": received,
        "retention_days": settings.DATALAB_RETENTION_DAYS,
    }
    return render(request, "datalab/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dataset_upload_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datalab.add_dataset"):
        raise PermissionDenied(_("The data LAB is for members of a registered company."))
    companies = Company.objects.filter(pk__in=lab_company_ids_of(request.user)).order_by("name_ko")
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.DATALAB_MAX_UPLOAD_BYTES + UPLOAD_FORM_OVERHEAD_BYTES:
            # Refuse before reading the body: the file is larger than the LAB takes.
            refusal = refusal_message(TableRefusal("too_large", size=declared, limit=settings.DATALAB_MAX_UPLOAD_BYTES))
            context = {"form": DatasetUploadForm(companies=companies), "refusal": refusal}
            return render(request, "datalab/upload.html", context, status=413)
    form = DatasetUploadForm(request.POST or None, request.FILES or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = dataset_upload(
                user=request.user,
                company=form.cleaned_data["company"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The file was received; the LAB is checking it now."))
            assert dataset.profile_job_id is not None
            return redirect("core:job-detail", pk=dataset.profile_job_id)
    return render(request, "datalab/upload.html", {"form": form})


def _dataset_context(request: HttpRequest, dataset: Dataset, **extra: object) -> dict[str, object]:
    columns_form = extra.pop("columns_form", None) or (
        DatasetColumnsForm(dataset=dataset) if dataset.state == DatasetState.READY else None
    )
    run_form = extra.pop("run_form", None) or (RunForm(dataset=dataset) if dataset.has_original else None)
    findings = [
        {**column, "label": personal_data_label(column["personal_data"])}
        for column in dataset.columns
        if column.get("personal_data")
    ]
    return {
        "dataset": dataset,
        "columns_form": columns_form,
        "run_form": run_form,
        "findings": findings,
        "runs": dataset.runs.select_related("job").all(),
        "can_change": request.user.has_perm("datalab.change_dataset", dataset),
        **extra,
    }


@login_required
@require_GET
def dataset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A table's profile, personal data found, column settings, runs and the form to start one."""
    dataset = _dataset(request, pk)
    return render(request, "datalab/dataset_detail.html", _dataset_context(request, dataset))


@login_required
@require_POST
def dataset_columns(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if not request.user.has_perm("datalab.change_dataset", dataset):
        raise PermissionDenied
    if dataset.state != DatasetState.READY:
        messages.error(request, _("The table's settings can be changed only while its original is in the LAB."))
        return redirect("datalab:dataset-detail", pk=dataset.pk)
    form = DatasetColumnsForm(request.POST, dataset=dataset)
    if form.is_valid():
        try:
            dataset_columns_update(user=request.user, dataset=dataset, changes=form.to_changes())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The column settings were saved."))
            return redirect("datalab:dataset-detail", pk=dataset.pk)
    return render(request, "datalab/dataset_detail.html", _dataset_context(request, dataset, columns_form=form))


@login_required
@require_POST
def run_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if not request.user.has_perm("datalab.change_dataset", dataset):
        raise PermissionDenied
    form = RunForm(request.POST, dataset=dataset)
    if form.is_valid():
        try:
            run = run_start(user=request.user, dataset=dataset, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            return redirect("datalab:run-detail", pk=run.pk)
    return render(request, "datalab/dataset_detail.html", _dataset_context(request, dataset, run_form=form))


@login_required
@require_POST
def dataset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    dataset = _dataset(request, pk)
    if not request.user.has_perm("datalab.change_dataset", dataset):
        raise PermissionDenied
    dataset_delete_original(user=request.user, dataset=dataset)
    messages.success(request, _("The original table was deleted from the LAB. The synthetic results stay."))
    return redirect("datalab:dataset-detail", pk=dataset.pk)


def _run_context(request: HttpRequest, run: SynthesisRun, **extra: object) -> dict[str, object]:
    user = request.user
    is_owner = user.has_perm("datalab.change_synthesisrun", run)
    report = run.report if run.state == RunState.SUCCEEDED and run.report else None
    context: dict[str, object] = {
        "run": run,
        "dataset": run.dataset,
        "job": run.job,
        "is_owner": is_owner,
        "can_download": run.is_downloadable and user.has_perm("datalab.download_synthetic", run),
        "report": report,
    }
    if report:
        context.update(
            said=reports.sentences(report),
            gate_reasons=reports.gate_reasons(report["gate"]),
            shape_chart=reports.shape_chart(report),
            distribution_charts=reports.distribution_charts(report),
            distance_chart=reports.distance_chart(report),
        )
    if is_owner:
        context["agreements"] = run.agreements.select_related("recipient_company").all()
        context["downloads"] = download_queryset_for(user).filter(run=run)[:50]
        context["agreement_form"] = extra.pop("agreement_form", None) or AgreementForm()
        context["today"] = timezone.localdate()
    else:
        companies = lab_company_ids_of(user)
        context["my_agreements"] = run.agreements.filter(recipient_company_id__in=companies)
    context.update(extra)
    return context


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: its progress while it runs (htmx polls the job), then the report, sharing and downloads."""
    run = _run(request, pk)
    if request.htmx:  # type: ignore[attr-defined]
        if run.is_finished:  # reload the whole page to show the report (or why it stopped)
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(request, "datalab/_run_progress.html", {"run": run, "job": run.job})
    return render(request, "datalab/run_detail.html", _run_context(request, run))


@login_required
@require_POST
def run_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not request.user.has_perm("datalab.change_synthesisrun", run):
        raise PermissionDenied
    try:
        run_cancel(user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The synthesis will stop at its next step; nothing of it will be kept."))
    return redirect("datalab:run-detail", pk=run.pk)


@login_required
@require_GET
def run_download(request: HttpRequest, pk: int) -> FileResponse:
    """The synthetic CSV, logged (the original upload is never served)."""
    run = _run(request, pk)
    download = synthetic_download(user=request.user, run=run)
    return FileResponse(download.file, as_attachment=True, filename=download.filename, content_type="text/csv")


@login_required
@require_GET
def run_report(request: HttpRequest, pk: int) -> JsonResponse:
    """The report and the parameters as JSON (seed, method, every figure)."""
    run = _run(request, pk)
    if run.state != RunState.SUCCEEDED:
        raise Http404(_("This result has no report."))
    body = {
        "run": run.pk,
        "dataset": run.dataset.title,
        "method": run.method,
        "seed": run.seed,
        "parameters": run.parameters,
        "release_allowed": run.release_allowed,
        "report": run.report,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="report-{run.pk}.json"'
    return response


@login_required
@require_POST
def agreement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not request.user.has_perm("datalab.change_synthesisrun", run):
        raise PermissionDenied
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            agreement = agreement_create(user=request.user, run=run, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Shared with %(company)s until %(date)s.")
                % {"company": agreement.recipient_company.name, "date": agreement.ends_on.isoformat()},
            )
            return redirect("datalab:run-detail", pk=run.pk)
    return render(request, "datalab/run_detail.html", _run_context(request, run, agreement_form=form))


@login_required
@require_POST
def agreement_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement: SharingAgreement | None = agreement_queryset_for(request.user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    if not request.user.has_perm("datalab.revoke_agreement", agreement):
        raise PermissionDenied
    form = AgreementRevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        agreement_revoke(user=request.user, agreement=agreement, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The agreement was revoked; the startup can no longer download."))
    return redirect("datalab:run-detail", pk=agreement.run_id)
