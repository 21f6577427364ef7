"""Request-side security helpers: the client's address, refused requests in the audit trail, and
the session timeouts (docs/security.md)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from foster.core.middleware import is_api_request
from foster.core.services import security_event_record

SESSION_STARTED_KEY = "foster_session_started"
SESSION_SEEN_KEY = "foster_session_seen"
# The last-seen time is written at most this often (seconds), so most requests do not save the session.
SEEN_RESOLUTION_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    """The client's IP address: ``REMOTE_ADDR``, or, behind trusted proxies, the address the nearest
    proxy saw (``CLIENT_ADDRESS_HEADER``, e.g. ``HTTP_X_FORWARDED_FOR``, read from the right by
    ``TRUSTED_PROXY_COUNT``; docs/deployment.md)."""
    header = getattr(settings, "CLIENT_ADDRESS_HEADER", "")
    if header:
        hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
        count = max(1, getattr(settings, "TRUSTED_PROXY_COUNT", 1))
        if len(hops) >= count:
            return hops[-count][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def request_security_event(
    request: HttpRequest, action: str, *, user: object = None, email: str = "", **details: object
) -> None:
    """``security_event_record`` with the request's user, address and path."""
    security_event_record(
        action=action,
        user=user if user is not None else getattr(request, "user", None),
        email=email,
        address=client_address(request),
        path=request.path[:500],
        details=dict(details),
    )


class RefusedRequestAuditMiddleware:
    """Every 403 answer (a page's or the API's: PermissionDenied, a rules refusal, a CSRF failure)
    becomes an ``access.denied`` event in the audit trail and the security log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            request_security_event(request, "access.denied", method=request.method or "")
        return response


class SessionTimeoutMiddleware:
    """Ends a signed-in session after ``SESSION_IDLE_TIMEOUT`` seconds without a request and after
    ``SESSION_ABSOLUTE_TIMEOUT`` seconds in all (ASVS 3.3). Pages go to the log-in page with a
    message; the API answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            if started is None or seen is None:
                session[SESSION_STARTED_KEY] = started = now if started is None else started
                session[SESSION_SEEN_KEY] = seen = now
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "idle" if now - seen > settings.SESSION_IDLE_TIMEOUT else "absolute"
                request_security_event(request, "auth.session_expired", reason=reason)
                logout(request)
                return self._expired(request)
            if now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> HttpResponse:
        if is_api_request(request):
            return JsonResponse({"detail": _("Your session has ended. Log in again.")}, status=401)
        messages.info(request, _("Your session has ended because of inactivity or its time limit. Log in again."))
        return redirect_to_login(request.get_full_path())


def session_clock_start(request: HttpRequest) -> None:
    """Start both timeouts afresh (at log-in)."""
    now = int(time.time())
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now
