"""Registry pages: list with search and filters, detail, self-registration, edit, valuations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from foster.core.forms import service_errors_to_form
from foster.core.models import AuditEvent
from foster.core.pagination import CappedCountPaginator
from foster.registry import ksic
from foster.registry.forms import CompanyFilterForm, CompanyForm, ValuationForm
from foster.registry.models import Company
from foster.registry.selectors import company_queryset_for, company_search
from foster.registry.services import company_data_from, company_register, company_update, valuation_record_add


def _visible_company(request: HttpRequest, pk: int) -> Company:
    """The company if the user may see it; 404 otherwise (its existence is not revealed)."""
    company = company_queryset_for(request.user).filter(pk=pk).first()
    if company is None:
        raise Http404(_("No such company."))
    return company


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("registry.view_company_list"):
        raise PermissionDenied
    form = CompanyFilterForm(request.GET or None)
    queryset = company_search(user=request.user, filters=form.to_filter())
    page = CappedCountPaginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "can_export": request.user.has_perm("registry.export_companies"),
        "can_register": request.user.has_perm("registry.add_company"),
        "sections": ksic.sections(),
    }
    # htmx asks for the table only; a history restore (back button, cache miss) needs the whole page.
    htmx = request.htmx  # type: ignore[attr-defined]
    partial = bool(htmx) and not htmx.history_restore_request
    response = render(request, "registry/_company_table.html" if partial else "registry/company_list.html", context)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers a fragment or a page
    return response


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _visible_company(request, pk)
    context = {
        "company": company,
        "division": ksic.divisions().get(company.ksic_division),
        "section": ksic.sections().get(company.ksic_section),
        "valuations": company.valuations.all()[:50],
        "members": company.memberships.select_related("user"),
        "can_change": request.user.has_perm("registry.change_company", company),
        "can_add_valuation": request.user.has_perm("registry.add_valuationrecord", company),
        "can_view_finance": request.user.has_perm("finance.view_company_finance", company),
        "events": AuditEvent.objects.filter(object_type="registry.company", object_id=str(company.pk))[:20],
    }
    return render(request, "registry/company_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def company_register_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("registry.add_company"):
        raise PermissionDenied
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = company_register(user=request.user, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The company was registered."))
            return redirect("registry:company-detail", pk=company.pk)
    return render(request, "registry/company_form.html", {"form": form, "is_new": True})


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = _visible_company(request, pk)
    if not request.user.has_perm("registry.change_company", company):
        raise PermissionDenied
    initial = company_data_from(company).__dict__
    form = CompanyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            company_update(user=request.user, company=company, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("registry:company-detail", pk=company.pk)
    return render(request, "registry/company_form.html", {"form": form, "company": company, "is_new": False})


@login_required
@require_http_methods(["GET", "POST"])
def valuation_add(request: HttpRequest, pk: int) -> HttpResponse:
    company = _visible_company(request, pk)
    if not request.user.has_perm("registry.add_valuationrecord", company):
        raise PermissionDenied
    form = ValuationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            valuation_record_add(user=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The valuation was added."))
            return redirect("registry:company-detail", pk=company.pk)
    return render(request, "registry/valuation_form.html", {"form": form, "company": company})
