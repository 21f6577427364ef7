"""Pages of education, consulting and the diagnostic under /learning/.

The course calendar, a course's page and the certificate check are public; everything else needs a
log-in. Every object is read through a scoping selector (404 outside the scope); every write goes
through one service; a refusal comes back on the form and changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foster.accounts.models import Agency
from foster.accounts.permissions import agency_ids_of, is_agency_official
from foster.core.forms import service_errors_to_form
from foster.core.ids import id_from_text
from foster.learning import questionnaire
from foster.learning.certificates import certificate_pdf
from foster.learning.charts import progress_chart_svg
from foster.learning.choices import Area, ConsultingStatus, EnrolmentStatus
from foster.learning.forms import (
    AttendanceForm,
    CalendarFilterForm,
    ConsultantEditForm,
    ConsultantForm,
    ConsultingCloseForm,
    ConsultingFeedbackForm,
    ConsultingRequestForm,
    ConsultingSessionForm,
    CourseForm,
    DiagnosticForm,
    SessionForm,
)
from foster.learning.models import ConsultingRequest, CourseSession, Diagnostic, Enrolment
from foster.learning.permissions import member_company_ids
from foster.learning.questionnaire import Result
from foster.learning.recommendations import matching_startups, open_calls_eligibility, recommended_sessions
from foster.learning.selectors import (
    certificate_by_code,
    consultant_open_load,
    consultant_queryset_for,
    consulting_agencies,
    consulting_figures,
    consulting_request_queryset_for,
    course_queryset,
    diagnostic_levels_by_segment,
    diagnostic_queryset_for,
    education_participants_by_year,
    enrolment_queryset_for,
    latest_diagnostic,
    session_calendar,
    session_managed_queryset_for,
    session_queryset,
)
from foster.learning.services import (
    attendance_mark,
    certificate_code_display,
    consultant_add,
    consultant_update,
    consulting_assign,
    consulting_close,
    consulting_feedback,
    consulting_request_create,
    consulting_session_add,
    course_create,
    course_data_of,
    course_update,
    diagnostic_submit,
    enrolment_cancel,
    enrolment_create,
    session_create,
    waiting_position,
)
from foster.registry import ksic
from foster.registry.choices import SizeClass
from foster.registry.models import Company
from foster.registry.selectors import company_queryset_for

CALENDAR_LIMIT = 200


def _own_company(request: HttpRequest, pk: int) -> Company:
    """A company the user may see (404 otherwise); the permission check comes after (403)."""
    company = company_queryset_for(request.user).filter(pk=pk).first()
    if company is None:
        raise Http404(_("No such company."))
    return company


def _result_of(diagnostic: Diagnostic) -> Result:
    return Result(
        area_levels={area: int(diagnostic.area_levels[area]) for area in questionnaire.AREAS},
        area_means={area: float(diagnostic.area_means[area]) for area in questionnaire.AREAS},
        overall_level=diagnostic.overall_level,
        overall_mean=diagnostic.overall_mean,
    )


# --- The learning page --------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The user's learning page: per company its latest diagnostic and consulting; the user's seats
    and certificates; a consultant's requests; an official's courses and consulting queue; figures
    for officials and planners."""
    user = request.user
    companies = list(Company.objects.filter(pk__in=member_company_ids(user)).order_by("name_ko"))
    for company in companies:
        company.latest_diagnostic = latest_diagnostic(company.pk)  # type: ignore[attr-defined]
    enrolments = list(
        Enrolment.objects.filter(user_id=user.pk or 0)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("session__course")
        .order_by("-session__starts_at")
    )
    now = timezone.now()
    for enrolment in enrolments:
        enrolment.position = waiting_position(enrolment)  # type: ignore[attr-defined]
        enrolment.is_cancellable = (  # type: ignore[attr-defined]
            enrolment.status in (EnrolmentStatus.SEATED, EnrolmentStatus.WAITLISTED)
            and enrolment.session.starts_at > now
        )
    requests = consulting_request_queryset_for(user)
    context: dict[str, Any] = {
        "companies": companies,
        "enrolments": enrolments,
        "own_requests": requests.filter(company_id__in=member_company_ids(user)),
        "assigned_requests": requests.filter(consultant__user_id=user.pk or 0).exclude(
            status=ConsultingStatus.CANCELLED
        ),
        "is_official": is_agency_official(user),
        "can_enrol": user.has_perm("learning.enrol"),
        "can_view_figures": user.has_perm("learning.view_learning_figures"),
    }
    if is_agency_official(user):
        context["managed_sessions"] = session_managed_queryset_for(user).filter(
            starts_at__gte=now - dt.timedelta(days=60)
        )[:40]
        context["agency_requests"] = requests.filter(agency_id__in=agency_ids_of(user))[:50]
        context["waiting_count"] = requests.filter(
            agency_id__in=agency_ids_of(user), status=ConsultingStatus.REQUESTED
        ).count()
    if context["can_view_figures"]:
        context["participants_by_year"] = education_participants_by_year()
        sections = ksic.sections()
        sizes = dict(SizeClass.choices)
        context["segments"] = [
            {
                "section": f"{segment.ksic_section} {sections[segment.ksic_section].name}"
                if segment.ksic_section in sections
                else segment.ksic_section,
                "size_class": sizes.get(segment.size_class, segment.size_class),
                "companies": segment.companies,
                "mean_overall_level": segment.mean_overall_level,
            }
            for segment in diagnostic_levels_by_segment()[:60]
        ]
        context["consulting"] = consulting_figures()
        context["area_labels"] = dict(Area.choices)
    return render(request, "learning/dashboard.html", context)


