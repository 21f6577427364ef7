"""The visual application form builder over HTTP: what the page sends back, as a browser without
scripts would (every input of the builder form, and the button pressed)."""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from foster.accounts.models import Agency, User
from foster.applications.models import Application
from foster.core.models import AuditEvent
from foster.programs.choices import DocumentKind
from foster.programs.models import ApplicationForm, Call
from foster.programs.seeding import form_schema
from tests.applications.objects import application_build
from tests.factories import SIMPLE_SCHEMA, CallFactory, CompanyFactory, ProgramFactory, UserFactory
from tests.http import domain_audit_event_count, english_client

pytestmark = pytest.mark.django_db

DEMO_SCHEMA = form_schema(100_000_000, (DocumentKind.BUSINESS_PLAN, DocumentKind.AI_ADOPTION_PLAN))
# Optional settings written in every way the JSON allows: absent, empty, false, a number to compare with.
SPARSE_SCHEMA: dict[str, Any] = {
    "sections": [
        {
            "key": "basics",
            "title_ko": "기본",
            "title_en": "Basics",
            "fields": [
                {"key": "employees", "type": "number", "label_ko": "직원 수", "label_en": "Employees", "min": 0},
                {
                    "key": "note",
                    "type": "long_text",
                    "label_ko": "메모",
                    "label_en": "Note",
                    "help_ko": "",
                    "help_en": "",
                    "required": False,
                },
                {
                    "key": "areas",
                    "type": "multi_choice",
                    "label_ko": "분야",
                    "label_en": "Areas",
                    "choices": [
                        {"value": "vision", "label_ko": "비전", "label_en": "Vision"},
                        {"value": "nlp", "label_ko": "언어", "label_en": "Language"},
                    ],
                },
                {"key": "start_on", "type": "date", "label_ko": "시작일", "label_en": "Start date"},
            ],
        },
        {
            "key": "large_team",
            "title_ko": "대규모",
            "title_en": "Large team",
            "show_if": {"field": "employees", "equals": 50},
            "fields": [{"key": "org_chart", "type": "file", "label_ko": "조직도", "label_en": "Org chart"}],
        },
    ]
}


