"""Forms of the data LAB: they parse the input shape; the services validate the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foster.datalab.choices import ColumnKindChoice, PermittedUse, PersonalDataHandling, SynthesisMethod
from foster.datalab.models import Dataset
from foster.datalab.services import AgreementData, ColumnChange, RunData
from foster.datalab.tables import personal_data_label
from foster.registry.models import Company

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DatasetUploadForm(forms.Form):
    """A table to upload for one of the user's companies."""

    company = forms.ModelChoiceField(label=_("For the company"), queryset=Company.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("Table file"),
        allow_empty_file=True,  # the service says what is wrong with an empty file, in the LAB's words
        help_text=_("CSV (UTF-8 or CP949/EUC-KR), Excel .xlsx or Parquet; the first row holds the column names."),
    )

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]


class DatasetColumnsForm(forms.Form):
    """The kind and the personal-data treatment of every column, one pair of fields per column."""

    def __init__(self, *args: Any, dataset: Dataset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        for column in dataset.columns:
            name = column["name"]
            kind_label = _("Kind of “%(column)s”") % {"column": name}
            handling_label = _("Treatment of “%(column)s”") % {"column": name}
            # The selects stand in a table row under the column's name: their labels are given as aria-label.
            self.fields[f"kind:{name}"] = forms.ChoiceField(
                label=kind_label,
                choices=ColumnKindChoice.choices,
                initial=column["kind"],
                widget=forms.Select(attrs={"aria-label": kind_label}),
            )
            self.fields[f"handling:{name}"] = forms.ChoiceField(
                label=handling_label,
                choices=[("", _("Use as it is")), *PersonalDataHandling.choices],
                initial=column["handling"],
                required=False,
                widget=forms.Select(attrs={"aria-label": handling_label}),
            )

    def rows(self) -> list[dict[str, Any]]:
        """Per column: its settings and its two bound fields, for the template."""
        return [
            {
                **column,
                "personal_label": personal_data_label(column.get("personal_data", "")),
                "kind_field": self[f"kind:{column['name']}"],
                "handling_field": self[f"handling:{column['name']}"],
            }
            for column in self.dataset.columns
        ]

    def to_changes(self) -> dict[str, ColumnChange]:
        values = self.cleaned_data
        return {
            column["name"]: ColumnChange(
                kind=values[f"kind:{column['name']}"], handling=values.get(f"handling:{column['name']}") or ""
            )
            for column in self.dataset.columns
        }


class RunForm(forms.Form):
    """Settings of a synthesis."""

    method = forms.ChoiceField(
        label=_("Method"), choices=SynthesisMethod.choices, initial=SynthesisMethod.CART, widget=forms.RadioSelect
    )
    rows = forms.IntegerField(
        label=_("Synthetic rows"), required=False, min_value=1, help_text=_("Empty: as many as the table has.")
    )
    seed = forms.IntegerField(
        label=_("Seed"), required=False, min_value=0, help_text=_("Empty: a random seed, recorded with the result.")
    )
    epsilon = forms.FloatField(
        label=_("Privacy budget ε (differential privacy only)"),
        required=False,
        initial=1.0,
        help_text=_("Smaller is more private and less faithful: 1 is strong protection, 10 is weaker."),
    )
    rules = forms.CharField(
        label=_("Business rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, e.g. “end_date >= start_date” or “temperature between 0 and 120”. Orders that hold in "
            "every real row are found and kept on their own."
        ),
    )
    condition_column = forms.ChoiceField(label=_("Oversample a value of"), required=False)
    condition_value = forms.CharField(label=_("Value to oversample"), required=False, max_length=200)
    condition_share = forms.FloatField(
        label=_("Its share of the synthetic rows"),
        required=False,
        min_value=0.0,
        max_value=1.0,
        help_text=_("For example 0.3 for 30% — useful for a rare defect class."),
    )
    target = forms.ChoiceField(
        label=_("Column the utility test predicts"),
        required=False,
        help_text=_("Empty: the last column."),
    )

    def __init__(self, *args: Any, dataset: Dataset, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [("", "—")] + [(column["name"], column["name"]) for column in dataset.modelled_columns]
        self.fields["condition_column"].choices = names  # type: ignore[attr-defined]
        self.fields["target"].choices = names  # type: ignore[attr-defined]

    def to_data(self) -> RunData:
        values = self.cleaned_data
        return RunData(
            method=values["method"],
            rows=values["rows"],
            seed=values["seed"],
            epsilon=values["epsilon"],
            rules=values["rules"],
            condition_column=values["condition_column"],
            condition_value=values["condition_value"],
            condition_share=values["condition_share"],
            target=values["target"],
        )


class AgreementForm(forms.Form):
    """A data-sharing agreement with a startup."""

    recipient_registration_number = forms.CharField(
        label=_("Startup's business registration number"), max_length=20, help_text=_("For example 123-45-67890.")
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    permitted_use = forms.ChoiceField(label=_("Permitted use"), choices=PermittedUse.choices)
    conditions = forms.CharField(
        label=_("Further conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    starts_on = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def to_data(self) -> AgreementData:
        values = self.cleaned_data
        return AgreementData(
            recipient_registration_number=values["recipient_registration_number"],
            purpose=values["purpose"],
            permitted_use=values["permitted_use"],
            conditions=values["conditions"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
        )


class AgreementRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why"), required=False, max_length=2000)
