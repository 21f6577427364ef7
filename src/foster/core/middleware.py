"""Language selection: Korean unless the visitor has chosen English with the switch."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KoreanFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Korean by default, whatever language the browser prefers.

    Foster is a Korean public service: its pages start in Korean and the switch in the header
    (Django's ``set_language`` view, which stores the choice in the language cookie) changes
    it. The API keeps Django's negotiation, so API clients may send ``Accept-Language``.
    """

    api_prefix = "/api/"

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(self.api_prefix):
            super().process_request(request)
            return
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):  # an unknown code in the cookie: stay with Korean
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
