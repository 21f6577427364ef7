"""Application pages: start from a call, fill and submit, withdraw, the lists, the official's
actions and attachment downloads. Each view parses input, calls one service and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.applications.choices import Actor, ApplicationStatus
from foster.applications.forms import ApplicationAnswersForm, CompanyChoiceForm, OverrideForm, ReasonForm
from foster.applications.models import Application
from foster.applications.selectors import (
    application_answer_rows,
    application_queryset_for,
    attachment_queryset_for,
    call_applications_for,
    status_history,
)
from foster.applications.services import (
    DraftData,
    application_draft_save,
    application_override,
    application_start,
    application_submit,
    application_transition,
    call_refusal,
    eligibility_reasons,
)
from foster.applications.workflow import TRANSITIONS_BY_NAME, transitions_from
from foster.core.forms import service_errors_to_form
from foster.core.pagination import CappedCountPaginator
from foster.programs.selectors import call_queryset_for
from foster.registry.models import Company


def _visible_application(request: HttpRequest, pk: int) -> Application:
    """The application if the user may see it; 404 otherwise (its existence is not revealed)."""
    application = application_queryset_for(request.user).filter(pk=pk).first()
    if application is None:
        raise Http404(_("No such application."))
    return application


@login_required
@require_http_methods(["GET", "POST"])
def application_start_view(request: HttpRequest, call_code: str) -> HttpResponse:
    """Start an application to a call for one of the user's companies."""
    call = call_queryset_for(request.user).filter(code=call_code).first()
    if call is None:
        raise Http404(_("No such call."))
    if not request.user.has_perm("applications.add_application"):
        raise PermissionDenied(_("Only members of a registered company can apply."))
    user: Any = request.user
    companies = Company.objects.filter(memberships__user=user).order_by("name_ko")
    form = CompanyChoiceForm(request.POST or None, companies=companies)
    refusal = call_refusal(call)
    if request.method == "POST" and form.is_valid() and not refusal:
        try:
            application = application_start(user=request.user, call=call, company=form.cleaned_data["company"])
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("Your application was started. You can save it as a draft at any time."))
            return redirect("applications:application-edit", pk=application.pk)
    existing = application_queryset_for(request.user).filter(call=call, company__in=companies)
    existing = existing.exclude(status=ApplicationStatus.WITHDRAWN)
    context = {"call": call, "form": form, "refusal": refusal, "existing": existing}
    return render(request, "applications/application_start.html", context)


