"""Forms of the finance pages. An official never types entries: each form names one operation
(approve, disburse, repay, ...) and an amount, and the service builds the balanced transfer, so
no form can produce an unbalanced one. Each form carries an idempotency key made when the page
was shown, so a double submit posts once."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.finance.choices import FundingSource, Instrument, RepaymentMethod
from foster.finance.models import REFERENCE_MAX_LENGTH


def new_key() -> str:
    return uuid.uuid4().hex


class AgreementApproveForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reference = forms.CharField(
        label=_("Agreement number"),
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("Your agency's number for this agreement; the next free one is suggested."),
    )
    business_registration_number = forms.CharField(label=_("Business registration number"), max_length=20)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=Instrument.choices)
    amount_krw = forms.IntegerField(label=_("Amount (KRW)"), min_value=1)
    interest_rate_basis_points = forms.IntegerField(
        label=_("Interest rate (basis points a year)"), min_value=0, max_value=5_000, initial=0, required=False
    )
    private_matched_krw = forms.IntegerField(
        label=_("Private investment matched (KRW)"), min_value=0, initial=0, required=False
    )
    repayment_method = forms.ChoiceField(
        label=_("Repayment schedule (loans)"),
        choices=RepaymentMethod.choices,
        required=False,
        help_text=_("Leave empty for no computed schedule."),
    )
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600, required=False)
    grace_months = forms.IntegerField(
        label=_("Grace period (months, interest only)"), min_value=0, max_value=599, initial=0, required=False
    )
    starts_on = forms.DateField(label=_("Loan starts on"), required=False)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("repayment_method"):
            for name in ("term_months", "starts_on"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, _("Needed for a computed repayment schedule."))
        return cleaned


class AgreementOperationForm(forms.Form):
    OPERATIONS = [
        ("disburse", _("Disburse / issue / pay instalment")),
        ("repay", _("Record a loan repayment")),
        ("cancel", _("Cancel what is not yet paid out")),
        ("release", _("Release guarantee")),
        ("claim", _("Pay a guarantee claim")),
        ("settle", _("Settle unspent grant money")),
    ]
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    operation = forms.ChoiceField(label=_("Operation"), choices=OPERATIONS)
    amount_krw = forms.IntegerField(label=_("Amount or principal (KRW)"), min_value=0, required=False)
    interest_krw = forms.IntegerField(
        label=_("Interest (KRW)"),
        min_value=0,
        required=False,
        help_text=_("For a repayment, leave empty to charge the interest accrued to today (actual/365)."),
    )


class ProgramMoneyForm(forms.Form):
    OPERATIONS = [
        ("budget_fund", _("Fund the program's budget")),
        ("fund_commit", _("Record a fund commitment")),
        ("capital_call", _("Call committed fund capital")),
    ]
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    operation = forms.ChoiceField(label=_("Operation"), choices=OPERATIONS)
    source = forms.ChoiceField(label=_("Source"), choices=FundingSource.choices[1:])
    amount_krw = forms.IntegerField(label=_("Amount (KRW)"), min_value=1)


class ExposureImportForm(forms.Form):
    source = forms.SlugField(label=_("Reporting agency code"), max_length=40)
    as_of = forms.DateField(label=_("As of"), initial=dt.date.today)
    file = forms.FileField(label=_("CSV or Excel file"))


class TransferReverseForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    reason = forms.CharField(
        label=_("Why is this transfer reversed?"),
        max_length=300,
        help_text=_("Required; recorded on the reversing transfer and in the audit log."),
    )
