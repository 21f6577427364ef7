"""Forms of the platform-wide pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from foster.core.choices import NotificationKind


def service_errors_to_form(
    form: forms.Form, error: ValidationError, *, field_names: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form that sent its input: a per-field message on the form's
    field of that name (``field_names`` maps a service field to a differently named form field),
    every other message (and a refusal without fields) above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        name = (field_names or {}).get(field, field)
        form.add_error(name if name in form.fields else None, messages)


class NotificationPreferenceForm(forms.Form):
    """Two check boxes per notification kind: by e-mail, in the application."""

    def __init__(self, *args: Any, current: dict[str, tuple[bool, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            by_email, in_app = current.get(kind, (True, True))
            self.fields[f"{kind}__email"] = forms.BooleanField(
                label=_("%(kind)s by e-mail") % {"kind": label}, required=False, initial=by_email
            )
            self.fields[f"{kind}__in_app"] = forms.BooleanField(
                label=_("%(kind)s in the application") % {"kind": label}, required=False, initial=in_app
            )

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {kind: (bool(data[f"{kind}__email"]), bool(data[f"{kind}__in_app"])) for kind in NotificationKind.values}
