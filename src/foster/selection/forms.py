"""Forms of the selection pages: a scenario's constraints (one field per rule, not JSON) and a
committee override."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.programs.models import Call
from foster.registry.choices import Region
from foster.registry.ksic import sections
from foster.selection.choices import OverrideDecision
from foster.selection.services import MAX_RESERVE_COUNT, ScenarioSettings


class ScenarioForm(forms.Form):
    """A scenario's name and constraints. Empty optional fields switch a rule off; the regional
    minimums and sector maximums are one field per region and per KSIC section."""

    name = forms.CharField(label=_("Name"), max_length=200)
    budget_krw = forms.IntegerField(label=_("Budget (KRW)"), min_value=1)
    ai_share_percent = forms.FloatField(
        label=_("Minimum share of money to AI and semiconductors (%)"), required=False, min_value=0, max_value=100
    )
    strategic_share_percent = forms.FloatField(
        label=_("Minimum share of money to strategic technology (%)"), required=False, min_value=0, max_value=100
    )
    designation_count = forms.IntegerField(
        label=_("Exact number of designations"),
        required=False,
        min_value=0,
        help_text=_("For designation programs; leave empty for no count."),
    )
    company_cap_krw = forms.IntegerField(
        label=_("Cap per company including existing exposure (KRW)"),
        required=False,
        min_value=1,
        help_text=_(
            "Loans and guarantees the company already has at every agency count toward it; leave empty for no cap."
        ),
    )
    use_lottery = forms.BooleanField(label=_("Draw lots among applications tied at the funding line"), required=False)
    tie_band = forms.FloatField(
        label=_("Tie band (score points)"),
        required=False,
        min_value=0,
        help_text=_("Used for applications without a reviewer spread; 0 uses the spread only."),
    )
    seed = forms.IntegerField(label=_("Lottery seed"), min_value=0)
    reserve_count = forms.IntegerField(
        label=_("Applications on the reserve list"), min_value=0, max_value=MAX_RESERVE_COUNT
    )
    extra_calls = forms.ModelMultipleChoiceField(
        label=_("Other calls sharing this budget"),
        queryset=Call.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        extra = self.fields["extra_calls"]
        assert isinstance(extra, forms.ModelMultipleChoiceField)
        extra.queryset = Call.objects.filter(program__agency_id=call.program.agency_id).exclude(pk=call.pk)
        for code, label in Region.choices:
            self.fields[f"region_{code}"] = forms.IntegerField(
                label=_("Regional minimum: %(region)s (KRW)") % {"region": label}, required=False, min_value=0
            )
        for code, entry in sections().items():
            self.fields[f"sector_{code}"] = forms.IntegerField(
                label=_("Sector maximum: %(section)s (KRW)") % {"section": f"{code} {entry.name}"},
                required=False,
                min_value=0,
            )

    @property
    def region_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("region_")]

    @property
    def sector_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("sector_")]

    @property
    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith(("region_", "sector_"))]

    @staticmethod
    def initial_from(name: str, data: ScenarioSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": name, **data.to_json(), "extra_calls": data.extra_call_ids}
        for code, amount in data.regional_minimums_krw.items():
            initial[f"region_{code}"] = amount
        for code, amount in data.sector_maximums_krw.items():
            initial[f"sector_{code}"] = amount
        return initial

    def to_settings(self) -> ScenarioSettings:
        data = self.cleaned_data
        return ScenarioSettings(
            budget_krw=data["budget_krw"],
            ai_share_percent=data.get("ai_share_percent"),
            strategic_share_percent=data.get("strategic_share_percent"),
            designation_count=data.get("designation_count"),
            company_cap_krw=data.get("company_cap_krw"),
            regional_minimums_krw={
                code: data[f"region_{code}"] for code in Region.values if data.get(f"region_{code}")
            },
            sector_maximums_krw={
                code: data[f"sector_{code}"] for code in sections() if data.get(f"sector_{code}") is not None
            },
            use_lottery=bool(data.get("use_lottery")),
            tie_band=data.get("tie_band") or 0.0,
            seed=data["seed"],
            reserve_count=data["reserve_count"],
            extra_call_ids=sorted(call.pk for call in data.get("extra_calls") or []),
        )


class ScenarioCreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the new scenario"), max_length=200)


class OverrideForm(forms.Form):
    """The committee locks an application in or out; the reason is required."""

    application = forms.IntegerField(label=_("Application number"), min_value=1)
    decision = forms.ChoiceField(label=_("Decision"), choices=OverrideDecision.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput)
