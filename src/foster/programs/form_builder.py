"""The visual editor of a call's application form: its sections and their fields as Django formsets.

Officials fill in rows; buttons add, remove and move rows (the page comes back with the change, or
only the builder when htmx sends the button). Nothing is stored until "Publish": the rows then become
the form schema (``ApplicationForm`` docstring), which ``application_form_publish`` validates and
stores, exactly as it does the JSON editor's schema. The service's messages name their place in the
schema (``sections[1].fields[0]: ...``); ``FormBuilder.add_service_errors`` puts each on its row.

A builder goes through three shapes: the POST (or a schema), a *state* (plain values per row, in
order, which the buttons rearrange), and formsets bound to that state (for checking and showing
errors) or initialised from it (after a button, without errors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from foster.core.forms import service_errors_to_form
from foster.core.i18n import in_language
from foster.programs.choices import FieldType
from foster.programs.services import CHOICE_TYPES, KEY, NUMBER_TYPES, TEXT_TYPES

SECTIONS_PREFIX = "sections"
MAX_SECTIONS = 50
MAX_FIELDS_PER_SECTION = 200
CHOICE_SEPARATOR = "|"
NOT_KEY_CHARACTERS = re.compile(r"[^a-z0-9]+")
SERVICE_PLACE = re.compile(r"^sections\[(\d+)\](?:\.fields\[(\d+)\])?(\.show_if|\.choices\[\d+\])?: ")


def key_suggest(label: str, taken: set[str] | frozenset[str] = frozenset(), *, prefix: str = "field") -> str:
    """A schema key from an English label (``"Project title"`` -> ``project_title``), not in ``taken``;
    "" when the label has no letters or digits of a key."""
    base = NOT_KEY_CHARACTERS.sub("_", label.lower()).strip("_")[:56]
    if not base:
        return ""
    if not base[0].isalpha():
        base = f"{prefix}_{base}"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- One row each ------------------------------------------------------------------------------


class SectionBuilderForm(forms.Form):
    """One section: its titles, key and the condition under which applicants see it."""

    original_key = forms.CharField(widget=forms.HiddenInput, required=False)
    title_ko = forms.CharField(label=gettext_lazy("Korean title"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("English title"), max_length=200)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Lower-case letters, digits and _; suggested from the English title when left empty."),
    )
    show_if_field = forms.ChoiceField(
        label=gettext_lazy("Show this section only when the answer to"),
        required=False,
        help_text=gettext_lazy("Leave at “always” to show the section to every applicant."),
    )
    show_if_equals = forms.CharField(
        label=gettext_lazy("is (or, for a multiple choice, includes) the value"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For a choice question, the value of one of its choices (the part after the last |)."),
    )

    def __init__(self, *args: Any, field_options: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show_if_field"].choices = [  # type: ignore[attr-defined]
            ("", _("always")),
            *(field_options or []),
        ]
        self.fields["show_if_equals"].widget.attrs["list"] = "form-builder-choice-values"

    def clean_key(self) -> str:
        key = _text(self.cleaned_data.get("key"))
        if key and not KEY.fullmatch(key):
            raise ValidationError(_("Start with a lower-case letter and use only a-z, 0-9 and _ (at most 64)."))
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("key") and "key" not in self.errors:
            self.add_error("key", _("Enter a key, or an English title to suggest one from."))
        if data.get("show_if_field") and not _text(data.get("show_if_equals")):
            self.add_error("show_if_equals", _("Enter the value that shows this section."))
        return data


class FieldBuilderForm(forms.Form):
    """One question. Settings that do not apply to its type (choices of a text field, say) are ignored."""

    original_key = forms.CharField(widget=forms.HiddenInput, required=False)
    label_ko = forms.CharField(label=gettext_lazy("Korean label"), max_length=500)
    label_en = forms.CharField(label=gettext_lazy("English label"), max_length=500)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Lower-case letters, digits and _; suggested from the English label when left empty."),
    )
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=FieldType.choices, initial=FieldType.TEXT)
    required = forms.BooleanField(label=gettext_lazy("Applicants must answer"), required=False)
    help_ko = forms.CharField(
        label=gettext_lazy("Korean help text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    help_en = forms.CharField(
        label=gettext_lazy("English help text"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Choice questions only. One choice per line: Korean label | English label | value. "
            "The value may be left out; it is then suggested from the English label."
        ),
    )
    min = forms.IntegerField(
        label=gettext_lazy("Smallest accepted number"),
        required=False,
        help_text=gettext_lazy("Numbers and amounts only."),
    )
    max = forms.IntegerField(
        label=gettext_lazy("Largest accepted number"),
        required=False,
        help_text=gettext_lazy("Numbers and amounts only."),
    )
    max_length = forms.IntegerField(
        label=gettext_lazy("Most characters"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Short and long text only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Hooks of form_builder.js: hide settings of other types, suggest the key from the English label.
        self.fields["type"].widget.attrs["data-builder-type"] = ""
        self.fields["label_en"].widget.attrs["data-builder-label"] = ""
        self.fields["key"].widget.attrs["data-builder-key"] = ""

    def clean_key(self) -> str:
        key = _text(self.cleaned_data.get("key"))
        if key and not KEY.fullmatch(key):
            raise ValidationError(_("Start with a lower-case letter and use only a-z, 0-9 and _ (at most 64)."))
        return key

    def clean_choices(self) -> list[dict[str, str]]:
        choices: list[dict[str, str]] = []
        problems: list[str] = []
        for number, line in enumerate(self.cleaned_data.get("choices", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(CHOICE_SEPARATOR)]
            if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
                problems.append(
                    _("Line %(number)s: write the Korean label, then | and the English label (then | and a value).")
                    % {"number": number}
                )
                continue
            taken = {choice["value"] for choice in choices}
            value = parts[2] if len(parts) == 3 and parts[2] else key_suggest(parts[1], taken, prefix="choice")
            if not value:
                problems.append(_("Line %(number)s: add | and a value, such as yes or option_1.") % {"number": number})
                continue
            if value in taken:
                problems.append(
                    _("Line %(number)s: the value %(value)s is used twice.") % {"number": number, "value": value}
                )
                continue
            choices.append({"value": value, "label_ko": parts[0], "label_en": parts[1]})
        if problems:
            raise ValidationError(problems)
        return choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("key") and "key" not in self.errors:
            self.add_error("key", _("Enter a key, or an English label to suggest one from."))
        field_type = data.get("type")
        if field_type in CHOICE_TYPES and "choices" not in self.errors and not data.get("choices"):
            self.add_error("choices", _("Enter at least one choice, one per line."))
        minimum, maximum = data.get("min"), data.get("max")
        if field_type in NUMBER_TYPES and minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("max", _("The largest number must not be below the smallest."))
        return data

    def field_schema(self, original: dict[str, Any] | None) -> dict[str, Any]:
        """The schema field of this (valid) row. Optional settings left at their default stay as
        ``original`` (the same field in the published form) had them, so an unchanged row gives
        back exactly the published field."""
        data = self.cleaned_data
        field_type = data["type"]
        item: dict[str, Any] = {
            "key": data["key"],
            "type": field_type,
            "label_ko": data["label_ko"],
            "label_en": data["label_en"],
        }
        for name in ("help_ko", "help_en"):
            if data[name] or (original is not None and name in original):
                item[name] = data[name]
        if data["required"] or original is None or "required" in original:
            item["required"] = data["required"]
        if field_type in CHOICE_TYPES:
            item["choices"] = data["choices"]
        for name, types in (("min", NUMBER_TYPES), ("max", NUMBER_TYPES), ("max_length", TEXT_TYPES)):
            if field_type in types and data[name] is not None:
                item[name] = data[name]
        return item


SectionFormSet = forms.formset_factory(
    SectionBuilderForm, extra=0, max_num=MAX_SECTIONS, absolute_max=MAX_SECTIONS, validate_max=True
)
FieldFormSet = forms.formset_factory(
    FieldBuilderForm, extra=0, max_num=MAX_FIELDS_PER_SECTION, absolute_max=MAX_FIELDS_PER_SECTION, validate_max=True
)

BLANK_FIELD: dict[str, Any] = {"type": FieldType.TEXT.value, "required": False}


def _fields_prefix(section_index: int) -> str:
    return f"{SECTIONS_PREFIX}-{section_index}-fields"


# --- State: plain values per row, in order -----------------------------------------------------


@dataclass
class SectionState:
    values: dict[str, Any]
    fields: list[dict[str, Any]]


def _is_blank_field(values: dict[str, Any]) -> bool:
    names = ("key", "label_ko", "label_en", "help_ko", "help_en", "choices", "min", "max", "max_length")
    return not any(_text(str(values.get(name) or "")) for name in names)


def _is_blank_section(section: SectionState) -> bool:
    names = ("key", "title_ko", "title_en", "show_if_field", "show_if_equals")
    return not any(_text(str(section.values.get(name) or "")) for name in names) and all(
        _is_blank_field(values) for values in section.fields
    )


def _choices_text(choices: Any) -> str:
    lines = []
    for choice in choices or []:
        if isinstance(choice, dict):
            value = str(choice.get("value", ""))
            parts = (str(choice.get("label_ko") or value), str(choice.get("label_en") or value), value)
        else:
            parts = (str(choice),) * 3
        lines.append(f" {CHOICE_SEPARATOR} ".join(parts))
    return "\n".join(lines)


def _number_text(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value)


def state_from_schema(schema: Any) -> list[SectionState]:
    """The builder's rows of a schema (the published one, or the JSON editor's)."""
    sections = schema.get("sections") if isinstance(schema, dict) else None
    state = []
    for section in sections if isinstance(sections, list) else []:
        if not isinstance(section, dict):
            continue
        condition: dict[str, Any] = section["show_if"] if isinstance(section.get("show_if"), dict) else {}
        values = {
            "original_key": str(section.get("key") or ""),
            "key": str(section.get("key") or ""),
            "title_ko": str(section.get("title_ko") or ""),
            "title_en": str(section.get("title_en") or ""),
            "show_if_field": str(condition.get("field") or ""),
            "show_if_equals": "" if condition.get("equals") is None else str(condition["equals"]),
        }
        fields = []
        for item in section.get("fields") or []:
            if not isinstance(item, dict):
                continue
            fields.append(
                {
                    "original_key": str(item.get("key") or ""),
                    "key": str(item.get("key") or ""),
                    "type": str(item.get("type") or FieldType.TEXT),
                    "label_ko": str(item.get("label_ko") or ""),
                    "label_en": str(item.get("label_en") or ""),
                    "help_ko": str(item.get("help_ko") or ""),
                    "help_en": str(item.get("help_en") or ""),
                    "required": item.get("required") is True,
                    "choices": _choices_text(item.get("choices")),
                    "min": _number_text(item.get("min")),
                    "max": _number_text(item.get("max")),
                    "max_length": _number_text(item.get("max_length")),
                }
            )
        state.append(SectionState(values, fields))
    return state


def _row_values(form: forms.Form) -> dict[str, Any]:
    return {name: form[name].data for name in form.fields}


def state_from_post(data: QueryDict) -> list[SectionState]:
    """The rows as posted (unchecked). A management form that is missing or tampered with gives
    fewer rows, never an error page."""
    sections = SectionFormSet(data, prefix=SECTIONS_PREFIX)
    if not sections.management_form.is_valid():
        return []
    state = []
    for index, form in enumerate(sections.forms):
        fields = FieldFormSet(data, prefix=_fields_prefix(index))
        rows = [_row_values(row) for row in fields.forms] if fields.management_form.is_valid() else []
        state.append(SectionState(_row_values(form), rows))
    return state


def keys_suggest(state: list[SectionState]) -> None:
    """Fill each empty key from its English label or title (a key the form does not use yet)."""
    taken_fields = {_text(values.get("key")) for section in state for values in section.fields} - {""}
    taken_sections = {_text(section.values.get("key")) for section in state} - {""}
    for section in state:
        title = _text(section.values.get("title_en"))
        if not _text(section.values.get("key")) and title:
            section.values["key"] = key_suggest(title, taken_sections, prefix="section")
            taken_sections.add(section.values["key"])
        for values in section.fields:
            label = _text(values.get("label_en"))
            if not _text(values.get("key")) and label:
                values["key"] = key_suggest(label, taken_fields)
                taken_fields.add(values["key"])


def _state_as_data(state: list[SectionState]) -> QueryDict:
    """The POST that the rows of ``state`` would send, numbered in order."""
    data = QueryDict(mutable=True)

    def put(prefix: str, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if value is True:
                data[f"{prefix}-{name}"] = "on"
            elif value is not None and value is not False:
                data[f"{prefix}-{name}"] = str(value)

    put(SECTIONS_PREFIX, {"TOTAL_FORMS": len(state), "INITIAL_FORMS": len(state)})
    for index, section in enumerate(state):
        put(f"{SECTIONS_PREFIX}-{index}", section.values)
        prefix = _fields_prefix(index)
        put(prefix, {"TOTAL_FORMS": len(section.fields), "INITIAL_FORMS": len(section.fields)})
        for number, values in enumerate(section.fields):
            put(f"{prefix}-{number}", values)
    return data


# --- What the template shows -------------------------------------------------------------------


@dataclass
class RowButton:
    """A submit button of the builder: ``name="op" value="<op>"``; ``context`` says to a screen
    reader which row it acts on."""

    op: str
    label: str
    context: str
    autofocus: bool = False


@dataclass
class FieldRow:
    form: FieldBuilderForm
    number: str
    heading: str
    description: str  # type and whether required, next to the heading while the row is folded
    is_new: bool  # not in the published form: shown unfolded
    buttons: list[RowButton]


@dataclass
class SectionRow:
    form: SectionBuilderForm
    formset: Any
    number: int
    heading: str
    buttons: list[RowButton]
    add_field: RowButton
    fields: list[FieldRow] = field(default_factory=list)


@dataclass
class ErrorLink:
    target_id: str
    text: str


class FormBuilder:
    """The rows of the builder, as formsets, ready to render; ``schema()`` checks them and gives the
    schema, ``add_service_errors`` shows the service's refusal on them.

    ``base`` is the published schema: an unchanged row gives back exactly its published item.
    """

    def __init__(
        self, state: list[SectionState], *, base: Any, is_bound: bool, focus: str = "", status: str = ""
    ) -> None:
        self.state = state
        self.base = base
        self.focus = focus
        self.status = status
        self.non_row_errors: list[str] = []
        self._base_sections, self._base_fields = _originals(base)
        field_options = [
            (key, f"{in_language(_text(values.get('label_ko')), _text(values.get('label_en')))} ({key})")
            for section in state
            for values in section.fields
            if (key := _text(values.get("key")))
        ]
        keys = {key for key, _label in field_options}
        data = _state_as_data(state) if is_bound else None
        self.choice_values = sorted(
            {
                choice.split(CHOICE_SEPARATOR)[-1].strip()
                for section in state
                for values in section.fields
                if values.get("type") in CHOICE_TYPES
                for choice in str(values.get("choices") or "").splitlines()
                if choice.count(CHOICE_SEPARATOR) == 2
            }
            - {""}
        )
        self.sections_formset = SectionFormSet(
            data,
            prefix=SECTIONS_PREFIX,
            initial=None if is_bound else [section.values for section in state],
            form_kwargs={"field_options": field_options},
        )
        self.add_section = RowButton("add-section", _("Add a section"), "")
        self.sections: list[SectionRow] = []
        for index, form in enumerate(self.sections_formset.forms):
            posted_condition = _text(state[index].values.get("show_if_field"))
            if posted_condition and posted_condition not in keys:  # a renamed or removed field: keep it, say why
                form.fields["show_if_field"].choices = [  # type: ignore[attr-defined]
                    *form.fields["show_if_field"].choices,  # type: ignore[attr-defined]
                    (posted_condition, _("%(key)s (no such field)") % {"key": posted_condition}),
                ]
            formset = FieldFormSet(
                data,
                prefix=_fields_prefix(index),
                initial=None if is_bound else state[index].fields,
            )
            self.sections.append(self._section_row(index, form, formset))
        self._autofocus()

    # -- construction

    @classmethod
    def from_schema(cls, schema: Any, *, base: Any) -> FormBuilder:
        return cls(state_from_schema(schema), base=base, is_bound=False)

    @classmethod
    def from_post(cls, data: QueryDict, *, base: Any) -> FormBuilder:
        """The posted rows with empty keys suggested, bound (to be checked)."""
        state = state_from_post(data)
        keys_suggest(state)
        return cls(state, base=base, is_bound=True)

    def _section_row(self, index: int, form: SectionBuilderForm, formset: Any) -> SectionRow:
        number = index + 1
        heading = _("Section %(number)s") % {"number": number}
        title = in_language(
            _text(self.state[index].values.get("title_ko")), _text(self.state[index].values.get("title_en"))
        )
        context = f"{heading}: {title}" if title else heading
        buttons = []
        if index > 0:
            buttons.append(RowButton(f"section-up:{index}", _("Move section up"), context))
        if index < len(self.state) - 1:
            buttons.append(RowButton(f"section-down:{index}", _("Move section down"), context))
        buttons.append(RowButton(f"remove-section:{index}", _("Remove section"), context))
        row = SectionRow(
            form=form,
            formset=formset,
            number=number,
            heading=f"{heading}: {title}" if title else heading,
            buttons=buttons,
            add_field=RowButton(f"add-field:{index}", _("Add a question to this section"), context),
        )
        last_section = len(self.state) - 1
        for position, field_form in enumerate(formset.forms):
            values = self.state[index].fields[position]
            field_number = f"{number}.{position + 1}"
            field_heading = _("Question %(number)s") % {"number": field_number}
            label = in_language(_text(values.get("label_ko")), _text(values.get("label_en")))
            field_type = values.get("type")
            description = str(FieldType(field_type).label) if field_type in FieldType.values else str(field_type)
            if values.get("required"):
                description = _("%(type)s, required") % {"type": description}
            field_context = f"{field_heading}: {label}" if label else field_heading
            field_buttons = []
            if position > 0 or index > 0:
                field_buttons.append(RowButton(f"field-up:{index}:{position}", _("Move up"), field_context))
            if position < len(formset.forms) - 1 or index < last_section:
                field_buttons.append(RowButton(f"field-down:{index}:{position}", _("Move down"), field_context))
            field_buttons.append(RowButton(f"remove-field:{index}:{position}", _("Remove"), field_context))
            is_new = not _text(values.get("original_key"))
            row.fields.append(FieldRow(field_form, field_number, field_context, description, is_new, field_buttons))
        return row

    def _autofocus(self) -> None:
        """Put ``autofocus`` on the input or button named by ``self.focus`` (htmx and browsers move
        the keyboard focus there, so that it stays where the official was working)."""
        if not self.focus:
            return
        kind, _sep, target = self.focus.partition(":")
        if kind == "input":
            for section in self.sections:
                for form in (section.form, *(row.form for row in section.fields)):
                    for name in form.fields:
                        if form[name].auto_id == target:
                            form.fields[name].widget.attrs["autofocus"] = True
                            return
            return
        buttons = {self.add_section.op: self.add_section}
        for section in self.sections:
            for button in (*section.buttons, section.add_field, *(b for row in section.fields for b in row.buttons)):
                buttons[button.op] = button
        for op in target.split("|"):
            if op in buttons:
                buttons[op].autofocus = True
                return

    # -- the buttons

    def apply(self, op: str) -> FormBuilder:
        """The builder after the button ``op`` (unbound: no errors shown). An unknown or stale op
        changes nothing."""
        state = [
            SectionState(dict(section.values), [dict(values) for values in section.fields]) for section in self.state
        ]
        name, _sep, rest = op.partition(":")
        try:
            numbers = [int(part) for part in rest.split(":")] if rest else []
        except ValueError:
            numbers = []
        focus, status = _move(state, name, numbers)
        return FormBuilder(state, base=self.base, is_bound=False, focus=focus, status=status)

    # -- checking

    def rows_without_blanks(self) -> FormBuilder:
        """The same builder, bound, without the rows left empty (a question added and not filled in)."""
        state = []
        for section in self.state:
            if _is_blank_section(section):
                continue
            state.append(
                SectionState(section.values, [values for values in section.fields if not _is_blank_field(values)])
            )
        return FormBuilder(state, base=self.base, is_bound=True)

    def schema(self) -> dict[str, Any] | None:
        """The schema of the rows, or None when a row is not valid (its errors are on the row).
        Call on ``rows_without_blanks()``. The service checks the schema again, whole."""
        is_valid = self.sections_formset.is_valid()
        for section in self.sections:
            is_valid = section.formset.is_valid() and is_valid
        if not is_valid:
            return None
        sections = []
        for section in self.sections:
            data = section.form.cleaned_data
            original = self._base_sections.get(_text(data.get("original_key")))
            item: dict[str, Any] = {"key": data["key"], "title_ko": data["title_ko"], "title_en": data["title_en"]}
            condition = None
            if data["show_if_field"]:
                equals: Any = data["show_if_equals"]
                old = original.get("show_if") if original else None
                if (
                    isinstance(old, dict)
                    and old.get("field") == data["show_if_field"]
                    and str(old.get("equals")) == equals
                ):
                    equals = old.get("equals")  # a number or true/false written in JSON stays so
                condition = {"field": data["show_if_field"], "equals": equals}
            if condition is not None or original is None or "show_if" in original:
                item["show_if"] = condition
            item["fields"] = [
                row.form.field_schema(self._base_fields.get(_text(row.form.cleaned_data.get("original_key"))))
                for row in section.fields
            ]
            sections.append(item)
        return {"sections": sections}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's refusal of ``schema()`` on the rows it names (through
        ``service_errors_to_form``); a message without a place goes above the builder."""
        messages = error.messages
        field_keys = [_text(values.get("key")) for section in self.state for values in section.fields]
        for message in messages:
            place = SERVICE_PLACE.match(message)
            section_index = int(place.group(1)) if place else -1
            if not place or section_index >= len(self.sections):
                self.non_row_errors.append(message)
                continue
            section = self.sections[section_index]
            text = message[place.end() :]
            if place.group(2) is not None:
                position = int(place.group(2))
                if position >= len(section.fields):
                    self.non_row_errors.append(message)
                    continue
                form: forms.Form = section.fields[position].form
                key = _text(form.cleaned_data.get("key")) if hasattr(form, "cleaned_data") else ""
                if place.group(3):
                    name = "choices"
                elif key and field_keys.count(key) > 1:
                    name = "key"
                else:
                    name = ""
            else:
                form = section.form
                values = self.state[section_index].values
                if place.group(3) == ".show_if":
                    name = "show_if_equals" if _text(values.get("show_if_field")) in field_keys else "show_if_field"
                elif (
                    section.fields
                    and [_text(s.values.get("key")) for s in self.state].count(_text(values.get("key"))) > 1
                ):
                    name = "key"
                else:
                    name = ""
            service_errors_to_form(form, ValidationError({name: [text]} if name else [text]))

    # -- showing

    @property
    def errors(self) -> list[ErrorLink]:
        """Every error of the builder, each with the input it is about (for the summary on top)."""
        links = [ErrorLink("form-builder", message) for message in self.non_row_errors]
        for error in self.sections_formset.non_form_errors():
            links.append(ErrorLink("form-builder", str(error)))
        for section in self.sections:
            rows: list[tuple[str, forms.Form]] = [(section.heading, section.form)]
            rows += [(row.heading, row.form) for row in section.fields]
            for error in section.formset.non_form_errors():
                links.append(ErrorLink(section.form["title_ko"].auto_id, f"{section.heading}: {error}"))
            for heading, form in rows:
                if not form.is_bound:
                    continue
                first_input = next(name for name in form.fields if name != "original_key")
                for error in form.non_field_errors():
                    links.append(ErrorLink(form[first_input].auto_id, f"{heading}: {error}"))
                for name in form.fields:
                    for error in form[name].errors:
                        links.append(ErrorLink(form[name].id_for_label, f"{heading} – {form[name].label}: {error}"))
        return links