# --- The diagnostic -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def diagnostic_take(request: HttpRequest, pk: int) -> HttpResponse:
    company = _own_company(request, pk)
    if not request.user.has_perm("learning.take_diagnostic", company):
        raise PermissionDenied
    form = DiagnosticForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            diagnostic = diagnostic_submit(
                user=request.user, company=company, answers=form.answers(), problem=form.cleaned_data["problem"]
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("Your diagnostic is saved. Here is your starting point and next steps."))
            return redirect("learning:diagnostic-detail", pk=diagnostic.pk)
    previous = latest_diagnostic(company.pk)
    return render(request, "learning/diagnostic_form.html", {"company": company, "form": form, "previous": previous})


@login_required
@require_GET
def diagnostic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A diagnostic's result: levels per area and overall, eligible open calls with reasons,
    courses for the weakest areas, a consulting request prefilled, matching startups with reasons."""
    diagnostic = diagnostic_queryset_for(request.user).filter(pk=pk).first()
    if diagnostic is None:
        raise Http404(_("No such diagnostic."))
    company = diagnostic.company
    result = _result_of(diagnostic)
    labels = dict(Area.choices)
    calls = open_calls_eligibility(company)
    area_rows = [
        {
            "area": area,
            "label": labels[area],
            "level": result.area_levels[area],
            "mean": result.area_means[area],
            "level_name": _level_name(result.area_levels[area]),
            "percent": result.area_levels[area] * 20,
        }
        for area in questionnaire.AREAS
    ]
    weakest = result.weakest_areas[0]
    consulting_url = reverse("learning:consulting-request", kwargs={"pk": company.pk}) + f"?diagnostic={diagnostic.pk}"
    context = {
        "diagnostic": diagnostic,
        "company": company,
        "overall_name": _level_name(diagnostic.overall_level),
        "overall_description": _level_description(diagnostic.overall_level),
        "area_rows": area_rows,
        "eligible_calls": [item for item in calls if item.is_eligible],
        "ineligible_calls": [item for item in calls if not item.is_eligible],
        "course_groups": [
            {"label": labels[group.area], "level": group.level, "sessions": group.sessions}
            for group in recommended_sessions(result, company)
        ],
        "weakest_label": labels[weakest],
        "consulting_url": consulting_url,
        "can_request_consulting": bool(consulting_agencies()),
        "startups": matching_startups(diagnostic),
        "history_count": Diagnostic.objects.filter(company=company).count(),
    }
    return render(request, "learning/diagnostic_detail.html", context)


def _level_name(level: int) -> str:
    found = questionnaire.level(level)
    from foster.core.i18n import in_language

    return in_language(found.name_ko, found.name_en)


def _level_description(level: int) -> str:
    found = questionnaire.level(level)
    from foster.core.i18n import in_language

    return in_language(found.description_ko, found.description_en)


@login_required
@require_GET
def diagnostic_history(request: HttpRequest, pk: int) -> HttpResponse:
    """A company's diagnostics over time: a chart (SVG, drawn on the server) and a table."""
    company = _own_company(request, pk)
    if not request.user.has_perm("learning.take_diagnostic", company):
        raise PermissionDenied
    diagnostics = list(diagnostic_queryset_for(request.user).filter(company=company).order_by("created_at", "id"))
    labels = dict(Area.choices)
    rows = [
        {
            "diagnostic": diagnostic,
            "levels": [diagnostic.area_levels[area] for area in questionnaire.AREAS],
            "change": diagnostic.overall_level - diagnostics[index - 1].overall_level if index else None,
        }
        for index, diagnostic in enumerate(diagnostics)
    ]
    context = {
        "company": company,
        "rows": list(reversed(rows)),
        "area_labels": [labels[area] for area in questionnaire.AREAS],
        "chart": progress_chart_svg(diagnostics, title=_("Overall AI readiness level over time")),
    }
    return render(request, "learning/diagnostic_history.html", context)


