"""Writes to programs and calls. Each service checks the permission, validates everything (raising a
``ValidationError`` that names every bad field, with nothing stored), writes and records an audit
event atomically."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from foster.accounts.models import Agency
from foster.core.services import audit_event_record, field_changes, fields_save, jsonable_values
from foster.engines.eligibility import RuleDataError, rules_from_data, rules_to_data
from foster.engines.eligibility.rules import MAX_YEARS
from foster.programs.choices import DocumentKind, FieldType, PolicyTag, ProgramType
from foster.programs.models import (
    CALL_NOTIFICATION_KINDS,
    ApplicationForm,
    Call,
    Program,
    Rubric,
    call_notification_field,
)
from foster.registry import ksic
from foster.registry.choices import Region, SizeClass

KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_REVIEWERS_PER_APPLICATION = 15
CALL_YEARS = (2000, 2100)  # the years a call's dates may fall in
MAX_AMOUNT_KRW = 9_223_372_036_854_775_807  # the largest value the amount columns hold


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _code(value: Any, *, max_length: int) -> str:
    code = _text(value).lower()
    if not code:
        raise ValidationError(_("Enter a code."))
    try:
        validate_slug(code)
    except ValidationError:
        raise ValidationError(_("Use only lower-case letters, digits, hyphens and underscores.")) from None
    if len(code) > max_length:
        raise ValidationError(_("Use at most %(count)s characters.") % {"count": max_length})
    return code


def _is_whole_number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class _Errors:
    """Collects messages per field; ``raise_if_any`` raises them all at once."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, []).append(message)

    def check(self, name: str, cleaned: dict[str, Any], func: Any) -> None:
        try:
            cleaned[name] = func()
        except ValidationError as error:
            self.messages.setdefault(name, []).extend(error.messages)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


# --- Programs ---------------------------------------------------------------------------------


@dataclass
class ProgramData:
    """Everything needed to create or update a program; validated by ``validate()``."""

    code: str
    name_ko: str
    name_en: str
    program_type: str
    policy_tags: list[str] = field(default_factory=list)
    description_ko: str = ""
    description_en: str = ""
    private_matching_ratio: Decimal | None = None

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned: dict[str, Any] = {}
        errors.check("code", cleaned, lambda: _code(self.code, max_length=40))
        for name in ("name_ko", "name_en"):
            text = _text(getattr(self, name))
            if not text:
                errors.add(name, _("Enter the Korean name.") if name == "name_ko" else _("Enter the English name."))
            elif len(text) > 200:
                errors.add(name, _("Use at most %(count)s characters.") % {"count": 200})
            cleaned[name] = text
        if self.program_type not in ProgramType.values:
            errors.add("program_type", _("Choose a program type."))
        cleaned["program_type"] = self.program_type
        tags = list(dict.fromkeys(self.policy_tags or []))
        if any(tag not in PolicyTag.values for tag in tags):
            errors.add("policy_tags", _("Choose policy tags from the list."))
        cleaned["policy_tags"] = tags
        cleaned["description_ko"] = _text(self.description_ko)
        cleaned["description_en"] = _text(self.description_en)
        ratio = self.private_matching_ratio
        if ratio is not None:
            try:
                ratio = Decimal(ratio)
            except (InvalidOperation, TypeError, ValueError):
                ratio = Decimal(-1)
            if not (Decimal(0) < ratio <= Decimal("100")) or ratio.as_tuple().exponent < -2:  # type: ignore[operator]
                errors.add(
                    "private_matching_ratio",
                    _("Enter the private investment per won of public funds, above 0 and at most 100, e.g. 0.5."),
                )
        elif self.program_type == ProgramType.HIGH_RISK_RND:
            errors.add(
                "private_matching_ratio",
                _("High-risk R&D is matched by private investment: enter the required ratio, e.g. 0.5."),
            )
        cleaned["private_matching_ratio"] = ratio
        errors.raise_if_any()
        return cleaned


