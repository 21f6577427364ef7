"""Finance pages: a company's agreements, schedule, postings and exposure; a program's ledger and
the approval form; an agreement with its operations; a transfer's entries; the policy monitors;
the import of other agencies' exposures. Every read starts from a scoping selector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.core.caching import cached_figure
from foster.core.choices import JobStatus
from foster.core.csv_files import TableRefused
from foster.core.forms import service_errors_to_form
from foster.finance.forms import (
    AgreementApproveForm,
    AgreementOperationForm,
    ExposureImportForm,
    ProgramMoneyForm,
    TransferReverseForm,
    new_key,
)
from foster.finance.importing import (
    exposure_import_apply_enqueue,
    exposure_import_check_enqueue,
    exposure_import_create,
)
from foster.finance.ledger import IdempotencyConflict, Outcome
from foster.finance.models import Transfer
from foster.finance.selectors import (
    agreement_queryset_for,
    ai_fund_monitor,
    company_accounts,
    company_exposure_headroom_krw,
    company_exposure_krw,
    exposure_import_queryset_for,
    exposure_league,
    finance_company_queryset_for,
    finance_program_queryset_for,
    liquidity_share_monitor,
    program_accounts,
    rnd_share_monitor,
    suggested_agreement_reference,
    transfer_queryset_for,
)
from foster.finance.services import (
    PROGRAM_MONEY_SERVICES,
    LoanScheduleTerms,
    agreement_approve,
    agreement_operation_apply,
    agreement_remaining_krw,
    transfer_reversal_refusal,
    transfer_reverse,
)
from foster.registry.choices import ImportStatus
from foster.registry.models import Company
from foster.registry.validation import clean_business_registration_number

TRANSFERS_SHOWN = 200
RECENT_IMPORTS = 10
ERRORS_SHOWN = 500


@login_required
@require_GET
def company_finance(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(finance_company_queryset_for(request.user), pk=pk)
    if not request.user.has_perm("finance.view_company_finance", company):
        raise PermissionDenied
    agreements = agreement_queryset_for(request.user).filter(company=company).prefetch_related("schedule")
    context = {
        "company": company,
        "exposure_krw": company_exposure_krw(company),
        "headroom_krw": company_exposure_headroom_krw(company),
        "agreements": agreements,
        "accounts": company_accounts(company),
        "transfers": transfer_queryset_for(request.user).filter(company=company)[:TRANSFERS_SHOWN],
    }
    return render(request, "finance/company_finance.html", context)


@login_required
@require_GET
def program_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(finance_program_queryset_for(request.user), pk=pk)
    context = {
        "program": program,
        "accounts": program_accounts(program),
        "agreements": agreement_queryset_for(request.user).filter(program=program)[:TRANSFERS_SHOWN],
        "transfers": transfer_queryset_for(request.user).filter(program=program)[:TRANSFERS_SHOWN],
        "can_manage": request.user.has_perm("finance.manage_program_money", program),
        "money_form": ProgramMoneyForm(initial={"idempotency_key": new_key()}),
    }
    return render(request, "finance/program_ledger.html", context)


@login_required
@require_POST
def program_money(request: HttpRequest, pk: int) -> HttpResponse:
    """Fund a program's budget, or record a fund commitment or capital call by source."""
    program = get_object_or_404(finance_program_queryset_for(request.user), pk=pk)
    if not request.user.has_perm("finance.manage_program_money", program):
        raise PermissionDenied
    form = ProgramMoneyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = _posted(
            request,
            form,
            lambda: PROGRAM_MONEY_SERVICES[data["operation"]](
                user=request.user,
                key=data["idempotency_key"],
                program=program,
                amount_krw=data["amount_krw"],
                source=data["source"],
            ),
        )
        if outcome:
            return redirect("finance:program-ledger", pk=program.pk)
    context = {
        "program": program,
        "accounts": program_accounts(program),
        "agreements": agreement_queryset_for(request.user).filter(program=program)[:TRANSFERS_SHOWN],
        "transfers": transfer_queryset_for(request.user).filter(program=program)[:TRANSFERS_SHOWN],
        "can_manage": True,
        "money_form": form,
    }
    return render(request, "finance/program_ledger.html", context)


