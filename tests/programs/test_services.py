"""Program, call, rules and form services: permissions, validation with a message per field, versioning."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from foster.accounts.models import Agency, User
from foster.applications.models import Application
from foster.core.models import AuditEvent
from foster.programs.models import ApplicationForm, Call, Program, Rubric
from foster.programs.services import (
    CallData,
    ProgramData,
    application_form_publish,
    call_create,
    call_data_from,
    call_rules_update,
    call_update,
    program_create,
)
from tests.factories import (
    RUBRIC_CRITERIA,
    SIMPLE_SCHEMA,
    ApplicationFormFactory,
    CallFactory,
    CompanyFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))


def _call_data(**changes: Any) -> CallData:
    values: dict[str, Any] = {
        "code": "ai-grant-2026-1",
        "title_ko": "2026년 AI 지원 공고",
        "title_en": "AI support 2026",
        "opens_at": dt.datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL),
        "closes_at": dt.datetime(2026, 4, 1, 18, 0, tzinfo=SEOUL),
        "budget_krw": 5_000_000_000,
        "max_award_krw": 500_000_000,
        "rubric_criteria": copy.deepcopy(RUBRIC_CRITERIA),
    }
    values.update(changes)
    return CallData(**values)


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Program.objects.count(),
        Call.objects.count(),
        Rubric.objects.count(),
        ApplicationForm.objects.count(),
        AuditEvent.objects.count(),
    )


def test_official_creates_program_and_call_of_own_agency(official: User, agency: Agency) -> None:
    program = program_create(
        user=official,
        agency=agency,
        data=ProgramData(
            code="ai-grant", name_ko="AI 지원", name_en="AI support", program_type="grant", policy_tags=["ai"]
        ),
    )
    call = call_create(user=official, program=program, data=_call_data())

    assert (program.agency, call.program, call.budget_krw, call.max_award_krw) == (
        agency,
        program,
        5_000_000_000,
        500_000_000,
    )
    assert call.opens_at == dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
    assert call.rubric is not None and [c["key"] for c in call.rubric.criteria] == ["technology", "market"]
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == ["program.create", "call.create"]


@pytest.mark.parametrize("who", ["other_official", "planner"])
def test_only_own_agency_officials_create_and_edit(who: str, request: pytest.FixtureRequest, agency: Agency) -> None:
    user = request.getfixturevalue(who)
    program = ProgramFactory(agency=agency)
    call = CallFactory(program=program)
    before = _counts()

    with pytest.raises(PermissionDenied):
        program_create(user=user, agency=agency, data=ProgramData("x", "가", "A", "grant"))
    with pytest.raises(PermissionDenied):
        call_create(user=user, program=program, data=_call_data())
    with pytest.raises(PermissionDenied):
        call_update(user=user, call=call, data=_call_data(code=call.code, title_ko="바뀜"))
    with pytest.raises(PermissionDenied):
        call_rules_update(user=user, call=call, rules={"version": 1, "rules": [{"kind": "not_designated"}]})
    with pytest.raises(PermissionDenied):
        application_form_publish(user=user, call=call, schema=SIMPLE_SCHEMA)

    assert _counts() == before
    call.refresh_from_db()
    assert call.title_ko != "바뀜"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"closes_at": dt.datetime(2026, 3, 1, 9, 0, tzinfo=SEOUL)},
            "closes_at",
            "The call must close after it opens.",
        ),
        ({"max_award_krw": 6_000_000_000}, "max_award_krw", "The maximum award cannot exceed the budget."),
        ({"budget_krw": 0}, "budget_krw", "Enter a whole number of won above zero."),
        ({"title_ko": " "}, "title_ko", "Enter the Korean title."),
        ({"code": "Bad Code!"}, "code", "Use only lower-case letters, digits, hyphens and underscores."),
        (
            {"reviewers_per_application": 0},
            "reviewers_per_application",
            "Enter a whole number of reviewers from 1 to 15.",
        ),
        (
            {"rubric_criteria": [{**RUBRIC_CRITERIA[0], "scale_min": 10, "scale_max": 5}]},
            "rubric_criteria",
            "Criterion 1: the scale maximum must be above its minimum.",
        ),
        (
            {"eligibility_rules": {"version": 1, "rules": [{"kind": "company_age_at_most", "years": -1}]}},
            "eligibility_rules",
            "company_age_at_most: Enter a whole number of years from 0 to 200.",
        ),
    ],
)
def test_bad_call_input_is_refused_per_field_and_nothing_stored(
    official: User, agency: Agency, changes: dict[str, Any], field: str, message: str
) -> None:
    program = ProgramFactory(agency=agency)
    before = _counts()

    with pytest.raises(ValidationError) as caught:
        call_create(user=official, program=program, data=_call_data(**changes))

    assert caught.value.message_dict == {field: [message]}
    assert _counts() == before


def test_every_bad_field_is_reported_at_once(official: User, agency: Agency) -> None:
    program = ProgramFactory(agency=agency)
    data = _call_data(
        closes_at=dt.datetime(2026, 3, 1, tzinfo=SEOUL), max_award_krw=9_000_000_000, title_en="", rubric_criteria=[]
    )

    with pytest.raises(ValidationError) as caught:
        call_create(user=official, program=program, data=data)

    assert set(caught.value.message_dict) == {"closes_at", "max_award_krw", "title_en", "rubric_criteria"}


def test_call_update_records_changes_and_keeps_shared_rubric(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    shared = call.rubric
    CallFactory(program=call.program, rubric=shared)
    data = call_data_from(call)
    data.budget_krw = 2_000_000_000
    data.rubric_criteria = [{**RUBRIC_CRITERIA[0], "weight": 100.0}]

    updated = call_update(user=official, call=call, data=data)

    shared.refresh_from_db()
    assert updated.budget_krw == 2_000_000_000
    assert updated.rubric != shared and updated.rubric.criteria[0]["weight"] == 100.0
    assert shared.criteria == RUBRIC_CRITERIA
    event = AuditEvent.objects.get(action="call.update")
    assert event.changes["budget_krw"] == [1_000_000_000, 2_000_000_000]


@pytest.mark.parametrize(
    ("rules", "key", "message"),
    [
        (
            {"version": 1, "rules": [{"kind": "size_class_in", "size_classes": ["huge"]}]},
            "size_class_in",
            "Unknown code(s): huge.",
        ),
        (
            {"version": 1, "rules": [{"kind": "region_in", "regions": []}]},
            "region_in",
            "Choose at least one value, or switch the rule off.",
        ),
        ({"version": 1, "rules": [{"kind": "sector_in", "sections": ["Z"]}]}, "sector_in", "Unknown code(s): Z."),
        (
            {"version": 1, "rules": [{"kind": "company_age_at_most", "years": 500}]},
            "company_age_at_most",
            "Enter a whole number of years from 0 to 200.",
        ),
        (
            {"version": 1, "rules": [{"kind": "required_documents", "document_kinds": ["selfie"]}]},
            "required_documents",
            "Unknown code(s): selfie.",
        ),
        (
            {"version": 1, "rules": [{"kind": "no_such_rule"}]},
            "eligibility_rules",
            "The rules could not be read: rules[0].kind: unknown rule kind 'no_such_rule' (known: "
            "company_age_at_most, exposure_headroom_covers_request, not_designated, region_in, required_documents, "
            "sector_in, size_class_in)",
        ),
    ],
)
def test_bad_rule_parameters_are_refused(official: User, agency: Agency, rules: Any, key: str, message: str) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency), eligibility_rules={"version": 1, "rules": []})

    with pytest.raises(ValidationError) as caught:
        call_rules_update(user=official, call=call, rules=rules)

    assert caught.value.message_dict == {key: [message]}
    call.refresh_from_db()
    assert call.eligibility_rules == {"version": 1, "rules": []}


def test_rules_are_stored_in_the_engine_format(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    rules = {"version": 1, "rules": [{"kind": "region_in", "regions": ["seoul", "busan"]}, {"kind": "not_designated"}]}

    call_rules_update(user=official, call=call, rules=rules)

    call.refresh_from_db()
    assert call.eligibility_rules == {
        "version": 1,
        "rules": [{"kind": "region_in", "regions": ["busan", "seoul"]}, {"kind": "not_designated"}],
    }


def _schema_with(**field_changes: Any) -> dict[str, Any]:
    schema = copy.deepcopy(SIMPLE_SCHEMA)
    schema["sections"][0]["fields"][0].update(field_changes)
    return schema


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"sections": []}, "The form needs a list of sections with at least one section."),
        (
            _schema_with(type="rocket"),
            "sections[0].fields[0]: unknown field type 'rocket'; use one of text, long_text, number, money, choice, "
            "multi_choice, date, file.",
        ),
        (_schema_with(label_en=""), "sections[0].fields[0]: enter the English label (label_en)."),
        (_schema_with(key="business_plan"), "sections[0].fields[1]: the key business_plan is used twice in the form."),
        (_schema_with(type="choice"), "sections[0].fields[0]: a choice field needs a list of choices."),
    ],
)
def test_bad_form_schema_is_refused(official: User, agency: Agency, schema: Any, message: str) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))

    with pytest.raises(ValidationError) as caught:
        application_form_publish(user=official, call=call, schema=schema)

    assert caught.value.message_dict == {"schema": [message]}
    assert not ApplicationForm.objects.exists()


def test_conditional_section_must_name_an_existing_choice(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    schema = copy.deepcopy(SIMPLE_SCHEMA)
    schema["sections"].append(
        {**copy.deepcopy(schema["sections"][0]), "key": "extra", "show_if": {"field": "missing", "equals": "x"}}
    )
    schema["sections"][1]["fields"] = [{"key": "extra_note", "type": "text", "label_ko": "비고", "label_en": "Note"}]

    with pytest.raises(ValidationError) as caught:
        application_form_publish(user=official, call=call, schema=schema)

    assert caught.value.message_dict == {"schema": ["sections[1].show_if: no field with the key missing."]}


def test_form_is_replaced_while_unused_and_versioned_once_used(official: User, agency: Agency) -> None:
    call = CallFactory(program=ProgramFactory(agency=agency))
    first = application_form_publish(user=official, call=call, schema=SIMPLE_SCHEMA)
    replaced = application_form_publish(user=official, call=call, schema=_schema_with(label_en="Project title"))
    assert (first.pk, replaced.pk, replaced.version) == (first.pk, first.pk, 1)

    application = Application.objects.create(
        call=call, company=CompanyFactory(), form=replaced, applicant=UserFactory(), title="기존 신청"
    )
    new = application_form_publish(user=official, call=call, schema=_schema_with(label_en="Title of the project"))

    application.refresh_from_db()
    assert new.version == 2 and new.pk != replaced.pk
    assert application.form_id == replaced.pk
    assert ApplicationForm.objects.get(pk=replaced.pk).schema["sections"][0]["fields"][0]["label_en"] == "Project title"
    assert call.current_form() == new
    assert list(
        AuditEvent.objects.filter(action__startswith="application_form").values_list("action", flat=True).order_by("id")
    ) == [
        "application_form.create",
        "application_form.replace",
        "application_form.create",
    ]


def test_existing_form_factory_versions_continue(official: User, agency: Agency) -> None:
    form = ApplicationFormFactory(call=CallFactory(program=ProgramFactory(agency=agency)), version=3)
    Application.objects.create(call=form.call, company=CompanyFactory(), form=form, applicant=UserFactory())

    assert application_form_publish(user=official, call=form.call, schema=_schema_with(label_ko="제목")).version == 4


def test_open_now_helper_uses_times() -> None:
    call = Call(opens_at=timezone.now() - dt.timedelta(days=1), closes_at=timezone.now() + dt.timedelta(days=1))
    assert call.is_open


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services called directly speak English here (the messages asserted are the English ones)."""
    with translation.override("en"):
        yield
