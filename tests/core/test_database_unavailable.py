"""A request that fails because the database cannot be reached gets a 503 with Retry-After, a plain
page in both languages (or a JSON error on the API), never a traceback; other errors are not its
business. The real outage (PostgreSQL restarted under gunicorn) is in tests/ops/test_faults.py."""

from __future__ import annotations

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from foster.core.middleware import DatabaseUnavailableMiddleware


def _middleware() -> DatabaseUnavailableMiddleware:
    return DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_page_gets_a_plain_503_in_both_languages(error: Exception) -> None:
    response = _middleware().process_exception(RequestFactory().get("/calls/"), error)
    assert response is not None
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    page = response.content.decode()
    assert "서비스를 잠시 이용할 수 없습니다" in page
    assert "The service is briefly unavailable" in page
    assert "connection" not in page  # the error itself stays in the log


def test_the_api_gets_a_json_503_in_the_requested_language() -> None:
    with translation.override("en"):
        response = _middleware().process_exception(
            RequestFactory().post("/api/v1/finance/transfers/"), OperationalError("server closed the connection")
        )
    assert response is not None
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response.content.decode() == (
        '{"detail": "The service is briefly unavailable; nothing was changed. Try again shortly."}'
    )
    with translation.override("ko"):
        korean = _middleware().process_exception(RequestFactory().get("/api/v1/"), OperationalError("x"))
    assert korean is not None
    assert "서비스를 잠시 이용할 수 없습니다" in json.loads(korean.content)["detail"]


def test_other_errors_are_left_to_the_500_handler() -> None:
    assert _middleware().process_exception(RequestFactory().get("/"), ValueError("a bug")) is None


@pytest.mark.django_db
def test_a_database_error_in_a_middleware_is_a_503_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the session (or the two-factor check) runs in middleware, whose exceptions Django
    turns into a 500 before the outer middleware sees them; the 500 handler answers the 503."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from tests.factories import UserFactory

    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    def database_away(self: SessionStore) -> dict[str, object]:
        raise OperationalError("connection to server failed")

    monkeypatch.setattr(SessionStore, "load", database_away)
    api = client.get("/api/v1/")
    page = client.get("/calls/")

    assert (api.status_code, api["Retry-After"], set(api.json())) == (503, "5", {"detail"})
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    assert "The service is briefly unavailable" in page.content.decode()


@pytest.mark.django_db
def test_other_errors_in_a_middleware_stay_500s(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from tests.factories import UserFactory

    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    def a_bug(self: SessionStore) -> dict[str, object]:
        raise ValueError("a bug")

    monkeypatch.setattr(SessionStore, "load", a_bug)
    response = client.get("/calls/")

    assert response.status_code == 500
    assert "Retry-After" not in response
