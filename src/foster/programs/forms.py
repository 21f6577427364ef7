"""Forms of the officials' pages and the portal filters. Services re-validate everything."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.accounts.models import Agency
from foster.programs.choices import DeadlineWindow, DocumentKind, PolicyTag, ProgramType
from foster.programs.selectors import CallFilter
from foster.programs.services import CallData, ProgramData
from foster.registry import ksic
from foster.registry.choices import Region, SizeClass

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProgramForm(forms.Form):
    """A program's description; the agency is the official's (chosen only if they work for several)."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), empty_label=None)
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short unique identifier, e.g. kosme-ai-loan-2026.")
    )
    name_ko = forms.CharField(label=_("Korean name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200)
    program_type = forms.ChoiceField(label=_("Program type"), choices=ProgramType.choices)
    policy_tags = forms.MultipleChoiceField(
        label=_("Policy tags"),
        choices=PolicyTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Which quotas of the plan this program's money counts toward."),
    )
    description_ko = forms.CharField(
        label=_("Korean description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    description_en = forms.CharField(
        label=_("English description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    private_matching_ratio = forms.DecimalField(
        label=_("Private matching ratio"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("High-risk R&D only: private investment required per won of public funds, e.g. 0.50."),
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    def to_data(self) -> ProgramData:
        values = {key: value for key, value in self.cleaned_data.items() if key != "agency"}
        return ProgramData(**values)


class CallForm(forms.Form):
    """A call's schedule (Asia/Seoul), money (whole won) and reviewers; the rubric is a formset beside it."""

    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Short unique identifier, e.g. kosme-ai-loan-2026-1.")
    )
    title_ko = forms.CharField(label=_("Korean title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200)
    summary_ko = forms.CharField(label=_("Korean summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    summary_en = forms.CharField(label=_("English summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DATETIME_WIDGET, help_text=_("Korea time (Asia/Seoul)."))
    closes_at = forms.DateTimeField(
        label=_("Closes at"), widget=DATETIME_WIDGET, help_text=_("Korea time (Asia/Seoul).")
    )
    review_deadline = forms.DateTimeField(
        label=_("Review deadline"), widget=DATETIME_WIDGET, required=False, help_text=_("Korea time (Asia/Seoul).")
    )
    budget_krw = forms.IntegerField(label=_("Budget (KRW)"), min_value=1, help_text=_("Whole won."))
    max_award_krw = forms.IntegerField(
        label=_("Maximum award (KRW)"), min_value=1, help_text=_("Whole won, at most the budget.")
    )
    reviewers_per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1, max_value=15, initial=3
    )

    def to_data(self, criteria: list[dict[str, Any]]) -> CallData:
        return CallData(**self.cleaned_data, rubric_criteria=criteria)


class RubricCriterionForm(forms.Form):
    """One row of the rubric editor."""

    key = forms.CharField(label=_("Key"), max_length=64, help_text=_("e.g. technology"))
    label_ko = forms.CharField(label=_("Korean label"), max_length=200)
    label_en = forms.CharField(label=_("English label"), max_length=200)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=6, decimal_places=2, initial=1)
    scale_min = forms.IntegerField(label=_("Lowest score"), initial=0)
    scale_max = forms.IntegerField(label=_("Highest score"), initial=10)


RubricCriterionFormSet = forms.formset_factory(RubricCriterionForm, extra=1, can_delete=True)


def rubric_criteria_from(formset: Any) -> list[dict[str, Any]]:
    """The criteria of the filled, not deleted rows of a valid rubric formset."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class EligibilityRulesForm(forms.Form):
    """The rules editor: one switch per rule kind with its settings, no code needed.

    ``to_rules()`` gives the engine's JSON format; the service validates it again.
    """

    # Which form fields hold each rule kind's settings (for error messages from the service).
    FIELDS_OF_KIND = {
        "size_class_in": "size_classes",
        "sector_in": "sections",
        "region_in": "regions",
        "company_age_at_most": "max_years",
        "not_designated": "not_designated",
        "exposure_headroom_covers_request": "exposure_headroom",
        "required_documents": "document_kinds",
    }

    size_classes = forms.MultipleChoiceField(
        label=_("Eligible size classes"),
        choices=SizeClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unchecked to accept every size class."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Eligible industry sections (KSIC)"),
        choices=ksic.section_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "A company passes if its section or its division is selected. Select none to accept every industry."
        ),
    )
    divisions = forms.MultipleChoiceField(
        label=_("Eligible industry divisions (KSIC)"),
        choices=ksic.division_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    regions = forms.MultipleChoiceField(
        label=_("Eligible regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unchecked to accept every region."),
    )
    max_years = forms.IntegerField(
        label=_("Founded at most this many years before the call closes"),
        required=False,
        min_value=0,
        max_value=200,
        help_text=_("Leave empty for no age limit."),
    )
    not_designated = forms.BooleanField(label=_("Exclude companies already designated"), required=False)
    exposure_headroom = forms.BooleanField(
        label=_("The requested amount must fit within the company's remaining loan and guarantee limit"),
        required=False,
    )
    document_kinds = forms.MultipleChoiceField(
        label=_("Required documents"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_from(cls, rules_data: Any) -> dict[str, Any]:
        """Form values from stored rules (engine JSON)."""
        initial: dict[str, Any] = {}
        items = rules_data.get("rules", []) if isinstance(rules_data, dict) else []
        for item in items:
            kind = item.get("kind")
            if kind == "size_class_in":
                initial["size_classes"] = item.get("size_classes", [])
            elif kind == "sector_in":
                initial["sections"] = item.get("sections", [])
                initial["divisions"] = item.get("divisions", [])
            elif kind == "region_in":
                initial["regions"] = item.get("regions", [])
            elif kind == "company_age_at_most":
                initial["max_years"] = item.get("years")
            elif kind == "not_designated":
                initial["not_designated"] = True
            elif kind == "exposure_headroom_covers_request":
                initial["exposure_headroom"] = True
            elif kind == "required_documents":
                initial["document_kinds"] = item.get("document_kinds", [])
        return initial

    def to_rules(self) -> dict[str, Any]:
        data = self.cleaned_data
        rules: list[dict[str, Any]] = []
        if data.get("size_classes"):
            rules.append({"kind": "size_class_in", "size_classes": list(data["size_classes"])})
        if data.get("sections") or data.get("divisions"):
            rules.append(
                {
                    "kind": "sector_in",
                    "sections": list(data.get("sections") or []),
                    "divisions": list(data.get("divisions") or []),
                }
            )
        if data.get("regions"):
            rules.append({"kind": "region_in", "regions": list(data["regions"])})
        if data.get("max_years") is not None:
            rules.append({"kind": "company_age_at_most", "years": data["max_years"]})
        if data.get("not_designated"):
            rules.append({"kind": "not_designated"})
        if data.get("exposure_headroom"):
            rules.append({"kind": "exposure_headroom_covers_request"})
        if data.get("document_kinds"):
            rules.append({"kind": "required_documents", "document_kinds": list(data["document_kinds"])})
        return {"version": 1, "rules": rules}


class CallNotificationsForm(forms.Form):
    """One check box per notification the call may send (``CALL_NOTIFICATION_KINDS``); checked is sent."""

    submission_received = forms.BooleanField(
        label=_("Submission received"),
        required=False,
        help_text=_("To the applicant company's members, when an application is submitted."),
    )
    screening_result = forms.BooleanField(
        label=_("Screening result"),
        required=False,
        help_text=_("To the applicant company's members: eligible or not, with the reasons."),
    )
    review_assignment = forms.BooleanField(
        label=_("Review assignment"),
        required=False,
        help_text=_("To reviewers, when applications of this call are assigned to them."),
    )
    review_reminder = forms.BooleanField(
        label=_("Review deadline reminder"),
        required=False,
        help_text=_("To reviewers with unsubmitted score sheets, once, in the days before the review deadline."),
    )
    decision = forms.BooleanField(
        label=_("Selection decision"),
        required=False,
        help_text=_("To the applicant company's members: selected, reserve or not selected."),
    )

    def to_settings(self) -> dict[str, bool]:
        """``{kind: sent}`` for the service."""
        return {name: bool(self.cleaned_data.get(name)) for name in self.fields}


class FormSchemaForm(forms.Form):
    """The application form editor: the form's JSON schema, with a preview before publishing."""

    schema = forms.CharField(
        label=_("Form definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
        help_text=_(
            'Sections with fields: {"sections": [{"key", "title_ko", "title_en", "show_if": null or '
            '{"field", "equals"}, "fields": [{"key", "type", "label_ko", "label_en", "help_ko", "help_en", '
            '"required", "choices": [{"value", "label_ko", "label_en"}]}]}]}. Field types: text, long_text, '
            "number, money, choice, multi_choice, date, file."
        ),
    )

    def clean_schema(self) -> Any:
        text = self.cleaned_data["schema"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s (line %(line)s, column %(column)s)."),
                params={"error": error.msg, "line": error.lineno, "column": error.colno},
            ) from None


class CallFilterForm(forms.Form):
    """Filters of the public list of open calls (GET parameters)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=100, help_text=_("Part of the call or program name.")
    )
    policy_tag = forms.ChoiceField(
        label=_("Policy area"), required=False, choices=[("", _("All areas")), *PolicyTag.choices]
    )
    ksic_section = forms.ChoiceField(
        label=_("Industry"), required=False, choices=lambda: [("", _("All industries")), *ksic.section_choices()]
    )
    program_type = forms.ChoiceField(
        label=_("Program type"), required=False, choices=[("", _("All types")), *ProgramType.choices]
    )
    agency = forms.ChoiceField(label=_("Agency"), required=False, choices=[])
    closing = forms.ChoiceField(
        label=_("Deadline"), required=False, choices=[("", _("Any open call")), *DeadlineWindow.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", _("All agencies")),
            *((agency.code, f"{agency.code.upper()} {agency.name_ko}") for agency in Agency.objects.order_by("code")),
        ]

    def to_filter(self) -> CallFilter:
        """The selector's filter from valid GET parameters (no filter when they are invalid)."""
        if not self.is_valid():
            return CallFilter()
        data = self.cleaned_data
        return CallFilter(
            query=data.get("q") or "",
            policy_tag=data.get("policy_tag") or "",
            ksic_section=data.get("ksic_section") or "",
            program_type=data.get("program_type") or "",
            agency=data.get("agency") or "",
            closing_within_days=int(data["closing"]) if data.get("closing") else None,
        )
