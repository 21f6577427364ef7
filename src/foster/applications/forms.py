"""Application forms: a call's versioned form schema turned into a Django form, and small forms.

The schema format is in ``programs.models.ApplicationForm``. A draft may be saved incomplete;
a submission must be complete: every required field of every shown section. A section with
``show_if`` is shown (and its fields required) only when the named field has the given value;
the answers of a hidden section are discarded.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from foster.applications.attachments import file_type_detect
from foster.applications.choices import ApplicationStatus
from foster.applications.schema import (
    REQUESTED_AMOUNT,
    TITLE,
    choice_options,
    is_blank,
    localized,
    requested_amount_key,
    schema_fields,
    schema_sections,
    section_is_shown,
    title_key,
)
from foster.registry.models import Company

MONEY_CHARACTERS = re.compile(r"[\s,_원₩]|KRW", re.IGNORECASE)


class MoneyField(forms.CharField):
    """An amount in whole won: ``1,500,000``, ``1500000원`` and ``₩1,500,000`` are all 1,500,000."""

    default_error_messages = {"invalid": gettext_lazy("Enter an amount in whole won, such as 150,000,000.")}

    def __init__(self, *, min_value: int | None = None, max_value: int | None = None, **kwargs: Any) -> None:
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = MONEY_CHARACTERS.sub("", str(value or ""))
        if not text:
            return None
        if not text.isdigit():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                _("Enter at least %(limit)s won.") % {"limit": f"{self.min_value:,}"}, code="min_value"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                _("Enter at most %(limit)s won.") % {"limit": f"{self.max_value:,}"}, code="max_value"
            )


class DocumentField(forms.FileField):
    """A file whose type is checked from its content (``attachments.file_type_detect``)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            file_type_detect(value)
        return value


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def field_build(field: dict[str, Any], *, required: bool) -> forms.Field:
    """The Django form field of one schema field."""
    kind = field.get("type")
    common: dict[str, Any] = {
        "label": localized(field, "label") or field["key"],
        "help_text": localized(field, "help"),
        "required": required,
    }
    minimum, maximum = _int_or_none(field.get("min")), _int_or_none(field.get("max"))
    max_length = _int_or_none(field.get("max_length"))
    if kind == "long_text":
        return forms.CharField(max_length=max_length or 5000, widget=forms.Textarea(attrs={"rows": 6}), **common)
    if kind == "number":
        return forms.DecimalField(max_digits=18, decimal_places=4, min_value=minimum, max_value=maximum, **common)
    if kind == "money":
        return MoneyField(min_value=minimum, max_value=maximum, **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "---------"), *choice_options(field)], **common)
    if kind == "multi_choice":
        return forms.MultipleChoiceField(choices=choice_options(field), widget=forms.CheckboxSelectMultiple, **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "file":
        return DocumentField(**common)
    return forms.CharField(max_length=max_length or 300, **common)


def answer_to_json(value: Any) -> Any:
    """A cleaned value as stored in ``Application.answers``."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(item) for item in value]
    return value


def answer_from_json(field: dict[str, Any], value: Any) -> Any:
    """A stored answer as a form's initial value."""
    if field.get("type") == "money" and isinstance(value, int):
        return f"{value:,}"
    return value


class ApplicationAnswersForm(forms.Form):
    """The answers to one version of a call's form, plus the project title and requested amount.

    ``complete=False`` (save draft): nothing is required, but what is given must be valid.
    ``complete=True`` (submit): the required fields of every shown section must be answered; a
    file field counts as answered when a file was attached earlier (``attached``). Either way a
    field that a submission needs has ``is_required_to_submit`` (the page marks it).
    """

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        schema: dict[str, Any],
        answers: dict[str, Any] | None = None,
        title: str = "",
        requested_amount_krw: int | None = None,
        max_award_krw: int | None = None,
        attached: set[str] | frozenset[str] = frozenset(),
        complete: bool = False,
    ) -> None:
        answers = answers or {}
        initial = {
            key: answer_from_json(field, answers[key])
            for _s, field in schema_fields(schema)
            if (key := field["key"]) in answers
        }
        self.title_key, self.amount_key = title_key(schema), requested_amount_key(schema)
        initial.setdefault(self.title_key, title)
        if requested_amount_krw:
            initial.setdefault(self.amount_key, f"{requested_amount_krw:,}")
        super().__init__(data, files, initial=initial)
        self.schema = schema
        self.attached = set(attached)
        self.complete = complete
        current = self._raw_answers() if self.is_bound else answers
        self.shown = {section.get("key", ""): section_is_shown(section, current) for section in schema_sections(schema)}
        if self.title_key == TITLE:
            self.fields[TITLE] = forms.CharField(label=_("Project title"), max_length=300, required=complete)
        if self.amount_key == REQUESTED_AMOUNT:
            self.fields[REQUESTED_AMOUNT] = MoneyField(
                label=_("Requested amount (KRW)"),
                help_text=_("At most %(limit)s won.") % {"limit": f"{max_award_krw:,}"} if max_award_krw else "",
                min_value=0,
                max_value=max_award_krw,
                required=complete,
            )
        self.section_of: dict[str, str] = {}
        for section, field in schema_fields(schema):
            key = field["key"]
            if key in self.fields:
                continue
            shown = self.shown.get(section.get("key", ""), True)
            required = complete and shown and bool(field.get("required"))
            if field.get("type") == "file" and key in self.attached:
                required = False
            self.fields[key] = field_build(field, required=required)
            is_attached = field.get("type") == "file" and key in self.attached
            self.fields[key].is_required_to_submit = (  # type: ignore[attr-defined]
                shown and bool(field.get("required")) and not is_attached
            )
            self.section_of[key] = section.get("key", "")
        for key in (TITLE, REQUESTED_AMOUNT):
            if key in self.fields:
                self.fields[key].is_required_to_submit = True  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        """Validate; what was typed into a hidden section is discarded, so it cannot be an error."""
        super().full_clean()
        errors = self.errors
        for key, section_key in self.section_of.items():
            if not self.shown.get(section_key, True) and key in errors:
                del errors[key]

    def _raw_answers(self) -> dict[str, Any]:
        """The submitted values as the conditions read them (before cleaning)."""
        raw: dict[str, Any] = {}
        for _section, field in schema_fields(self.schema):
            key = field["key"]
            raw[key] = (
                self.data.getlist(key)
                if hasattr(self.data, "getlist") and field.get("type") == "multi_choice"
                else self.data.get(key)
            )
        return raw

    def sections(self) -> list[dict[str, Any]]:
        """For the template: each section's title, condition and bound fields."""
        result = []
        for section in schema_sections(self.schema):
            keys = [
                field["key"]
                for field in section.get("fields") or []
                if isinstance(field, dict) and field.get("key") in self.fields
            ]
            condition = section.get("show_if") or {}
            result.append(
                {
                    "key": section.get("key", ""),
                    "title": localized(section, "title"),
                    "show_if_field": condition.get("field", ""),
                    "show_if_equals": condition.get("equals", ""),
                    "is_shown": self.shown.get(section.get("key", ""), True),
                    "fields": [self[key] for key in keys],
                }
            )
        return result

    def fixed_fields(self) -> list[Any]:
        """The bound title and amount fields this form adds (those the schema does not ask itself)."""
        return [self[key] for key in (TITLE, REQUESTED_AMOUNT) if key in self.fields]

    def title_answer(self) -> str:
        return str(self.cleaned_data.get(self.title_key) or "")

    def requested_amount_answer(self) -> int | None:
        value = self.cleaned_data.get(self.amount_key)
        return value if isinstance(value, int) else None

    def answers(self) -> dict[str, Any]:
        """The cleaned answers of the shown sections, JSON-ready, without files, title and amount."""
        result: dict[str, Any] = {}
        for section, field in schema_fields(self.schema):
            key = field["key"]
            if field.get("type") == "file" or not self.shown.get(section.get("key", ""), True):
                continue
            value = self.cleaned_data.get(key)
            if not is_blank(value):
                result[key] = answer_to_json(value)
        return result

    def uploads(self) -> dict[str, UploadedFile]:
        """The files uploaded now, by field key, for the shown sections only."""
        return {
            field["key"]: self.cleaned_data[field["key"]]
            for section, field in schema_fields(self.schema)
            if field.get("type") == "file"
            and self.shown.get(section.get("key", ""), True)
            and isinstance(self.cleaned_data.get(field["key"]), UploadedFile)
        }


class CompanyChoiceForm(forms.Form):
    """Which of the user's companies applies."""

    company = forms.ModelChoiceField(queryset=Company.objects.none(), label=gettext_lazy("Applying company"))

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OverrideForm(forms.Form):
    to_status = forms.ChoiceField(label=gettext_lazy("Move to status"), choices=())
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, current_status: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ApplicationStatus.choices if value != current_status
        ]
