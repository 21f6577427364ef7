"""The demo programs: across agencies, open and closed calls, valid rules, rubrics and forms."""

from __future__ import annotations

import pytest

from foster.accounts.seeding import agencies_seed
from foster.programs.eligibility import call_rules
from foster.programs.models import Call, Program
from foster.programs.seeding import programs_seed
from foster.programs.services import eligibility_rules_validate, form_schema_validate, rubric_criteria_validate

pytestmark = pytest.mark.django_db


def test_programs_seed_is_valid_and_idempotent() -> None:
    agencies_seed()
    calls = programs_seed()
    programs_seed()

    assert Call.objects.count() == len(calls)
    assert set(Program.objects.values_list("agency__code", flat=True)) == {
        "mss",
        "kosme",
        "kodit",
        "kibo",
        "tipa",
        "kised",
        "nipa",
    }
    assert any(call.is_open for call in calls) and any(not call.is_open for call in calls)
    for call in calls:
        assert call_rules(call)
        eligibility_rules_validate(call.eligibility_rules)
        rubric_criteria_validate(call.rubric.criteria if call.rubric else None)
        form = call.current_form()
        assert form is not None
        form_schema_validate(form.schema)
        fields = [field for section in form.schema["sections"] for field in section["fields"]]
        assert any(field["type"] == "file" for field in fields)
        assert any(section["show_if"] for section in form.schema["sections"])
