"""Fixtures of the API fuzzing: Django's WSGI handler in-process, and the schema it publishes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Django's WSGI handler, with the test's database transaction kept open across requests (as
    Django's test client does: the end of a request would otherwise close the connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app: WSGIHandler) -> Any:
    """``/api/schema/`` loaded by Schemathesis from the app; its requests go to the app in-process."""
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