def _posted(request: HttpRequest, form: forms.Form, post: Callable[[], Outcome]) -> Outcome | None:
    """Run the service call ``post`` for a valid ``form``: its outcome with a message saying whether
    it was recorded now or before (a retry), or None with the refusal on the form."""
    try:
        outcome = post()
    except IdempotencyConflict as conflict:
        form.add_error(None, str(conflict))
        return None
    except ValidationError as error:
        service_errors_to_form(form, error)
        return None
    if outcome.is_new:
        messages.success(request, _("Recorded."))
    else:
        messages.info(request, _("This was already recorded; nothing was posted twice."))
    return outcome


@login_required
@require_http_methods(["GET", "POST"])
def agreement_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(finance_program_queryset_for(request.user), pk=pk)
    if not request.user.has_perm("finance.manage_program_money", program):
        raise PermissionDenied
    form = AgreementApproveForm(
        request.POST or None,
        initial={"idempotency_key": new_key(), "reference": suggested_agreement_reference(program)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def approve() -> Outcome:
            number = clean_business_registration_number(data["business_registration_number"])
            company = Company.objects.filter(business_registration_number=number).first()
            if company is None:
                raise ValidationError(
                    {"business_registration_number": [_("No company with this registration number is registered.")]}
                )
            return agreement_approve(
                user=request.user,
                key=data["idempotency_key"],
                reference=data["reference"],
                program=program,
                company=company,
                instrument=data["instrument"],
                amount_krw=data["amount_krw"],
                interest_rate_basis_points=data["interest_rate_basis_points"] or 0,
                private_matched_krw=data["private_matched_krw"] or 0,
                loan_terms=LoanScheduleTerms(
                    method=data["repayment_method"],
                    term_months=data["term_months"],
                    starts_on=data["starts_on"],
                    grace_months=data["grace_months"] or 0,
                )
                if data.get("repayment_method")
                else None,
            )

        outcome = _posted(request, form, approve)
        if outcome and outcome.transfer.agreement_id is not None:
            return redirect("finance:agreement-detail", pk=outcome.transfer.agreement_id)
    return render(request, "finance/agreement_approve.html", {"form": form, "program": program})


@login_required
@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(agreement_queryset_for(request.user), pk=pk)
    can_manage = request.user.has_perm("finance.manage_program_money", agreement.program)
    context = {
        "agreement": agreement,
        "schedule": agreement.schedule.all(),
        "transfers": transfer_queryset_for(request.user).filter(agreement=agreement),
        "remaining_krw": agreement_remaining_krw(agreement),
        "can_manage": can_manage,
        "form": AgreementOperationForm(initial={"idempotency_key": new_key()}) if can_manage else None,
    }
    return render(request, "finance/agreement_detail.html", context)


@login_required
@require_POST
def agreement_operate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(agreement_queryset_for(request.user), pk=pk)
    if not request.user.has_perm("finance.manage_program_money", agreement.program):
        raise PermissionDenied
    form = AgreementOperationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _posted(request, form, lambda: agreement_operation_apply(user=request.user, agreement=agreement, data=data)):
            return redirect("finance:agreement-detail", pk=agreement.pk)
    context = {
        "agreement": agreement,
        "schedule": agreement.schedule.all(),
        "transfers": transfer_queryset_for(request.user).filter(agreement=agreement),
        "remaining_krw": agreement_remaining_krw(agreement),
        "can_manage": True,
        "form": form,
    }
    return render(request, "finance/agreement_detail.html", context)


def _transfer_context(request: HttpRequest, transfer: Transfer, form: TransferReverseForm | None) -> dict[str, Any]:
    can_manage = transfer.program is not None and request.user.has_perm(
        "finance.manage_program_money", transfer.program
    )
    refusal = transfer_reversal_refusal(transfer) if can_manage else ""
    if can_manage and not refusal and form is None:
        form = TransferReverseForm(initial={"idempotency_key": new_key()})
    return {
        "transfer": transfer,
        "entries": transfer.entries.select_related("account").order_by("phase", "id"),
        "reversed_by": Transfer.objects.filter(reverses=transfer).first(),
        "can_manage": can_manage,
        "reversal_refusal": refusal,
        "form": form if can_manage and not refusal else None,
    }


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(transfer_queryset_for(request.user), pk=pk)
    return render(request, "finance/transfer_detail.html", _transfer_context(request, transfer, None))


@login_required
@require_POST
def transfer_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Reverse a posted transfer, with the reason the official gives (``transfer_reverse``)."""
    transfer = get_object_or_404(transfer_queryset_for(request.user), pk=pk)
    if transfer.program is None or not request.user.has_perm("finance.manage_program_money", transfer.program):
        raise PermissionDenied
    form = TransferReverseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = _posted(
            request,
            form,
            lambda: transfer_reverse(
                user=request.user, key=data["idempotency_key"], transfer=transfer, reason=data["reason"]
            ),
        )
        if outcome:
            return redirect("finance:transfer-detail", pk=outcome.transfer.pk)
    context = _transfer_context(request, transfer, form)
    if context["form"] is None:  # not reversible: say why above the page
        context["form_errors"] = form.non_field_errors()
    return render(request, "finance/transfer_detail.html", context)


@login_required
@require_GET
def monitors(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("finance.view_monitors"):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Http404
    # Each monitor reads every approval of the year (or the whole ledger): computed once per ledger
    # change (``foster.core.caching``), not on every view.
    context = {
        "year": year,
        "liquidity": cached_figure(f"liquidity-{year}", lambda: liquidity_share_monitor(year=year), areas=("ledger",)),
        "rnd": cached_figure(f"rnd-{year}", lambda: rnd_share_monitor(year=year), areas=("ledger",)),
        "fund": cached_figure("ai-fund", ai_fund_monitor, areas=("ledger",)),
        "league": exposure_league(),
        "programs": finance_program_queryset_for(request.user).order_by("agency__code", "code")[:200],
        "can_import": request.user.has_perm("finance.import_exposures"),
    }
    return render(request, "finance/monitors.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exposure_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file of other agencies' exposures; its check starts in the background."""
    if not request.user.has_perm("finance.import_exposures"):
        raise PermissionDenied
    form = ExposureImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = exposure_import_create(
                user=request.user,
                file=upload,
                filename=upload.name,
                source=form.cleaned_data["source"],
                as_of=form.cleaned_data["as_of"],
                language=get_language() or "ko",
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            exposure_import_check_enqueue(user=request.user, record=record)
            return redirect("finance:exposure-import-detail", pk=record.pk)
    imports = exposure_import_queryset_for(request.user)[:RECENT_IMPORTS]
    return render(request, "finance/exposure_import.html", {"form": form, "imports": imports})


@login_required
@require_http_methods(["GET", "POST"])
def exposure_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's progress, then its bad rows or what it would change; POST applies a checked import."""
    record = get_object_or_404(exposure_import_queryset_for(request.user).select_related("job"), pk=pk)
    if request.method == "POST":
        try:
            exposure_import_apply_enqueue(user=request.user, record=record)
        except TableRefused as error:
            messages.error(request, str(error))
        return redirect("finance:exposure-import-detail", pk=record.pk)
    plan: dict[str, Any] = record.plan or {}
    job = record.job
    context = {
        "record": record,
        "plan": plan,
        "job": job,
        "is_running": record.status in {ImportStatus.CHECKING, ImportStatus.APPLYING}
        and job is not None
        and job.status in {JobStatus.QUEUED, JobStatus.RUNNING},
        "errors": plan.get("errors", [])[:ERRORS_SHOWN],
        "can_apply": record.status == ImportStatus.READY and bool(plan.get("changed")),
        "statuses": ImportStatus,
    }
    return render(request, "finance/exposure_import_detail.html", context)
