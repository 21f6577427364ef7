"""Platform-wide pages: background job progress, notifications and the health check."""

from __future__ import annotations

import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET, require_http_methods

from foster.core.choices import JobStatus
from foster.core.forms import NotificationPreferenceForm
from foster.core.middleware import database_unavailable_response
from foster.core.selectors import job_queryset_for, notification_preferences_of, notification_queryset_for
from foster.core.services import jobs_sweep_stale, notification_preferences_set, notifications_mark_read


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress; htmx polls the fragment until the job has finished."""
    job = job_queryset_for(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.status == JobStatus.RUNNING and job.lease_expires_at and job.lease_expires_at < timezone.now():
        jobs_sweep_stale()  # its worker died: say so now rather than show "running" (ADR 0012)
        job.refresh_from_db()
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notices, newest first; opening the page marks them read."""
    notices = list(notification_queryset_for(request.user)[:100])
    notifications_mark_read(user=request.user)
    return render(request, "core/notification_list.html", {"notifications": notices})


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds of notification the user receives, by e-mail and in the application."""
    form = NotificationPreferenceForm(request.POST or None, current=notification_preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("core:notification-list")
    return render(request, "core/notification_preferences.html", {"form": form})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: Django's, except when the database could not be reached, which answers
    the 503 of ``DatabaseUnavailableMiddleware``. Reaches errors raised in middleware too (loading
    the session, the two-factor check), which that middleware's ``process_exception`` never sees."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable_response(request, error)
    return defaults.server_error(request)
