"""Pages of programs and calls: the public portal of open calls (anonymous allowed) and the
officials' area under /programs/ (own agency's programs and calls; planners read-only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from foster.accounts.selectors import agencies_of
from foster.core.forms import service_errors_to_form
from foster.core.i18n import in_language, is_english
from foster.core.models import AuditEvent
from foster.engines.eligibility import RuleDataError
from foster.programs.eligibility import call_rules, rule_description
from foster.programs.form_builder import FormBuilder
from foster.programs.forms import (
    CallFilterForm,
    CallForm,
    CallNotificationsForm,
    EligibilityRulesForm,
    FormSchemaForm,
    ProgramForm,
    RubricCriterionFormSet,
    rubric_criteria_from,
)
from foster.programs.models import Call, Program
from foster.programs.selectors import (
    call_manage_queryset_for,
    call_open_search,
    call_published_queryset,
    program_manage_queryset_for,
)
from foster.programs.services import (
    application_form_publish,
    call_create,
    call_data_from,
    call_notifications_update,
    call_rules_update,
    call_update,
    form_schema_validate,
    program_create,
    program_data_from,
    program_update,
)

# --- Helpers ----------------------------------------------------------------------------------


def _rule_descriptions(call: Call) -> list[str]:
    try:
        return [rule_description(rule) for rule in call_rules(call)]
    except RuleDataError:
        return [_("The eligibility rules of this call could not be read; ask the agency.")]


@dataclass(frozen=True)
class CriterionView:
    label: str
    weight: float
    scale_min: int
    scale_max: int


def _criteria(call: Call) -> list[CriterionView]:
    english = is_english()
    items = call.rubric.criteria if call.rubric else []
    return [
        CriterionView(
            label=(item.get("label_en") if english else item.get("label_ko")) or item.get("key", ""),
            weight=item.get("weight", 0),
            scale_min=item.get("scale_min", 0),
            scale_max=item.get("scale_max", 0),
        )
        for item in items
    ]


def _apply_url(call: Call) -> str:
    """The applications app's start page for ``call``, or "" while that route does not exist."""
    try:
        return reverse("applications:application-start", kwargs={"call_code": call.code})
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class FieldPreview:
    key: str
    type: str
    label: str
    help: str
    required: bool
    choices: list[tuple[str, str]]


@dataclass(frozen=True)
class SectionPreview:
    key: str
    title: str
    condition: str
    fields: list[FieldPreview]


def form_preview(schema: Any) -> list[SectionPreview]:
    """A (valid) form schema in the active language, for the preview."""
    english = is_english()
    suffix = "en" if english else "ko"
    sections = []
    for section in schema.get("sections", []):
        condition = ""
        if section.get("show_if"):
            condition = _("Shown only when %(field)s is %(value)s.") % {
                "field": section["show_if"]["field"],
                "value": section["show_if"]["equals"],
            }
        fields = [
            FieldPreview(
                key=item["key"],
                type=item["type"],
                label=item.get(f"label_{suffix}", ""),
                help=item.get(f"help_{suffix}", ""),
                required=bool(item.get("required")),
                choices=[(choice["value"], choice.get(f"label_{suffix}", "")) for choice in item.get("choices") or []],
            )
            for item in section.get("fields", [])
        ]
        sections.append(SectionPreview(section["key"], section.get(f"title_{suffix}", ""), condition, fields))
    return sections


# --- Public portal ----------------------------------------------------------------------------


@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    """Open calls, searchable by policy area, industry, program type, agency and deadline."""
    form = CallFilterForm(request.GET or None)
    calls = call_open_search(filters=form.to_filter())
    return render(request, "programs/portal_call_list.html", {"form": form, "calls": calls})


@require_GET
def call_detail(request: HttpRequest, call_code: str) -> HttpResponse:
    """A published call: schedule, money, eligibility in words, rubric, and where to apply."""
    call = call_published_queryset().filter(code=call_code).first()
    if call is None:
        raise Http404(_("No such call."))
    context = {
        "call": call,
        "program": call.program,
        "rules": _rule_descriptions(call),
        "criteria": _criteria(call),
        "apply_url": _apply_url(call) if call.is_open else "",
        "summary": in_language(call.summary_ko, call.summary_en),
    }
    return render(request, "programs/portal_call_detail.html", context)