def _code_taken(model: type[Program] | type[Call], code: str, exclude_pk: int | None = None) -> bool:
    taken = model.objects.filter(code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


@transaction.atomic
def program_create(*, user: Any, agency: Agency, data: ProgramData) -> Program:
    """Create a program of ``agency``; only that agency's officials may."""
    if not user.has_perm("programs.add_program", agency):
        raise PermissionDenied(_("You may create programs only for your own agency."))
    cleaned = data.validate()
    if _code_taken(Program, cleaned["code"]):
        raise ValidationError({"code": [_("Another program already uses this code.")]})
    program = Program.objects.create(agency=agency, **cleaned)
    audit_event_record(
        actor=user,
        action="program.create",
        target=program,
        changes=jsonable_values(cleaned),
    )
    return program


@transaction.atomic
def program_update(*, user: Any, program: Program, data: ProgramData) -> Program:
    """Change a program; the audit event lists each changed field, before and after."""
    if not user.has_perm("programs.change_program", program):
        raise PermissionDenied(_("You may change only your own agency's programs."))
    cleaned = data.validate()
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if cleaned["code"] != locked.code and _code_taken(Program, cleaned["code"], exclude_pk=locked.pk):
        raise ValidationError({"code": [_("Another program already uses this code.")]})
    changes = field_changes(locked, cleaned)
    if changes:
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        audit_event_record(actor=user, action="program.update", target=locked, changes=changes)
    return locked


def program_data_from(program: Program) -> ProgramData:
    """The editable data of an existing program (for forms and partial API updates)."""
    return ProgramData(
        code=program.code,
        name_ko=program.name_ko,
        name_en=program.name_en,
        program_type=program.program_type,
        policy_tags=list(program.policy_tags or []),
        description_ko=program.description_ko,
        description_en=program.description_en,
        private_matching_ratio=program.private_matching_ratio,
    )


# --- Rubrics ----------------------------------------------------------------------------------


def rubric_criteria_validate(criteria: Any) -> list[dict[str, Any]]:
    """Clean rubric criteria (``Rubric.criteria`` format) or raise a ValidationError listing each problem."""
    if not isinstance(criteria, list) or not criteria:
        raise ValidationError(_("Add at least one scoring criterion."))
    problems: list[str] = []
    cleaned: list[dict[str, Any]] = []
    keys: set[str] = set()
    for number, item in enumerate(criteria, start=1):
        if not isinstance(item, dict):
            problems.append(_("Criterion %(number)s: expected an object.") % {"number": number})
            continue
        where = {"number": number}
        key = _text(item.get("key"))
        if not KEY.fullmatch(key):
            problems.append(
                _("Criterion %(number)s: the key must start with a lower-case letter and use only a-z, 0-9 and _.")
                % where
            )
        elif key in keys:
            problems.append(_("Criterion %(number)s: the key %(key)s is used twice.") % {**where, "key": key})
        keys.add(key)
        label_ko, label_en = _text(item.get("label_ko")), _text(item.get("label_en"))
        if not label_ko:
            problems.append(_("Criterion %(number)s: enter the Korean label.") % where)
        if not label_en:
            problems.append(_("Criterion %(number)s: enter the English label.") % where)
        weight = item.get("weight")
        try:
            weight_number = Decimal(str(weight))
        except (InvalidOperation, ValueError):
            weight_number = Decimal(0)
        if isinstance(weight, bool) or not weight_number.is_finite() or weight_number <= 0:
            problems.append(_("Criterion %(number)s: the weight must be a number above 0.") % where)
        scale_min, scale_max = item.get("scale_min"), item.get("scale_max")
        if not (_is_whole_number(scale_min) and _is_whole_number(scale_max)):
            problems.append(_("Criterion %(number)s: the scale needs a whole-number minimum and maximum.") % where)
        elif int(scale_max) <= int(scale_min):
            problems.append(_("Criterion %(number)s: the scale maximum must be above its minimum.") % where)
        cleaned.append(
            {
                "key": key,
                "label_ko": label_ko,
                "label_en": label_en,
                "weight": float(weight_number) if weight_number.is_finite() else 0.0,
                "scale_min": scale_min,
                "scale_max": scale_max,
            }
        )
    if problems:
        raise ValidationError(problems)
    return cleaned


# --- Eligibility rules ------------------------------------------------------------------------


# Each rule kind's code-set parameters, with the values officials may choose.
RULE_CODE_CHOICES: dict[str, dict[str, Callable[[], Iterable[str]]]] = {
    "size_class_in": {"size_classes": lambda: SizeClass.values},
    "region_in": {"regions": lambda: Region.values},
    "sector_in": {"sections": ksic.sections, "divisions": ksic.divisions},
    "required_documents": {"document_kinds": lambda: DocumentKind.values},
}


def eligibility_rules_validate(data: Any) -> dict[str, Any]:
    """Clean eligibility rules given in the engine's JSON format, or raise a ValidationError.

    Messages are keyed by rule kind (``size_class_in``, ``company_age_at_most``, ...) and say in
    words what is wrong; anything else the engine refuses is reported under ``eligibility_rules``.
    Returns the engine's canonical JSON data (sorted code lists).
    """
    if data in (None, [], {}):
        return rules_to_data(())
    errors = _Errors()
    items = data.get("rules") if isinstance(data, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind = item.get("kind")
        code_sets = RULE_CODE_CHOICES.get(str(kind), {})
        for name, value in item.items():
            if name not in code_sets or not isinstance(value, list):
                continue
            allowed = frozenset(code_sets[name]())
            unknown = sorted(str(code) for code in value if code not in allowed)
            if unknown:
                errors.add(str(kind), _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
        if code_sets and not any(item.get(name) for name in code_sets):
            message = (
                _("Choose at least one industry section or division, or switch the rule off.")
                if kind == "sector_in"
                else _("Choose at least one value, or switch the rule off.")
            )
            errors.add(str(kind), message)
        if kind == "company_age_at_most":
            years = item.get("years")
            if not _is_whole_number(years) or not 0 <= years <= MAX_YEARS:
                errors.add(kind, _("Enter a whole number of years from 0 to %(max)s.") % {"max": MAX_YEARS})
    errors.raise_if_any()
    try:
        rules = rules_from_data(data)
    except RuleDataError as error:
        message = _("The rules could not be read: %(error)s") % {"error": error}
        raise ValidationError({"eligibility_rules": [message]}) from None
    return rules_to_data(rules)


@transaction.atomic
def call_rules_update(*, user: Any, call: Call, rules: Any, reason: str = "") -> Call:
    """Replace the call's eligibility rules (engine JSON format, validated as in ``eligibility_rules_validate``)."""
    if not user.has_perm("programs.change_call", call):
        raise PermissionDenied(_("You may change only your own agency's calls."))
    cleaned = eligibility_rules_validate(rules)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    before = locked.eligibility_rules
    if before != cleaned:
        locked.eligibility_rules = cleaned
        locked.save(update_fields=["eligibility_rules"])
        audit_event_record(
            actor=user, action="call.rules_update", target=locked, reason=reason, changes={"rules": [before, cleaned]}
        )
    return locked


# --- Notifications of a call -------------------------------------------------------------------


def call_notifications_validate(data: Any) -> dict[str, bool]:
    """Clean ``{kind: sent}`` switches of a call's notifications (some or all of
    ``CALL_NOTIFICATION_KINDS``) into ``{field name: sent}``, or raise a ValidationError under
    ``notifications`` naming each unknown kind and each value that is not true or false."""
    if not isinstance(data, dict):
        raise ValidationError({"notifications": [_("Give true or false for each kind of notification.")]})
    problems: list[str] = []
    unknown = sorted(str(kind) for kind in data if kind not in CALL_NOTIFICATION_KINDS)
    if unknown:
        problems.append(
            _("Unknown kind(s) of notification: %(kinds)s; use %(known)s.")
            % {"kinds": ", ".join(unknown), "known": ", ".join(CALL_NOTIFICATION_KINDS)}
        )
    not_boolean = sorted(str(kind) for kind, value in data.items() if not isinstance(value, bool))
    if not_boolean:
        problems.append(_("Give true or false for: %(kinds)s.") % {"kinds": ", ".join(not_boolean)})
    if problems:
        raise ValidationError({"notifications": problems})
    return {call_notification_field(kind): value for kind, value in data.items()}


@transaction.atomic
def call_notifications_update(*, user: Any, call: Call, notifications: dict[str, bool], reason: str = "") -> Call:
    """Switch the call's notifications on or off: ``{kind: sent}`` for some or all of
    ``CALL_NOTIFICATION_KINDS`` (kinds not given stay as they are). Only the call's agency's
    officials may; the audit event lists each switch changed. Takes a row lock on the call."""
    if not user.has_perm("programs.change_call", call):
        raise PermissionDenied(_("You may change only your own agency's calls."))
    cleaned = call_notifications_validate(notifications)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    changes = fields_save(locked, cleaned)
    if changes:
        audit_event_record(
            actor=user, action="call.notifications_update", target=locked, reason=reason, changes=changes
        )
    return locked


# --- Calls ------------------------------------------------------------------------------------


@dataclass
class CallData:
    """Everything needed to create or update a call; validated by ``validate()``.

    Times are timezone-aware (forms read them in Asia/Seoul); amounts are whole won.
    ``eligibility_rules`` None leaves the rules as they are; ``notifications`` (``{kind: sent}``,
    as in ``call_notifications_update``) None or a kind left out leaves that switch as it is.
    """

    code: str
    title_ko: str
    title_en: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    budget_krw: int | None
    max_award_krw: int | None
    rubric_criteria: list[dict[str, Any]]
    summary_ko: str = ""
    summary_en: str = ""
    review_deadline: dt.datetime | None = None
    reviewers_per_application: int = 3
    eligibility_rules: Any = None
    notifications: Any = None

    def validate(self) -> dict[str, Any]:
        errors = _Errors()
        cleaned: dict[str, Any] = {}
        errors.check("code", cleaned, lambda: _code(self.code, max_length=60))
        cleaned["title_ko"] = _text(self.title_ko)
        cleaned["title_en"] = _text(self.title_en)
        if not cleaned["title_ko"]:
            errors.add("title_ko", _("Enter the Korean title."))
        if not cleaned["title_en"]:
            errors.add("title_en", _("Enter the English title."))
        for name in ("title_ko", "title_en"):
            if len(cleaned[name]) > 200:
                errors.add(name, _("Use at most %(count)s characters.") % {"count": 200})
        cleaned["summary_ko"] = _text(self.summary_ko)
        cleaned["summary_en"] = _text(self.summary_en)
        for name in ("opens_at", "closes_at", "review_deadline"):
            value = getattr(self, name)
            if value is None and name == "review_deadline":
                cleaned[name] = None
            elif not isinstance(value, dt.datetime) or value.tzinfo is None:
                errors.add(name, _("Enter a date and time (Asia/Seoul)."))
            elif not CALL_YEARS[0] <= value.year <= CALL_YEARS[1]:
                # A call of the year 1177 is a typing slip, and Seoul's offset then was not whole minutes.
                errors.add(
                    name,
                    _("Enter a date between the years %(first)s and %(last)s.")
                    % {"first": CALL_YEARS[0], "last": CALL_YEARS[1]},
                )
            else:
                cleaned[name] = value
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            errors.add("closes_at", _("The call must close after it opens."))
        deadline = cleaned.get("review_deadline")
        if deadline and closes_at and deadline <= closes_at:
            errors.add("review_deadline", _("The review deadline must come after the call closes."))
        for name in ("budget_krw", "max_award_krw"):
            value = getattr(self, name)
            if not _is_whole_number(value) or not 0 < value <= MAX_AMOUNT_KRW:
                errors.add(name, _("Enter a whole number of won above zero."))
            else:
                cleaned[name] = value
        budget, max_award = cleaned.get("budget_krw"), cleaned.get("max_award_krw")
        if budget and max_award and max_award > budget:
            errors.add("max_award_krw", _("The maximum award cannot exceed the budget."))
        reviewers = self.reviewers_per_application
        if not _is_whole_number(reviewers) or not 1 <= reviewers <= MAX_REVIEWERS_PER_APPLICATION:
            errors.add(
                "reviewers_per_application",
                _("Enter a whole number of reviewers from 1 to %(max)s.") % {"max": MAX_REVIEWERS_PER_APPLICATION},
            )
        cleaned["reviewers_per_application"] = reviewers
        errors.check("rubric_criteria", cleaned, lambda: rubric_criteria_validate(self.rubric_criteria))
        if self.eligibility_rules is not None:
            try:
                cleaned["eligibility_rules"] = eligibility_rules_validate(self.eligibility_rules)
            except ValidationError as error:
                for kind, messages in error.message_dict.items():
                    for message in messages:
                        errors.add(
                            "eligibility_rules", message if kind == "eligibility_rules" else f"{kind}: {message}"
                        )
        if self.notifications is not None:
            try:
                cleaned.update(call_notifications_validate(self.notifications))
            except ValidationError as error:
                for message in error.message_dict["notifications"]:
                    errors.add("notifications", message)
        errors.raise_if_any()
        return cleaned


def _rubric_name(call_code: str) -> str:
    return _("Rubric of %(call)s") % {"call": call_code}


@transaction.atomic
def call_create(*, user: Any, program: Program, data: CallData) -> Call:
    """Create a call (round) of ``program`` with its rubric; only the program's agency's officials may."""
    if not user.has_perm("programs.add_call", program):
        raise PermissionDenied(_("You may create calls only for your own agency's programs."))
    cleaned = data.validate()
    if _code_taken(Call, cleaned["code"]):
        raise ValidationError({"code": [_("Another call already uses this code.")]})
    criteria = cleaned.pop("rubric_criteria")
    rubric = Rubric.objects.create(name=_rubric_name(cleaned["code"]), criteria=criteria)
    call = Call.objects.create(program=program, rubric=rubric, created_by=user, **cleaned)
    audit_event_record(
        actor=user,
        action="call.create",
        target=call,
        changes=jsonable_values({**cleaned, "rubric": criteria}),
    )
    return call


@transaction.atomic
def call_update(*, user: Any, call: Call, data: CallData, reason: str = "") -> Call:
    """Change a call's schedule, money, reviewers, rubric (and rules when given).

    A rubric shared with another call is copied rather than changed under that call.
    """
    if not user.has_perm("programs.change_call", call):
        raise PermissionDenied(_("You may change only your own agency's calls."))
    cleaned = data.validate()
    locked = Call.objects.select_for_update(of=("self",)).select_related("rubric").get(pk=call.pk)
    if cleaned["code"] != locked.code and _code_taken(Call, cleaned["code"], exclude_pk=locked.pk):
        raise ValidationError({"code": [_("Another call already uses this code.")]})
    criteria = cleaned.pop("rubric_criteria")
    changes = field_changes(locked, cleaned)
    rubric = locked.rubric
    if rubric is None or rubric.criteria != criteria:
        changes["rubric"] = [rubric.criteria if rubric else None, criteria]
        if rubric is not None and not rubric.calls.exclude(pk=locked.pk).exists():
            rubric.criteria = criteria
            rubric.save(update_fields=["criteria"])
        else:
            locked.rubric = Rubric.objects.create(name=_rubric_name(cleaned["code"]), criteria=criteria)
    if changes:
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        audit_event_record(actor=user, action="call.update", target=locked, reason=reason, changes=changes)
    return locked


def call_data_from(call: Call) -> CallData:
    """The editable data of an existing call (for forms and partial API updates)."""
    return CallData(
        code=call.code,
        title_ko=call.title_ko,
        title_en=call.title_en,
        summary_ko=call.summary_ko,
        summary_en=call.summary_en,
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        review_deadline=call.review_deadline,
        budget_krw=call.budget_krw,
        max_award_krw=call.max_award_krw,
        reviewers_per_application=call.reviewers_per_application,
        rubric_criteria=list(call.rubric.criteria) if call.rubric else [],
    )


# --- Application forms ------------------------------------------------------------------------

SECTION_KEYS = frozenset({"key", "title_ko", "title_en", "show_if", "fields"})
FIELD_KEYS = frozenset(
    {"key", "type", "label_ko", "label_en", "help_ko", "help_en", "required", "choices", "min", "max", "max_length"}
)
CHOICE_TYPES = frozenset({FieldType.CHOICE, FieldType.MULTI_CHOICE})
NUMBER_TYPES = frozenset({FieldType.NUMBER, FieldType.MONEY})
TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT})


def _field_problems(item: Any, where: str, keys: set[str]) -> tuple[list[str], dict[str, Any]]:
    problems: list[str] = []
    w = {"where": where}
    if not isinstance(item, dict):
        return [_("%(where)s: expected an object.") % w], {}
    unknown = sorted(set(item) - FIELD_KEYS)
    if unknown:
        problems.append(_("%(where)s: unknown setting(s) %(names)s.") % {**w, "names": ", ".join(unknown)})
    key = item.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        problems.append(
            _("%(where)s: the key must start with a lower-case letter and use only a-z, 0-9 and _ (at most 64).") % w
        )
    elif key in keys:
        problems.append(_("%(where)s: the key %(key)s is used twice in the form.") % {**w, "key": key})
    else:
        keys.add(key)
    field_type = item.get("type")
    if field_type not in FieldType.values:
        problems.append(
            _("%(where)s: unknown field type %(type)s; use one of %(types)s.")
            % {**w, "type": repr(field_type), "types": ", ".join(FieldType.values)}
        )
    if not _text(item.get("label_ko")):
        problems.append(_("%(where)s: enter the Korean label (label_ko).") % w)
    if not _text(item.get("label_en")):
        problems.append(_("%(where)s: enter the English label (label_en).") % w)
    for name in ("help_ko", "help_en"):
        if name in item and not isinstance(item[name], str):
            problems.append(_("%(where)s: %(name)s must be text.") % {**w, "name": name})
    if "required" in item and not isinstance(item["required"], bool):
        problems.append(_("%(where)s: required must be true or false.") % w)
    choices = item.get("choices")
    if field_type in CHOICE_TYPES:
        if not isinstance(choices, list) or not choices:
            problems.append(_("%(where)s: a choice field needs a list of choices.") % w)
        else:
            values: set[str] = set()
            for number, choice in enumerate(choices):
                choice_where = {"where": f"{where}.choices[{number}]"}
                if not isinstance(choice, dict) or not isinstance(choice.get("value"), str) or not choice["value"]:
                    problems.append(_("%(where)s: each choice needs a value.") % choice_where)
                    continue
                if choice["value"] in values:
                    problems.append(
                        _("%(where)s: the value %(value)s is used twice.") % {**choice_where, "value": choice["value"]}
                    )
                values.add(choice["value"])
                if not _text(choice.get("label_ko")) or not _text(choice.get("label_en")):
                    problems.append(_("%(where)s: each choice needs a Korean and an English label.") % choice_where)
    elif choices is not None:
        problems.append(_("%(where)s: only choice fields have choices.") % w)
    for name in ("min", "max"):
        if name in item and (field_type not in NUMBER_TYPES or not _is_whole_number(item[name])):
            problems.append(
                _("%(where)s: %(name)s must be a whole number on a number or money field.") % {**w, "name": name}
            )
    if _is_whole_number(item.get("min")) and _is_whole_number(item.get("max")) and item["min"] > item["max"]:
        problems.append(_("%(where)s: min must not be above max.") % w)
    if "max_length" in item and (
        field_type not in TEXT_TYPES or not _is_whole_number(item["max_length"]) or item["max_length"] < 1
    ):
        problems.append(_("%(where)s: max_length must be a positive whole number on a text field.") % w)
    return problems, item


def form_schema_validate(schema: Any) -> dict[str, Any]:
    """Check an application form schema (``ApplicationForm`` docstring) and return it, or raise a
    ValidationError under ``schema`` listing every problem with its place (``sections[0].fields[2]``)."""
    problems: list[str] = []
    if not isinstance(schema, dict) or not isinstance(schema.get("sections"), list) or not schema["sections"]:
        raise ValidationError({"schema": [_("The form needs a list of sections with at least one section.")]})
    unknown_top = sorted(set(schema) - {"sections"})
    if unknown_top:
        problems.append(_("Unknown top-level setting(s): %(names)s.") % {"names": ", ".join(unknown_top)})
    section_keys: set[str] = set()
    field_keys: set[str] = set()
    fields_by_key: dict[str, dict[str, Any]] = {}
    conditions: list[tuple[str, Any]] = []
    for index, section in enumerate(schema["sections"]):
        where = f"sections[{index}]"
        w = {"where": where}
        if not isinstance(section, dict):
            problems.append(_("%(where)s: expected an object.") % w)
            continue
        unknown = sorted(set(section) - SECTION_KEYS)
        if unknown:
            problems.append(_("%(where)s: unknown setting(s) %(names)s.") % {**w, "names": ", ".join(unknown)})
        key = section.get("key")
        if not isinstance(key, str) or not KEY.fullmatch(key):
            problems.append(
                _("%(where)s: the key must start with a lower-case letter and use only a-z, 0-9 and _ (at most 64).")
                % w
            )
        elif key in section_keys:
            problems.append(_("%(where)s: the section key %(key)s is used twice.") % {**w, "key": key})
        else:
            section_keys.add(key)
        if not _text(section.get("title_ko")):
            problems.append(_("%(where)s: enter the Korean title (title_ko).") % w)
        if not _text(section.get("title_en")):
            problems.append(_("%(where)s: enter the English title (title_en).") % w)
        if section.get("show_if") is not None:
            conditions.append((where, section["show_if"]))
        fields = section.get("fields")
        if not isinstance(fields, list) or not fields:
            problems.append(_("%(where)s: a section needs a list of fields with at least one field.") % w)
            continue
        for number, item in enumerate(fields):
            field_problems, cleaned = _field_problems(item, f"{where}.fields[{number}]", field_keys)
            problems.extend(field_problems)
            if cleaned and isinstance(cleaned.get("key"), str):
                fields_by_key.setdefault(cleaned["key"], cleaned)
    for where, condition in conditions:
        w = {"where": f"{where}.show_if"}
        if not isinstance(condition, dict) or set(condition) != {"field", "equals"}:
            problems.append(_('%(where)s: expected {"field": ..., "equals": ...} or null.') % w)
            continue
        target = fields_by_key.get(condition["field"])
        if target is None:
            problems.append(_("%(where)s: no field with the key %(key)s.") % {**w, "key": condition["field"]})
        elif target.get("type") in CHOICE_TYPES and condition["equals"] not in {
            choice.get("value") for choice in target.get("choices") or [] if isinstance(choice, dict)
        }:
            problems.append(
                _("%(where)s: %(value)s is not one of the choices of %(key)s.")
                % {**w, "value": repr(condition["equals"]), "key": condition["field"]}
            )
    if problems:
        raise ValidationError({"schema": problems})
    return schema


@transaction.atomic
def application_form_publish(*, user: Any, call: Call, schema: Any) -> ApplicationForm:
    """Publish ``schema`` as the call's application form.

    While no application uses the latest version it is replaced in place (a draft); once an
    application uses it, a new version N+1 is created and existing applications keep theirs.
    Takes a row lock on the call so that two publications never create the same version.
    """
    if not user.has_perm("programs.change_call", call):
        raise PermissionDenied(_("You may change only your own agency's calls."))
    cleaned = form_schema_validate(schema)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    latest = locked.forms.order_by("-version").first()
    if latest is not None and latest.schema == cleaned:
        return latest
    if latest is None or latest.applications.exists():
        version = (latest.version + 1) if latest else 1
        form = ApplicationForm.objects.create(call=locked, version=version, schema=cleaned, created_by=user)
        action = "application_form.create"
    else:
        form = latest
        form.schema = cleaned
        form.created_by = user
        form.save(update_fields=["schema", "created_by"])
        action = "application_form.replace"
    audit_event_record(actor=user, action=action, target=locked, changes={"version": form.version})
    return form
