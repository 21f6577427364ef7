from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.registry import ksic
from foster.registry.choices import AIAdoption, Region, SizeClass, ValuationSource
from foster.registry.selectors import CompanyFilter
from foster.registry.services import CompanyData


class CompanyForm(forms.Form):
    """Registry entry of a company; the service re-validates everything."""

    business_registration_number = forms.CharField(
        label=_("Business registration number"),
        max_length=12,
        help_text=_("10 digits as on the registration certificate, e.g. 123-45-67890."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name_ko = forms.CharField(label=_("Korean name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    ksic_division = forms.ChoiceField(
        label=_("Industry (KSIC division)"),
        choices=ksic.division_choices,
        help_text=_("The division of the Korean Standard Industrial Classification, 10th revision."),
    )
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    size_class = forms.ChoiceField(label=_("Size class"), choices=SizeClass.choices)
    founded_on = forms.DateField(
        label=_("Founding date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("As on the registration certificate (YYYY-MM-DD)."),
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, initial=0)
    revenue_krw = forms.IntegerField(
        label=_("Annual revenue (KRW)"), min_value=0, initial=0, help_text=_("Whole won, last fiscal year.")
    )
    ai_adoption = forms.ChoiceField(label=_("AI adoption"), choices=AIAdoption.choices)

    def to_data(self) -> CompanyData:
        values: dict[str, Any] = dict(self.cleaned_data)
        return CompanyData(**values)


class ValuationForm(forms.Form):
    valued_on = forms.DateField(label=_("Valuation date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount_krw = forms.IntegerField(label=_("Valuation (KRW)"), min_value=1)
    amount_usd = forms.IntegerField(label=_("Valuation (USD)"), min_value=1, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=ValuationSource.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_valued_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["valued_on"]
        if value > dt.date.today():
            raise forms.ValidationError(_("The valuation date cannot be in the future."))
        return value


class CompanyFilterForm(forms.Form):
    """Filters of the company list (GET parameters)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Part of the Korean or English name, or of the registration number."),
    )
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices])
    ksic_section = forms.ChoiceField(
        label=_("Industry section"), required=False, choices=lambda: [("", _("All sections")), *ksic.section_choices()]
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("All sizes")), *SizeClass.choices]
    )
    ai_adoption = forms.ChoiceField(
        label=_("AI adoption"), required=False, choices=[("", _("Any")), *AIAdoption.choices]
    )

    def to_filter(self) -> CompanyFilter:
        """The selector's filter from valid GET parameters (no filter when they are invalid)."""
        if not self.is_valid():
            return CompanyFilter()
        return company_filter_from(self.cleaned_data)


def company_filter_from(values: Mapping[str, Any]) -> CompanyFilter:
    """The selector's filter from list parameters (``q`` is the query); a missing or empty one filters nothing.

    Reads the filter form's cleaned data for the page and the export, and the query parameters
    as given for the API (which also filters by ``ksic_division``).
    """
    return CompanyFilter(
        query=values.get("q") or "",
        region=values.get("region") or "",
        ksic_section=values.get("ksic_section") or "",
        ksic_division=values.get("ksic_division") or "",
        size_class=values.get("size_class") or "",
        ai_adoption=values.get("ai_adoption") or "",
    )


class CompanyImportForm(forms.Form):
    """The upload of a company file; the import service checks its type, size and every row."""

    file = forms.FileField(
        label=_("Company file (CSV or Excel)"),
        help_text=_(
            "CSV in UTF-8 or CP949 (as Korean Excel saves it) or an Excel workbook (.xlsx). Row 1 holds "
            "the column names. Companies already registered (same registration number) are updated; "
            "an empty cell keeps the current value."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )
