"""Language selection (Korean unless the visitor has chosen English with the switch), and a 503 when
the database cannot be reached."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is for the REST API (answered in JSON, language negotiated), not a page."""
    return request.path_info.startswith(API_PREFIX)


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Korean by default, whatever language the browser prefers.

    Foster is a Korean public service: its pages start in Korean and the switch in the header
    (Django's ``set_language`` view, which stores the choice in the language cookie) changes
    it. The API keeps Django's negotiation, so API clients may send ``Accept-Language``.
    """

    def process_request(self, request: HttpRequest) -> None:
        if is_api_request(request):
            super().process_request(request)
            return
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):  # an unknown code in the cookie: stay with Korean
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A request that fails because the database cannot be reached (restarting, failing over, a lost
    connection) gets a 503 with ``Retry-After`` instead of a 500: a plain page in both languages, or a
    JSON error on the API; no traceback, and nothing was changed (the request's transaction did not
    commit). The next request reconnects (``CONN_HEALTH_CHECKS``)."""

    retry_after_seconds = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return database_unavailable_response(request, exception)


def database_unavailable_response(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 of a request the database could not serve (see ``DatabaseUnavailableMiddleware``).

    Also the answer of the 500 handler (``foster.core.views.server_error``) when the error came from
    a middleware rather than the view (loading the session, the two-factor check): Django turns a
    middleware's exception into a response before an outer middleware could see it."""
    logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
    if is_api_request(request):
        response: HttpResponse = JsonResponse(
            {"detail": gettext("The service is briefly unavailable; nothing was changed. Try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(DatabaseUnavailableMiddleware.retry_after_seconds)
    return response
