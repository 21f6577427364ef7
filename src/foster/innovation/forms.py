"""Forms of open innovation: they parse the input shape; the services validate the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.innovation.choices import Confidentiality
from foster.innovation.services import ChallengeData, ProposalData, StartupProfileData
from foster.registry import ksic
from foster.registry.choices import Region
from foster.registry.models import Company

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _split_tags(value: str) -> list[str]:
    return [tag.strip() for tag in value.replace("\n", ",").split(",") if tag.strip()]


class StartupProfileForm(forms.Form):
    """A startup's solution profile."""

    solution_ko = forms.CharField(
        label=_("Solution (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    solution_en = forms.CharField(
        label=_("Solution (English)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    technology_tags = forms.CharField(
        label=_("Technology tags"), required=False, help_text=_("Separated by commas, e.g. computer vision, OCR.")
    )
    reference_customers = forms.CharField(
        label=_("Reference customers"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors served (KSIC sections)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions served"), required=False, choices=Region.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = ksic.section_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, data: StartupProfileData) -> dict[str, Any]:
        return {**data.__dict__, "technology_tags": ", ".join(data.technology_tags)}

    def to_data(self) -> StartupProfileData:
        values = self.cleaned_data
        return StartupProfileData(
            solution_ko=values["solution_ko"],
            solution_en=values["solution_en"],
            technology_tags=_split_tags(values["technology_tags"]),
            reference_customers=values["reference_customers"],
            sectors=list(values["sectors"]),
            regions=list(values["regions"]),
        )


class ChallengeForm(forms.Form):
    """A challenge: the problem in the poster's own words, and its terms."""

    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(
        label=_("Problem"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your own words: what goes wrong, where, how often, what it costs."),
    )
    data_available = forms.CharField(
        label=_("Data available"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_krw = forms.IntegerField(label=_("Budget (KRW)"), required=False, min_value=0)
    starts_on = forms.DateField(label=_("Start date"), required=False, widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("End date"), required=False, widget=DATE_INPUT)
    region = forms.ChoiceField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector (KSIC section)"), required=False)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, widget=forms.RadioSelect
    )
    invited_companies = forms.ModelMultipleChoiceField(
        label=_("Invited startups"),
        required=False,
        queryset=Company.objects.filter(startup_profile__isnull=False).order_by("name_ko"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for invited-only challenges: the startups that may see it and propose."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *Region.choices]  # type: ignore[attr-defined]
        self.fields["sector"].choices = [("", "—"), *ksic.section_choices()]  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, data: ChallengeData) -> dict[str, Any]:
        values = dict(data.__dict__)
        values["invited_companies"] = values.pop("invited_company_ids")
        return values

    def to_data(self) -> ChallengeData:
        values = self.cleaned_data
        return ChallengeData(
            title=values["title"],
            problem=values["problem"],
            data_available=values["data_available"],
            budget_krw=values["budget_krw"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            region=values["region"],
            sector=values["sector"],
            confidentiality=values["confidentiality"],
            invited_company_ids=[company.pk for company in values["invited_companies"]],
        )


class ProposalForm(forms.Form):
    """A startup's proposal to an open challenge."""

    company = forms.ModelChoiceField(label=_("Proposing company"), queryset=Company.objects.none(), empty_label=None)
    approach = forms.CharField(label=_("Approach"), widget=forms.Textarea(attrs={"rows": 6}))
    price_krw = forms.IntegerField(label=_("Price (KRW)"), min_value=0)
    duration_weeks = forms.IntegerField(label=_("Duration (weeks)"), min_value=1)

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]

    def to_data(self) -> ProposalData:
        values = self.cleaned_data
        return ProposalData(
            approach=values["approach"], price_krw=values["price_krw"], duration_weeks=values["duration_weeks"]
        )