# --- Officials' area --------------------------------------------------------------------------


def _require_area(request: HttpRequest) -> None:
    if not request.user.has_perm("programs.view_program_admin"):
        raise PermissionDenied


def _managed_program(request: HttpRequest, pk: int) -> Program:
    """The program if it is in the user's area; 404 otherwise (its existence is not revealed)."""
    _require_area(request)
    program = program_manage_queryset_for(request.user).filter(pk=pk).first()
    if program is None:
        raise Http404(_("No such program."))
    return program


def _managed_call(request: HttpRequest, pk: int) -> Call:
    _require_area(request)
    call = call_manage_queryset_for(request.user).filter(pk=pk).first()
    if call is None:
        raise Http404(_("No such call."))
    return call


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    _require_area(request)
    programs = program_manage_queryset_for(request.user).prefetch_related("calls")
    context = {"programs": programs, "can_add": request.user.has_perm("programs.manage_programs")}
    return render(request, "programs/program_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("programs.manage_programs"):
        raise PermissionDenied
    form = ProgramForm(request.POST or None, agencies=agencies_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            program = program_create(user=request.user, agency=form.cleaned_data["agency"], data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The program was created."))
            return redirect("programs:program-detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "is_new": True})


@login_required
@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    context = {
        "program": program,
        "calls": program.calls.annotate(application_count=Count("applications")).order_by("-opens_at"),
        "can_change": request.user.has_perm("programs.change_program", program),
        "can_add_call": request.user.has_perm("programs.add_call", program),
    }
    return render(request, "programs/program_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    if not request.user.has_perm("programs.change_program", program):
        raise PermissionDenied
    form = ProgramForm(request.POST or None, initial=program_data_from(program).__dict__)
    if request.method == "POST" and form.is_valid():
        try:
            program_update(user=request.user, program=program, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("programs:program-detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": program, "is_new": False})


def _call_form_page(
    request: HttpRequest, *, program: Program, call: Call | None, initial: dict[str, Any], criteria: list[Any]
) -> HttpResponse:
    form = CallForm(request.POST or None, initial=initial)
    rubric = RubricCriterionFormSet(request.POST or None, initial=criteria, prefix="rubric")
    if request.method == "POST" and form.is_valid() and rubric.is_valid():
        data = form.to_data(rubric_criteria_from(rubric))
        try:
            if call is None:
                call = call_create(user=request.user, program=program, data=data)
            else:
                call = call_update(user=request.user, call=call, data=data)
        except ValidationError as error:
            service_errors_to_form(form, error, field_names={"rubric_criteria": "__all__"})
        else:
            messages.success(request, _("The call was saved."))
            return redirect("programs:call-manage", pk=call.pk)
    context = {"form": form, "rubric": rubric, "program": program, "call": call, "is_new": call is None}
    return render(request, "programs/call_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    if not request.user.has_perm("programs.add_call", program):
        raise PermissionDenied
    return _call_form_page(request, program=program, call=None, initial={"reviewers_per_application": 3}, criteria=[])


@login_required
@require_GET
def call_manage(request: HttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk)
    events = AuditEvent.objects.filter(object_type="programs.call", object_id=str(call.pk))
    context = {
        "call": call,
        "program": call.program,
        "rules": _rule_descriptions(call),
        "criteria": _criteria(call),
        "forms": call.forms.annotate(application_count=Count("applications")).order_by("-version"),
        "application_count": call.applications.count(),
        "can_change": request.user.has_perm("programs.change_call", call),
        "events": events.select_related("actor")[:20],
    }
    return render(request, "programs/call_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk)
    if not request.user.has_perm("programs.change_call", call):
        raise PermissionDenied
    data = call_data_from(call)
    initial = {
        key: value for key, value in data.__dict__.items() if key not in {"rubric_criteria", "eligibility_rules"}
    }
    return _call_form_page(request, program=call.program, call=call, initial=initial, criteria=data.rubric_criteria)


@login_required
@require_http_methods(["GET", "POST"])
def call_rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = _managed_call(request, pk)
    if not request.user.has_perm("programs.change_call", call):
        raise PermissionDenied
    form = EligibilityRulesForm(request.POST or None, initial=EligibilityRulesForm.initial_from(call.eligibility_rules))
    if request.method == "POST" and form.is_valid():
        try:
            call_rules_update(user=request.user, call=call, rules=form.to_rules())
        except ValidationError as error:
            service_errors_to_form(form, error, field_names=EligibilityRulesForm.FIELDS_OF_KIND)
        else:
            messages.success(request, _("The eligibility rules were saved."))
            return redirect("programs:call-manage", pk=call.pk)
    context = {"form": form, "call": call, "program": call.program, "rules": _rule_descriptions(call)}
    return render(request, "programs/call_rules.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_notifications_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Which notifications the call sends to applicants and reviewers (each person's own
    preferences apply on top)."""
    call = _managed_call(request, pk)
    if not request.user.has_perm("programs.change_call", call):
        raise PermissionDenied
    form = CallNotificationsForm(request.POST or None, initial=call.notification_settings())
    if request.method == "POST" and form.is_valid():
        try:
            call_notifications_update(user=request.user, call=call, notifications=form.to_settings())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The notification settings were saved."))
            return redirect("programs:call-manage", pk=call.pk)
    context = {"form": form, "call": call, "program": call.program}
    return render(request, "programs/call_notifications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_form_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The application form editor: the visual builder (``form_builder.FormBuilder``) and, for power
    users, the JSON schema. Both send the schema to the same services.

    The builder's buttons (``op``: add, remove, move a row) only re-render the rows, the whole page
    or, asked by htmx, the builder alone; nothing is stored. "Preview" only checks and shows the
    form; "Publish" saves it (a new version once applications use the current one).
    """
    call = _managed_call(request, pk)
    if not request.user.has_perm("programs.change_call", call):
        raise PermissionDenied
    current = call.current_form()
    base = current.schema if current else {}
    initial_text = json.dumps(base, ensure_ascii=False, indent=2) if current else ""
    is_json = request.method == "POST" and "schema" in request.POST
    json_form = FormSchemaForm(request.POST if is_json else None, initial={"schema": initial_text})
    builder = FormBuilder.from_schema(base, base=base)
    preview = form_preview(base) if current else []
    action = request.POST.get("action")
    schema: Any = None
    if is_json and json_form.is_valid():
        schema = json_form.cleaned_data["schema"]
    elif request.method == "POST" and not is_json:
        builder = FormBuilder.from_post(request.POST, base=base)
        if action not in {"preview", "publish"}:
            builder = builder.apply(request.POST.get("op", ""))
            if request.htmx:  # type: ignore[attr-defined]
                response = render(request, "programs/_form_builder_response.html", {"builder": builder, "call": call})
                patch_vary_headers(response, ["HX-Request"])
                return response
            preview = []
        else:
            builder = builder.rows_without_blanks()
            schema = builder.schema()
            preview = []
    if schema is not None:
        try:
            if action == "preview":
                preview = form_preview(form_schema_validate(schema))
                if is_json:
                    builder = FormBuilder.from_schema(schema, base=base)
                else:
                    json_form = FormSchemaForm(initial={"schema": json.dumps(schema, ensure_ascii=False, indent=2)})
            else:
                published = application_form_publish(user=request.user, call=call, schema=schema)
                messages.success(
                    request,
                    _("Version %(version)s of the application form is published.") % {"version": published.version},
                )
                return redirect("programs:call-manage", pk=call.pk)
        except ValidationError as error:
            if is_json:
                service_errors_to_form(json_form, error)
            else:
                builder.add_service_errors(error)
            preview = []
    context = {
        "form": json_form if is_json else builder,
        "json_form": json_form,
        "is_json": is_json,
        "builder": builder,
        "call": call,
        "program": call.program,
        "current": current,
        "preview": preview,
    }
    response = render(request, "programs/call_form_editor.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
