"""Forms of the KPI app: they parse the input shape; the services validate the values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.kpi.choices import StratumDimension
from foster.kpi.services import SurveyData


class SurveyForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_ko = forms.CharField(label=_("Name (Korean)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    question_ko = forms.CharField(label=_("Question wording (Korean)"), widget=forms.Textarea(attrs={"rows": 3}))
    question_en = forms.CharField(
        label=_("Question wording (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    yes_definition = forms.CharField(
        label=_("What counts as yes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    population = forms.CharField(label=_("Population"), widget=forms.Textarea(attrs={"rows": 2}))
    sampling_frame = forms.CharField(label=_("Sampling frame"), widget=forms.Textarea(attrs={"rows": 2}))
    strata_dimensions = forms.MultipleChoiceField(
        label=_("Strata made of"),
        choices=StratumDimension.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    strata_definition = forms.CharField(label=_("Strata"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    planned_sample_size = forms.IntegerField(label=_("Planned sample size"), min_value=1)
    source = forms.CharField(label=_("Source"), max_length=200)
    is_headline = forms.BooleanField(label=_("The plan's headline survey"), required=False)

    def survey_data(self) -> SurveyData:
        return SurveyData(**self.cleaned_data)


class WaveImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the wave"), min_value=2000, max_value=2100)
    fieldwork = forms.CharField(label=_("Fieldwork period"), max_length=100, required=False)
    file = forms.FileField(label=_("Responses (CSV or XLSX)"))