def _originals(schema: Any) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    sections: dict[str, dict[str, Any]] = {}
    fields: dict[str, dict[str, Any]] = {}
    for section in (schema.get("sections") if isinstance(schema, dict) else None) or []:
        if isinstance(section, dict) and isinstance(section.get("key"), str):
            sections.setdefault(section["key"], section)
            for item in section.get("fields") or []:
                if isinstance(item, dict) and isinstance(item.get("key"), str):
                    fields.setdefault(item["key"], item)
    return sections, fields


def _move(state: list[SectionState], name: str, numbers: list[int]) -> tuple[str, str]:
    """Apply one button to ``state`` in place; return what gets the focus and a status message."""
    section_count = len(state)
    if name == "add-section" and section_count < MAX_SECTIONS:
        state.append(SectionState({}, [dict(BLANK_FIELD)]))
        return f"input:id_{SECTIONS_PREFIX}-{section_count}-title_ko", _("A section was added at the end.")
    if not numbers or not 0 <= numbers[0] < section_count:
        return "", ""
    index = numbers[0]
    fields = state[index].fields
    if name == "add-field" and len(fields) < MAX_FIELDS_PER_SECTION:
        fields.append(dict(BLANK_FIELD))
        return (
            f"input:id_{_fields_prefix(index)}-{len(fields) - 1}-label_ko",
            _("A question was added at the end of section %(number)s.") % {"number": index + 1},
        )
    if name == "remove-section":
        del state[index]
        return "button:add-section", _("Section %(number)s was removed. Nothing is stored until you publish.") % {
            "number": index + 1
        }
    if name == "section-up" and index > 0:
        state[index - 1], state[index] = state[index], state[index - 1]
        return _focus_first(f"section-up:{index - 1}", f"section-down:{index - 1}"), _moved((index,), (index - 1,))
    if name == "section-down" and index < section_count - 1:
        state[index], state[index + 1] = state[index + 1], state[index]
        return _focus_first(f"section-down:{index + 1}", f"section-up:{index + 1}"), _moved((index,), (index + 1,))
    if len(numbers) < 2 or not 0 <= numbers[1] < len(fields):
        return "", ""
    position = numbers[1]
    if name == "remove-field":
        del fields[position]
        return f"button:add-field:{index}", _(
            "Question %(number)s was removed. Nothing is stored until you publish."
        ) % {"number": f"{index + 1}.{position + 1}"}
    if name == "field-up":
        if position > 0:
            fields[position - 1], fields[position] = fields[position], fields[position - 1]
            return _focus_first(f"field-up:{index}:{position - 1}", f"field-down:{index}:{position - 1}"), _moved(
                (index, position), (index, position - 1)
            )
        if index > 0:
            state[index - 1].fields.append(fields.pop(position))
            new_position = len(state[index - 1].fields) - 1
            return _focus_first(f"field-up:{index - 1}:{new_position}", f"field-down:{index - 1}:{new_position}"), _(
                "The question moved to the end of section %(number)s."
            ) % {"number": index}
    if name == "field-down":
        if position < len(fields) - 1:
            fields[position], fields[position + 1] = fields[position + 1], fields[position]
            return _focus_first(f"field-down:{index}:{position + 1}", f"field-up:{index}:{position + 1}"), _moved(
                (index, position), (index, position + 1)
            )
        if index < section_count - 1:
            state[index + 1].fields.insert(0, fields.pop(position))
            return _focus_first(f"field-down:{index + 1}:0", f"field-up:{index + 1}:0"), _(
                "The question moved to the start of section %(number)s."
            ) % {"number": index + 2}
    return "", ""


def _moved(before: tuple[int, ...], after: tuple[int, ...]) -> str:
    """The status after a move: ``(section,)`` or ``(section, position)``, counted from 0."""
    if len(before) == 1:
        return _("Section %(before)s is now section %(after)s.") % {"before": before[0] + 1, "after": after[0] + 1}
    return _("Question %(before)s is now question %(after)s.") % {
        "before": ".".join(str(number + 1) for number in before),
        "after": ".".join(str(number + 1) for number in after),
    }


def _focus_first(*ops: str) -> str:
    """Several candidate buttons for the focus, the first that exists wins (``FormBuilder._autofocus``)."""
    return "button:" + "|".join(ops)
