"""Forms of the reviews pages. They parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.reviews.choices import ConstraintKind
from foster.reviews.services import ExpertiseData


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


class ExpertiseForm(forms.Form):
    """A reviewer's expertise: comma-separated KSIC divisions, keywords and past employers."""

    expertise_divisions = forms.CharField(
        label=_("Expertise (KSIC divisions)"), required=False, help_text=_("Two-digit codes, separated by commas.")
    )
    keywords = forms.CharField(
        label=_("Technology keywords"), required=False, help_text=_("Separated by commas, e.g. vision, 스마트공장.")
    )
    past_employers = forms.CharField(
        label=_("Past employers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Business registration numbers of companies you worked for, separated by commas."),
    )

    @staticmethod
    def initial_from(profile: Any) -> dict[str, str]:
        if profile is None:
            return {}
        return {
            "expertise_divisions": ", ".join(profile.expertise_divisions),
            "keywords": ", ".join(profile.keywords),
            "past_employers": ", ".join(profile.past_employers),
        }

    def to_data(self) -> ExpertiseData:
        data = self.cleaned_data
        return ExpertiseData(
            expertise_divisions=_split(data.get("expertise_divisions") or ""),
            keywords=_split(data.get("keywords") or ""),
            past_employers=_split(data.get("past_employers") or ""),
        )


class ReviewerProfileForm(ExpertiseForm):
    """An official's view of a pool reviewer: expertise plus load limit and availability."""

    max_load = forms.IntegerField(label=_("Maximum applications per call"), min_value=0, max_value=500)
    is_available = forms.BooleanField(label=_("Available"), required=False)


class PoolAddForm(forms.Form):
    email = forms.EmailField(label=_("Reviewer's e-mail address"))


class ConflictDeclarationForm(forms.Form):
    business_registration_number = forms.CharField(label=_("Business registration number"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FamilyFirmImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("Columns: email, business_registration_number (or 이메일, 사업자등록번호).")
    )


class ConstraintForm(forms.Form):
    application = forms.IntegerField(label=_("Application number"), min_value=1)
    reviewer = forms.IntegerField(label=_("Reviewer number"), min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=ConstraintKind.choices)


class RecusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for recusal"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ScoreSheetForm(forms.Form):
    """One number field per rubric criterion, a comment, and which button was pressed."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, criteria: list[dict[str, Any]], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criterion_keys: list[str] = []
        for item in criteria:
            key = str(item["key"])
            label = item.get("label_en") if language.startswith("en") else item.get("label_ko")
            minimum, maximum = float(item.get("scale_min", 0)), float(item.get("scale_max", 10))
            self.fields[f"score_{key}"] = forms.DecimalField(
                label=f"{label or key} ({minimum:g}–{maximum:g}, ×{float(item.get('weight', 1)):g})",
                required=False,
                min_value=minimum,
                max_value=maximum,
            )
            self.criterion_keys.append(key)
        self.order_fields([*(f"score_{key}" for key in self.criterion_keys), "comment"])

    def scores(self) -> dict[str, Any]:
        return {
            key: (None if self.cleaned_data.get(f"score_{key}") is None else float(self.cleaned_data[f"score_{key}"]))
            for key in self.criterion_keys
        }