# --- Courses, sessions and enrolment ------------------------------------------------------------


@require_GET
def course_calendar(request: HttpRequest) -> HttpResponse:
    """Public: upcoming sessions by month, filtered by region, audience, delivery, level and area."""
    form = CalendarFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = {key: str(value) for key, value in filters.items() if value}
    sessions = list(session_calendar(filters=chosen)[:CALENDAR_LIMIT])
    months: dict[str, list[CourseSession]] = {}
    for session in sessions:
        months.setdefault(timezone.localtime(session.starts_at).strftime("%Y-%m"), []).append(session)
    return render(
        request,
        "learning/course_calendar.html",
        {"form": form, "months": list(months.items()), "count": len(sessions), "limit": CALENDAR_LIMIT},
    )


@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a course and its sessions; a signed-in company-side user enrols from here."""
    course = course_queryset().filter(pk=pk).first()
    if course is None:
        raise Http404(_("No such course."))
    now = timezone.now()
    sessions = list(course.sessions.order_by("starts_at"))
    mine = {}
    if request.user.is_authenticated:
        mine = {
            enrolment.session_id: enrolment
            for enrolment in Enrolment.objects.filter(user=request.user, session__course=course).exclude(
                status=EnrolmentStatus.CANCELLED
            )
        }
    for session in sessions:
        session.mine = mine.get(session.pk)  # type: ignore[attr-defined]
        session.is_upcoming = session.starts_at > now  # type: ignore[attr-defined]
    context = {
        "course": course,
        "sessions": sessions,
        "can_enrol": request.user.has_perm("learning.enrol"),
        "can_manage": request.user.has_perm("learning.manage_courses")
        and course.agency_id in agency_ids_of(request.user),
    }
    return render(request, "learning/course_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("learning.manage_courses"):
        raise PermissionDenied
    agency = Agency.objects.filter(pk__in=agency_ids_of(request.user)).order_by("code").first()
    if agency is None:
        raise PermissionDenied
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = course_create(user=request.user, agency=agency, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The course was created. Add its sessions."))
            return redirect("learning:course-detail", pk=course.pk)
    return render(request, "learning/course_form.html", {"form": form, "agency": agency})


@login_required
@require_http_methods(["GET", "POST"])
def course_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = course_queryset().filter(pk=pk).first()
    if course is None:
        raise Http404(_("No such course."))
    if not (request.user.has_perm("learning.manage_courses") and course.agency_id in agency_ids_of(request.user)):
        raise PermissionDenied
    form = CourseForm(request.POST or None, initial=dataclasses.asdict(course_data_of(course)))
    if request.method == "POST" and form.is_valid():
        try:
            course_update(user=request.user, course=course, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The course was saved."))
            return redirect("learning:course-detail", pk=course.pk)
    return render(request, "learning/course_form.html", {"form": form, "agency": course.agency, "course": course})


@login_required
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    course = course_queryset().filter(pk=pk).first()
    if course is None:
        raise Http404(_("No such course."))
    if not (request.user.has_perm("learning.manage_courses") and course.agency_id in agency_ids_of(request.user)):
        raise PermissionDenied
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session_create(
                user=request.user,
                course=course,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                capacity=data["capacity"],
                venue=data.get("venue") or "",
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The session was added to the calendar."))
            return redirect("learning:course-detail", pk=course.pk)
    return render(request, "learning/session_form.html", {"form": form, "course": course})


@login_required
@require_POST
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_queryset().filter(pk=pk).first()
    if session is None:
        raise Http404(_("No such session."))
    if not request.user.has_perm("learning.enrol"):
        raise PermissionDenied
    try:
        enrolment = enrolment_create(user=request.user, session=session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if enrolment.status == EnrolmentStatus.SEATED:
            messages.success(request, _("You have a seat. See you there!"))
        else:
            messages.info(
                request,
                _(
                    "The session is full: you are number %(position)s on the waiting list. "
                    "We will tell you if a seat frees up."
                )
                % {"position": waiting_position(enrolment)},
            )
    return redirect("learning:course-detail", pk=session.course_id)


@login_required
@require_POST
def enrolment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_queryset_for(request.user).filter(pk=pk).first()
    if enrolment is None:
        raise Http404(_("No such enrolment."))
    if not request.user.has_perm("learning.cancel_enrolment", enrolment):
        raise PermissionDenied
    try:
        enrolment_cancel(user=request.user, enrolment=enrolment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your place was cancelled."))
    return redirect("learning:dashboard")


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_queryset_for(request.user).filter(pk=pk).select_related("session__course__agency").first()
    if enrolment is None:
        raise Http404(_("No such enrolment."))
    if not request.user.has_perm("learning.download_certificate", enrolment):
        raise PermissionDenied
    if enrolment.status != EnrolmentStatus.COMPLETED or not enrolment.certificate_code:
        raise Http404(_("There is no certificate: the course was not completed."))
    verify_url = request.build_absolute_uri(reverse("learning:certificate-verify"))
    pdf = certificate_pdf(enrolment, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{enrolment.certificate_code}.pdf"'
    return response


@require_GET
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone checks a certificate by its code (the holder's name, course, dates, agency)."""
    code = (request.GET.get("code") or "").strip()
    enrolment = certificate_by_code(code) if code else None
    return render(
        request,
        "learning/certificate_verify.html",
        {
            "code": code,
            "enrolment": enrolment,
            "display_code": certificate_code_display(enrolment.certificate_code or "") if enrolment else "",
            "checked": bool(code),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's roster and waiting list; its agency's officials mark attendance."""
    session = session_queryset().filter(pk=pk).first()
    if session is None:
        raise Http404(_("No such session."))
    if not request.user.has_perm("learning.manage_session", session):
        raise PermissionDenied
    enrolments = list(
        session.enrolments.select_related("user", "company")
        .exclude(status=EnrolmentStatus.CANCELLED)
        .order_by("created_at", "id")
    )
    markable = [enrolment for enrolment in enrolments if enrolment.status != EnrolmentStatus.WAITLISTED]
    initial = {"attended": [enrolment.pk for enrolment in markable if enrolment.status == EnrolmentStatus.COMPLETED]}
    form = AttendanceForm(request.POST if request.method == "POST" else None, enrolments=markable, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = attendance_mark(
                user=request.user, session=session, attended_enrolment_ids=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Attendance saved: %(completed)s completed, %(absent)s absent, %(issued)s new certificates.")
                % {"completed": outcome.completed, "absent": outcome.absent, "issued": outcome.certificates_issued},
            )
            return redirect("learning:session-attendance", pk=session.pk)
    context = {
        "session": session,
        "form": form,
        "enrolments": enrolments,
        "waiting": [enrolment for enrolment in enrolments if enrolment.status == EnrolmentStatus.WAITLISTED],
        "has_started": session.starts_at <= timezone.now(),
    }
    return render(request, "learning/session_attendance.html", context)


# --- Consulting ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consulting_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A company's consulting request; from a diagnostic, prefilled with its weakest area and problem."""
    company = _own_company(request, pk)
    if not request.user.has_perm("learning.request_consulting", company):
        raise PermissionDenied
    agencies = consulting_agencies()
    initial: dict[str, Any] = {"agency": agencies[0].pk if agencies else None}
    diagnostic_id = request.GET.get("diagnostic") or request.POST.get("diagnostic")
    diagnostic = (
        diagnostic_queryset_for(request.user).filter(pk=number, company=company).first()
        if (number := id_from_text(diagnostic_id)) is not None
        else None
    )
    if diagnostic is not None:
        initial.update(
            topic=_result_of(diagnostic).weakest_areas[0], problem=diagnostic.problem, diagnostic=diagnostic.pk
        )
    form = ConsultingRequestForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            created = consulting_request_create(user=request.user, company=company, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("Your request was sent. A consultant will be assigned and will contact you."))
            return redirect("learning:consulting-detail", pk=created.pk)
    return render(
        request,
        "learning/consulting_form.html",
        {"company": company, "form": form, "diagnostic": diagnostic, "has_agencies": bool(agencies)},
    )


def _visible_request(request: HttpRequest, pk: int) -> ConsultingRequest:
    found = consulting_request_queryset_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such consulting request."))
    return found


@login_required
@require_GET
def consulting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_request(request, pk)
    user = request.user
    can_work = user.has_perm("learning.work_on_request", found) and found.status == ConsultingStatus.ASSIGNED
    context = {
        "consulting": found,
        "sessions": found.sessions.order_by("held_on", "id"),
        "can_work": can_work,
        "session_form": ConsultingSessionForm(initial={"held_on": timezone.localdate()}) if can_work else None,
        "close_form": ConsultingCloseForm() if can_work else None,
        "feedback_form": (
            ConsultingFeedbackForm()
            if found.status == ConsultingStatus.CLOSED
            and found.satisfaction is None
            and user.has_perm("learning.give_feedback", found)
            else None
        ),
    }
    return render(request, "learning/consulting_detail.html", context)


def _consulting_post(
    request: HttpRequest, pk: int, form_class: type, work: Any, *, permission: str, success: str, form_key: str
) -> HttpResponse:
    found = _visible_request(request, pk)
    if not request.user.has_perm(permission, found):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            work(found, form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect("learning:consulting-detail", pk=found.pk)
    context = {
        "consulting": found,
        "sessions": found.sessions.order_by("held_on", "id"),
        "can_work": permission == "learning.work_on_request",
        "session_form": ConsultingSessionForm() if permission == "learning.work_on_request" else None,
        "close_form": ConsultingCloseForm() if permission == "learning.work_on_request" else None,
        "feedback_form": None,
        form_key: form,
    }
    return render(request, "learning/consulting_detail.html", context)


@login_required
@require_POST
def consulting_session_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _consulting_post(
        request,
        pk,
        ConsultingSessionForm,
        lambda found, data: consulting_session_add(
            user=request.user,
            request=found,
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            notes=data["notes"],
        ),
        permission="learning.work_on_request",
        success=_("The session was recorded."),
        form_key="session_form",
    )


@login_required
@require_POST
def consulting_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _consulting_post(
        request,
        pk,
        ConsultingCloseForm,
        lambda found, data: consulting_close(user=request.user, request=found, report=data["report"]),
        permission="learning.work_on_request",
        success=_("The request was closed with its report; the company is asked for feedback."),
        form_key="close_form",
    )


@login_required
@require_POST
def consulting_feedback_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _consulting_post(
        request,
        pk,
        ConsultingFeedbackForm,
        lambda found, data: consulting_feedback(
            user=request.user, request=found, satisfaction=data["satisfaction"], comment=data.get("comment") or ""
        ),
        permission="learning.give_feedback",
        success=_("Thank you for your feedback."),
        form_key="feedback_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def consulting_pool(request: HttpRequest) -> HttpResponse:
    """The official's agency's consultant pool (with open load), the waiting requests, and the form
    to add an expert."""
    if not request.user.has_perm("learning.manage_consulting"):
        raise PermissionDenied
    agency = Agency.objects.filter(pk__in=agency_ids_of(request.user)).order_by("code").first()
    if agency is None:
        raise PermissionDenied
    form = ConsultantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultant_add(user=request.user, agency=agency, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The expert was added to the consulting pool."))
            return redirect("learning:consulting-pool")
    consultants = list(consultant_queryset_for(request.user).filter(agency=agency))
    load = consultant_open_load(consultants)
    for consultant in consultants:
        consultant.open_load = load[consultant.pk]  # type: ignore[attr-defined]
    context = {
        "agency": agency,
        "form": form,
        "consultants": consultants,
        "area_labels": dict(Area.choices),
        "waiting": consulting_request_queryset_for(request.user).filter(
            agency=agency, status=ConsultingStatus.REQUESTED
        ),
    }
    return render(request, "learning/consulting_pool.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consultant_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a pooled consultant's details, or pause their new assignments (the pool's agency)."""
    if not request.user.has_perm("learning.manage_consulting"):
        raise PermissionDenied
    consultant = consultant_queryset_for(request.user).filter(pk=pk).first()  # the official's pools only
    if consultant is None:
        raise Http404(_("No such consultant."))
    form = ConsultantEditForm(request.POST or None, initial=ConsultantEditForm.initial_of(consultant))
    if request.method == "POST" and form.is_valid():
        try:
            consultant_update(user=request.user, consultant=consultant, data=form.to_data())
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("The consultant's details were saved."))
            return redirect("learning:consulting-pool")
    return render(request, "learning/consultant_form.html", {"form": form, "consultant": consultant})


@login_required
@require_POST
def consulting_assign_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("learning.manage_consulting"):
        raise PermissionDenied
    agency = Agency.objects.filter(pk__in=agency_ids_of(request.user)).order_by("code").first()
    if agency is None:
        raise PermissionDenied
    try:
        outcome = consulting_assign(user=request.user, agency=agency)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(assigned)s requests assigned; %(waiting)s still waiting for a free consultant.")
            % {"assigned": len(outcome.assigned), "waiting": outcome.waiting},
        )
    return redirect("learning:consulting-pool")
