"""Helpers shared by every app's REST API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied, ValidationError

DataT = TypeVar("DataT")


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


def data_with_changes(data: DataT, values: Mapping[str, Any]) -> DataT:
    """A copy of a service's input dataclass with the fields a (partial) API update sent; other
    keys of ``values`` (read-only or relation fields the service takes separately) are ignored."""
    names = {field.name for field in dataclasses.fields(data)}  # type: ignore[arg-type]
    return dataclasses.replace(data, **{key: value for key, value in values.items() if key in names})  # type: ignore[type-var]
