"""Forms of cohorts and partner organisations: they parse input; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.cohorts.choices import PartnerKind, PartnerRole
from foster.cohorts.services import CohortData, InvestmentData, PartnerData
from foster.core.i18n import in_language
from foster.finance.choices import FundingSource

DATE = forms.DateInput(attrs={"type": "date"})


class CohortForm(forms.Form):
    name_ko = forms.CharField(label=_("Korean name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    partner = forms.TypedChoiceField(label=_("Host partner abroad"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((partner.pk, partner.name) for partner in partners)]
        self.fields["partner"].choices = choices  # type: ignore[attr-defined]

    def to_data(self) -> CohortData:
        data = self.cleaned_data
        return CohortData(
            name_ko=data["name_ko"],
            name_en=data.get("name_en") or "",
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            partner_id=data.get("partner"),
        )


class MentorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    expertise = forms.CharField(label=_("Expertise"), max_length=200)


class DemoDayForm(forms.Form):
    demo_day_on = forms.DateField(label=_("Demo day"), widget=DATE)
    venue = forms.CharField(label=_("Venue"), max_length=200)


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    story = forms.CharField(
        label=_("Success story"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Published on the portal's success cases; leave empty to withdraw it."),
    )


class InvestmentForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    fund_program = forms.TypedChoiceField(label=_("Fund"), coerce=int)
    source = forms.ChoiceField(
        label=_("Money of the fund"),
        choices=[
            (FundingSource.GOVERNMENT, FundingSource.GOVERNMENT.label),
            (FundingSource.PRIVATE, FundingSource.PRIVATE.label),
        ],
    )
    fund_amount_krw = forms.IntegerField(label=_("From the fund (KRW)"), min_value=1)
    round_total_krw = forms.IntegerField(label=_("Round total (KRW)"), min_value=1)
    round_name = forms.CharField(label=_("Round"), max_length=60)
    lead_investor = forms.CharField(label=_("Lead investor"), max_length=200)
    invested_on = forms.DateField(label=_("Closed on"), widget=DATE)

    def __init__(self, *args: Any, funds: list[Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", str(uuid.uuid4()))
        super().__init__(*args, **kwargs)
        self.fields["fund_program"].choices = [  # type: ignore[attr-defined]
            (program.pk, in_language(program.name_ko, program.name_en)) for program in funds
        ]

    def to_data(self) -> InvestmentData:
        data = self.cleaned_data
        return InvestmentData(
            key=data["idempotency_key"],
            fund_program_id=data["fund_program"],
            fund_amount_krw=data["fund_amount_krw"],
            source=data["source"],
            round_name=data["round_name"],
            lead_investor=data["lead_investor"],
            round_total_krw=data["round_total_krw"],
            invested_on=data["invested_on"],
        )


class PartnerForm(forms.Form):
    name_ko = forms.CharField(label=_("Korean name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200)
    country = forms.CharField(label=_("Country code"), max_length=2, help_text=_("Two letters, e.g. US"))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    program = forms.TypedChoiceField(label=_("Link to the program"), coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, required=False)

    def __init__(self, *args: Any, programs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((program.pk, in_language(program.name_ko, program.name_en)) for program in programs),
        ]

    def to_data(self) -> PartnerData:
        data = self.cleaned_data
        return PartnerData(
            name_ko=data["name_ko"],
            name_en=data["name_en"],
            country=data["country"],
            city=data.get("city") or "",
            kind=data["kind"],
            website=data.get("website") or "",
        )