def _answers_form(
    request: HttpRequest, application: Application, *, attached: set[str], complete: bool
) -> ApplicationAnswersForm:
    return ApplicationAnswersForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        schema=application.form.schema,
        answers=application.answers,
        title=application.title,
        requested_amount_krw=application.requested_amount_krw,
        max_award_krw=application.call.max_award_krw,
        attached=attached,
        complete=complete,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill in a draft: "save draft" keeps incomplete answers, "submit" needs them complete."""
    application = _visible_application(request, pk)
    if not request.user.has_perm("applications.change_application", application):
        raise PermissionDenied
    if application.status != ApplicationStatus.DRAFT:
        messages.info(request, _("This application was submitted and can no longer be changed."))
        return redirect("applications:application-detail", pk=application.pk)
    is_submit = request.POST.get("action") == "submit"
    attachments = {attachment.field_key: attachment for attachment in application.attachments.all()}
    form = _answers_form(request, application, attached=set(attachments), complete=is_submit)
    if request.method == "POST" and form.is_valid():
        data = DraftData(
            title=form.title_answer(),
            requested_amount_krw=form.requested_amount_answer(),
            answers=form.answers(),
            uploads=form.uploads(),
        )
        try:
            if is_submit:
                application = application_submit(user=request.user, application=application, data=data)
            else:
                application_draft_save(user=request.user, application=application, data=data)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            if is_submit:
                messages.success(request, _("Your application was submitted and screened for eligibility."))
                return redirect("applications:application-detail", pk=application.pk)
            messages.success(request, _("Your draft was saved."))
            return redirect("applications:application-edit", pk=application.pk)
    context = {
        "application": application,
        "form": form,
        "fixed_fields": form.fixed_fields(),
        "sections": form.sections(),
        "attachments": attachments,
    }
    return render(request, "applications/application_form.html", context)


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Status, screening reasons, history, answers and attachments; the official's actions."""
    application = _visible_application(request, pk)
    user = request.user
    is_official = user.has_perm("applications.transition_application", application)
    is_applicant = user.has_perm("applications.change_application", application)
    context = {
        "application": application,
        "eligibility": eligibility_reasons(application),
        "history": status_history(application),
        "answers": application_answer_rows(application),
        "is_applicant": is_applicant,
        "can_edit": is_applicant and application.status == ApplicationStatus.DRAFT,
        "can_withdraw": is_applicant
        and any(t.name == "withdraw" for t in transitions_from(application.status, Actor.APPLICANT)),
        "transitions": transitions_from(application.status, Actor.OFFICIAL) if is_official else [],
        "override_form": OverrideForm(current_status=application.status) if is_official else None,
    }
    return render(request, "applications/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant withdraws, giving a reason."""
    application = _visible_application(request, pk)
    if not request.user.has_perm("applications.withdraw_application", application):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_transition(
                user=request.user, application=application, transition="withdraw", reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("Your application was withdrawn."))
            return redirect("applications:application-detail", pk=application.pk)
    return render(request, "applications/application_withdraw.html", {"application": application, "form": form})


@login_required
@require_POST
def application_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An official takes a regular workflow step (screen, review, select, ...)."""
    application = _visible_application(request, pk)
    if not request.user.has_perm("applications.transition_application", application):
        raise PermissionDenied
    name = request.POST.get("transition", "")
    if name not in TRANSITIONS_BY_NAME:
        raise Http404(_("No such step."))
    try:
        application_transition(
            user=request.user, application=application, transition=name, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        status = ApplicationStatus(TRANSITIONS_BY_NAME[name].target).label
        messages.success(request, _("The application is now: %(status)s.") % {"status": status})
    return redirect("applications:application-detail", pk=application.pk)


@login_required
@require_POST
def application_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An official skips or reverts a step, with a reason (recorded as an override)."""
    application = _visible_application(request, pk)
    if not request.user.has_perm("applications.transition_application", application):
        raise PermissionDenied
    form = OverrideForm(request.POST, current_status=application.status)
    if form.is_valid():
        try:
            application_override(
                user=request.user,
                application=application,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The status was changed and the override recorded."))
    else:
        messages.error(request, _("Choose a status and give a reason."))
    return redirect("applications:application-detail", pk=application.pk)


def _status_filtered_page(request: HttpRequest, queryset: QuerySet[Application]) -> dict[str, Any]:
    """The page of ``queryset`` asked for, narrowed to the ``status`` asked for (the lists' context)."""
    status = request.GET.get("status", "")
    if status in ApplicationStatus.values:
        queryset = queryset.filter(status=status)
    page = CappedCountPaginator(queryset, 50).get_page(request.GET.get("page"))
    return {"page": page, "status": status, "statuses": ApplicationStatus.choices}


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications the user may see (their companies', or their agency's)."""
    queryset = application_queryset_for(request.user).order_by("-updated_at", "-id")
    return render(request, "applications/application_list.html", _status_filtered_page(request, queryset))


@login_required
@require_GET
def call_application_list(request: HttpRequest, pk: int) -> HttpResponse:
    """An official's list of the applications to one call of their agency, with screening results."""
    call = get_object_or_404(call_queryset_for(request.user), pk=pk)
    if not request.user.has_perm("applications.view_call_applications", call):
        raise Http404(_("No such call."))  # a call's applications are outside the scope of everyone else
    context = {"call": call, **_status_filtered_page(request, call_applications_for(request.user, call))}
    for application in context["page"].object_list:
        application.failures = [item for item in eligibility_reasons(application) if not item.get("passed")]
        application.actions = transitions_from(application.status, Actor.OFFICIAL)
    return render(request, "applications/call_application_list.html", context)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Send an attachment to someone who may see its application, as a download under its
    sanitised name (never shown inline, never from a public media URL)."""
    attachment = attachment_queryset_for(request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404(_("No such file."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No such file.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
