"""Until the second factor is given, a signed-in user who needs it reaches only the two-factor pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from foster.accounts.two_factor import SESSION_VERIFIED_KEY, confirmed_device, two_factor_is_needed
from foster.core.middleware import is_api_request

OPEN_ROUTES = ("accounts:two-factor-verify", "accounts:two-factor-enrol", "accounts:logout", "set_language")


class TwoFactorMiddleware:
    """Sends a signed-in user who has not given their second factor to the verification page (or,
    without an authenticator yet, to enrolment); the API answers 403. The session is marked at the
    first request of users who need no second factor, so the check costs one query per session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in OPEN_ROUTES)
        return self._open_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(SESSION_VERIFIED_KEY):
            return self.get_response(request)
        if not two_factor_is_needed(user):
            request.session[SESSION_VERIFIED_KEY] = True
            return self.get_response(request)
        if request.path in self.open_paths():
            return self.get_response(request)
        if is_api_request(request):
            return JsonResponse({"detail": _("Give the second factor of your log-in first.")}, status=403)
        route = "accounts:two-factor-verify" if confirmed_device(user) else "accounts:two-factor-enrol"
        return redirect(f"{reverse(route)}?{urlencode({'next': request.get_full_path()})}")