class BuilderFormParser(HTMLParser):
    """The values the builder form (``#form-builder``) sends when submitted without scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.inside = False
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == "form-builder"
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") != "submit":
            if attributes.get("type") == "checkbox":
                if "checked" in attributes:
                    self.values.append((name, attributes.get("value") or "on"))
            else:
                self.values.append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.options.append((attributes.get("value", ""), "selected" in attributes))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.values.append((self.select, chosen[0]))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.values.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def page_data(response: Any) -> dict[str, str]:
    """What the builder form on the page sends back as it is."""
    parser = BuilderFormParser()
    parser.feed(response.content.decode())
    data = dict(parser.values)
    assert "sections-TOTAL_FORMS" in data, "the page has no builder form"
    data.pop("csrfmiddlewaretoken", None)
    return data


def _call(agency: Agency, schema: dict[str, Any] | None = SIMPLE_SCHEMA) -> Call:
    call = CallFactory(program=ProgramFactory(agency=agency))
    if schema is not None:
        ApplicationForm.objects.create(call=call, version=1, schema=copy.deepcopy(schema))
    return call


def _url(call: Call) -> str:
    return reverse("programs:call-form", kwargs={"pk": call.pk})


def _press(client: Client, call: Call, data: dict[str, str], **button: str) -> Any:
    """Submit the builder with ``data`` and one button (``op=...`` or ``action=...``)."""
    return client.post(_url(call), {**data, **button})


def _stored(call: Call) -> list[tuple[int, Any]]:
    return [(form.version, form.schema) for form in ApplicationForm.objects.filter(call=call).order_by("version")]


def _field(data: dict[str, str], section: int, position: int, name: str) -> str:
    return f"sections-{section}-fields-{position}-{name}"


# --- Round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", [SIMPLE_SCHEMA, DEMO_SCHEMA, SPARSE_SCHEMA], ids=["simple", "demo", "sparse"])
def test_an_unchanged_form_comes_back_exactly(official: User, agency: Agency, schema: dict[str, Any]) -> None:
    call = _call(agency, schema)
    client = english_client(official)
    data = page_data(client.get(_url(call)))
    events = AuditEvent.objects.count()

    preview = _press(client, call, data, action="preview")
    published = _press(client, call, data, action="publish")

    assert preview.status_code == 200 and not preview.context["builder"].errors
    assert [section.key for section in preview.context["preview"]] == [section["key"] for section in schema["sections"]]
    assert published.status_code == 302
    assert _stored(call) == [(1, schema)]
    assert AuditEvent.objects.count() == events  # the same schema: nothing to publish


def test_a_button_keeps_every_value_and_the_next_page_sends_them_again(official: User, agency: Agency) -> None:
    call = _call(agency, DEMO_SCHEMA)
    client = english_client(official)
    data = page_data(client.get(_url(call)))

    after = page_data(_press(client, call, data, op="section-down:0"))
    back = page_data(_press(client, call, after, op="section-up:1"))

    assert back == data
    assert _press(client, call, back, action="publish").status_code == 302
    assert _stored(call) == [(1, DEMO_SCHEMA)]


# --- Adding, removing, moving ------------------------------------------------------------------


def test_adding_a_question_without_scripts(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(client.get(_url(call)))

    added = _press(client, call, data, op="add-field:0")
    data = page_data(added)
    data.update(
        {
            _field(data, 0, 2, "label_ko"): "예산 메모",
            _field(data, 0, 2, "label_en"): "Budget note",
            _field(data, 0, 2, "type"): "long_text",
            _field(data, 0, 2, "max_length"): "500",
        }
    )
    published = _press(client, call, data, action="publish")

    assert added.status_code == 200
    assert "autofocus" in added.content.decode().split('name="sections-0-fields-2-label_ko"')[1].split(">")[0]
    assert published.status_code == 302
    fields = ApplicationForm.objects.get(call=call).schema["sections"][0]["fields"]
    assert fields[2] == {
        "key": "budget_note",  # suggested from the English label
        "type": "long_text",
        "label_ko": "예산 메모",
        "label_en": "Budget note",
        "required": False,
        "max_length": 500,
    }
    assert [field["key"] for field in fields] == ["project_title", "business_plan", "budget_note"]


def test_an_added_question_left_empty_is_ignored(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(_press(client, call, page_data(client.get(_url(call))), op="add-field:0"))

    published = _press(client, call, data, action="publish")

    assert published.status_code == 302
    assert _stored(call) == [(1, SIMPLE_SCHEMA)]


def test_htmx_gets_only_the_builder_with_the_focus_on_the_new_row(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(client.get(_url(call)))

    response = client.post(_url(call), {**data, "op": "add-field:0"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert response.status_code == 200
    assert next(template.name for template in response.templates) == "programs/_form_builder_response.html"
    assert html.lstrip().startswith('<form method="post" id="form-builder"')
    assert '<label for="id_sections-0-fields-2-label_ko">' in html
    assert "HX-Request" in response["Vary"]
    status = html.split('<div id="builder-status"')[1]
    assert 'hx-swap-oob="true"><p>A question was added at the end of section 1.</p>' in status
    assert _stored(call) == [(1, SIMPLE_SCHEMA)]


def test_removing_a_question(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(_press(client, call, page_data(client.get(_url(call))), op="remove-field:0:1"))

    published = _press(client, call, data, action="publish")

    assert published.status_code == 302
    assert [field["key"] for field in ApplicationForm.objects.get(call=call).schema["sections"][0]["fields"]] == [
        "project_title"
    ]


def test_moving_questions_within_and_across_sections_and_moving_sections(official: User, agency: Agency) -> None:
    call = _call(agency, DEMO_SCHEMA)
    client = english_client(official)
    data = page_data(client.get(_url(call)))

    data = page_data(_press(client, call, data, op="field-down:0:0"))  # project_title below summary
    data = page_data(_press(client, call, data, op="field-up:1:0"))  # plan's first question to the end of overview
    data = page_data(_press(client, call, data, op="section-up:2"))  # consortium before plan
    published = _press(client, call, data, action="publish")

    assert published.status_code == 302
    schema = ApplicationForm.objects.get(call=call).schema
    overview, plan = DEMO_SCHEMA["sections"][0]["fields"], DEMO_SCHEMA["sections"][1]["fields"]
    assert [section["key"] for section in schema["sections"]] == ["overview", "consortium", "plan"]
    assert [field["key"] for field in schema["sections"][0]["fields"]] == [
        overview[1]["key"],
        overview[0]["key"],
        *(field["key"] for field in overview[2:]),
        plan[0]["key"],
    ]
    assert schema["sections"][2]["fields"] == plan[1:]


def test_adding_and_removing_a_section(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(_press(client, call, page_data(client.get(_url(call))), op="add-section"))
    data.update(
        {
            "sections-1-title_ko": "추가 정보",
            "sections-1-title_en": "More information",
            _field(data, 1, 0, "label_ko"): "홈페이지",
            _field(data, 1, 0, "label_en"): "Website",
        }
    )

    published = _press(client, call, data, action="publish")
    two_sections = ApplicationForm.objects.get(call=call).schema
    removed = page_data(_press(client, call, page_data(client.get(_url(call))), op="remove-section:1"))
    published_again = _press(client, call, removed, action="publish")

    assert published.status_code == 302 and published_again.status_code == 302
    assert [section["key"] for section in two_sections["sections"]] == ["overview", "more_information"]
    assert _stored(call) == [(1, SIMPLE_SCHEMA)]


def test_a_new_section_is_stored_with_suggested_keys(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(_press(client, call, page_data(client.get(_url(call))), op="add-section"))
    data.update(
        {
            "sections-1-title_ko": "추가 정보",
            "sections-1-title_en": "More information",
            _field(data, 1, 0, "label_ko"): "홈페이지",
            _field(data, 1, 0, "label_en"): "Website",
            _field(data, 1, 0, "required"): "on",
        }
    )

    assert _press(client, call, data, action="publish").status_code == 302
    assert ApplicationForm.objects.get(call=call).schema["sections"][1] == {
        "key": "more_information",
        "title_ko": "추가 정보",
        "title_en": "More information",
        "show_if": None,
        "fields": [{"key": "website", "type": "text", "label_ko": "홈페이지", "label_en": "Website", "required": True}],
    }


# --- Conditional sections ----------------------------------------------------------------------


def _with_choice_and_second_section(agency: Agency) -> Call:
    schema = copy.deepcopy(SPARSE_SCHEMA)
    schema["sections"][1]["show_if"] = None
    return _call(agency, schema)


def test_a_section_shown_only_for_one_choice(official: User, agency: Agency) -> None:
    call = _with_choice_and_second_section(agency)
    client = english_client(official)
    data = page_data(client.get(_url(call)))
    data.update({"sections-1-show_if_field": "areas", "sections-1-show_if_equals": "vision"})

    published = _press(client, call, data, action="publish")

    assert published.status_code == 302
    assert ApplicationForm.objects.get(call=call).schema["sections"][1]["show_if"] == {
        "field": "areas",
        "equals": "vision",
    }


@pytest.mark.parametrize(
    ("condition", "error_field"),
    [
        ({"sections-1-show_if_field": "areas", "sections-1-show_if_equals": "robotics"}, "show_if_equals"),
        ({"sections-1-show_if_field": "areas", "sections-1-show_if_equals": ""}, "show_if_equals"),
        ({"sections-1-show_if_field": "no_such_field", "sections-1-show_if_equals": "x"}, "show_if_field"),
    ],
    ids=["not-a-choice", "no-value", "no-such-field"],
)
def test_a_bad_condition_is_shown_on_the_section_and_nothing_is_stored(
    official: User, agency: Agency, condition: dict[str, str], error_field: str
) -> None:
    call = _with_choice_and_second_section(agency)
    before = _stored(call)
    client = english_client(official)
    data = {**page_data(client.get(_url(call))), **condition}

    response = _press(client, call, data, action="publish")

    assert response.status_code == 200
    section = response.context["builder"].sections[1]
    assert list(section.form.errors) == [error_field]
    assert _stored(call) == before


# --- Bad input, per setting, nothing stored ----------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "row", "error_field"),
    [
        ({"sections-0-fields-0-label_ko": ""}, (0, 0), "label_ko"),
        ({"sections-0-fields-0-label_en": "  "}, (0, 0), "label_en"),
        ({"sections-0-fields-1-key": "Business Plan"}, (0, 1), "key"),
        ({"sections-0-fields-1-key": "project_title"}, (0, 1), "key"),  # used twice (the service says so)
        ({"sections-0-fields-0-key": "", "sections-0-fields-0-label_en": "제목"}, (0, 0), "key"),
        ({"sections-0-fields-0-type": "colour"}, (0, 0), "type"),
        ({"sections-0-fields-0-type": "choice"}, (0, 0), "choices"),
        ({"sections-0-fields-0-type": "choice", "sections-0-fields-0-choices": "예"}, (0, 0), "choices"),
        (
            {"sections-0-fields-0-type": "choice", "sections-0-fields-0-choices": "예 | Yes | y\n네 | Yes | y"},
            (0, 0),
            "choices",
        ),
        (
            {"sections-0-fields-0-type": "money", "sections-0-fields-0-min": "10", "sections-0-fields-0-max": "5"},
            (0, 0),
            "max",
        ),
        ({"sections-0-fields-0-type": "number", "sections-0-fields-0-min": "ten"}, (0, 0), "min"),
        ({"sections-0-fields-0-max_length": "0"}, (0, 0), "max_length"),
        ({"sections-0-title_ko": ""}, (0, None), "title_ko"),
        ({"sections-0-key": "1st"}, (0, None), "key"),
    ],
    ids=[
        "no-korean-label",
        "blank-english-label",
        "key-with-spaces",
        "duplicate-key",
        "no-key-to-suggest",
        "unknown-type",
        "choice-without-choices",
        "choice-line-without-english",
        "choice-value-twice",
        "min-above-max",
        "min-not-a-number",
        "max-length-zero",
        "no-section-title",
        "section-key-starts-with-digit",
    ],
)
def test_bad_input_points_at_the_row_and_setting_and_stores_nothing(
    official: User, agency: Agency, changes: dict[str, str], row: tuple[int, int | None], error_field: str
) -> None:
    call = _call(agency)
    before = _stored(call)
    events = AuditEvent.objects.count()
    client = english_client(official)
    data = {**page_data(client.get(_url(call))), **changes}

    response = _press(client, call, data, action="publish")

    assert response.status_code == 200
    builder = response.context["builder"]
    section = builder.sections[row[0]]
    form = section.form if row[1] is None else section.fields[row[1]].form
    assert error_field in form.errors
    html = response.content.decode()
    assert "data-error-summary" in html and f'href="#{form[error_field].id_for_label}"' in html
    assert _stored(call) == before
    assert AuditEvent.objects.count() == events


def test_a_section_left_without_questions_says_so_on_the_section(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(client.get(_url(call)))
    for position in (1, 0):
        data = page_data(_press(client, call, data, op=f"remove-field:0:{position}"))

    response = _press(client, call, data, action="publish")

    assert response.status_code == 200
    assert response.context["builder"].sections[0].form.non_field_errors() == [
        "a section needs a list of fields with at least one field."
    ]
    assert _stored(call) == [(1, SIMPLE_SCHEMA)]


# --- Versions ----------------------------------------------------------------------------------


def test_publishing_while_applications_use_the_form_creates_a_new_version(official: User, agency: Agency) -> None:
    call = _call(agency)
    application = application_build(call=call, company=CompanyFactory(), applicant=UserFactory())
    client = english_client(official)
    data = page_data(client.get(_url(call)))
    data[_field(data, 0, 0, "label_en")] = "Project title"

    unchanged = _press(client, call, page_data(client.get(_url(call))), action="publish")
    changed = _press(client, call, data, action="publish")

    assert unchanged.status_code == 302 and changed.status_code == 302
    versions = _stored(call)
    assert [version for version, _schema in versions] == [1, 2]
    assert versions[0][1] == SIMPLE_SCHEMA
    assert versions[1][1]["sections"][0]["fields"][0]["label_en"] == "Project title"
    assert Application.objects.get(pk=application.pk).form.version == 1


def test_publishing_a_draft_replaces_it(official: User, agency: Agency) -> None:
    call = _call(agency)
    client = english_client(official)
    data = page_data(client.get(_url(call)))
    data[_field(data, 0, 0, "label_en")] = "Project title"

    assert _press(client, call, data, action="publish").status_code == 302
    assert [version for version, _schema in _stored(call)] == [1]


def test_a_call_without_a_form_starts_from_an_empty_builder(official: User, agency: Agency) -> None:
    call = _call(agency, schema=None)
    client = english_client(official)
    data = page_data(client.get(_url(call)))
    data = page_data(_press(client, call, data, op="add-section"))
    data.update(
        {
            "sections-0-title_ko": "개요",
            "sections-0-title_en": "Overview",
            _field(data, 0, 0, "label_ko"): "과제명",
            _field(data, 0, 0, "label_en"): "Project title",
            _field(data, 0, 0, "required"): "on",
        }
    )

    assert _press(client, call, data, action="publish").status_code == 302
    assert _stored(call) == [
        (
            1,
            {
                "sections": [
                    {
                        "key": "overview",
                        "title_ko": "개요",
                        "title_en": "Overview",
                        "show_if": None,
                        "fields": [
                            {
                                "key": "project_title",
                                "type": "text",
                                "label_ko": "과제명",
                                "label_en": "Project title",
                                "required": True,
                            }
                        ],
                    }
                ]
            },
        )
    ]


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("button", [{"action": "publish"}, {"action": "preview"}, {"op": "add-field:0"}])
def test_only_the_calls_agency_officials_may_use_the_builder(
    official: User, other_official: User, planner: User, agency: Agency, button: dict[str, str]
) -> None:
    call = _call(agency)
    data = page_data(english_client(official).get(_url(call)))
    data[_field(data, 0, 0, "label_en")] = "Changed by someone else"
    events = domain_audit_event_count()

    other = english_client(other_official)
    planning = english_client(planner)
    responses = [
        other.get(_url(call)).status_code,
        other.post(_url(call), {**data, **button}).status_code,
        other.post(_url(call), {**data, **button}, HTTP_HX_REQUEST="true").status_code,
        planning.get(_url(call)).status_code,
        planning.post(_url(call), {**data, **button}).status_code,
        Client().post(_url(call), {**data, **button}).status_code,
    ]

    assert responses == [404, 404, 404, 403, 403, 302]
    assert _stored(call) == [(1, SIMPLE_SCHEMA)]
    assert domain_audit_event_count() == events
