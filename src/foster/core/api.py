"""Helpers shared by every app's REST API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied, ValidationError


@contextmanager
def service_errors_as_api_errors() -> Iterator[None]:
    """Turn a service's refusal into the API's: PermissionDenied → 403, ValidationError → 400
    with the service's per-field messages (the same words the pages show)."""
    try:
        yield
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise ValidationError(detail) from None
