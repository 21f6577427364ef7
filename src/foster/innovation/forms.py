"""Forms of open innovation: they parse the input shape; the services validate the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.innovation.choices import Confidentiality, PocOutcome
from foster.innovation.services import (
    SCORE_MAXIMUM,
    SCORE_MINIMUM,
    ChallengeData,
    MilestoneData,
    ProposalData,
    StartupProfileData,
    SuccessCaseData,
)
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


class ChosenStartupsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes for the startups already chosen only, not one per startup of the platform (there
    may be tens of thousands): more are found with the search beside it, which adds checkboxes."""

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        chosen = [int(pk) for pk in value if str(pk).isdigit()]
        companies = Company.objects.filter(pk__in=chosen).order_by("name_ko")
        options = [
            self.create_option(name, str(company.pk), company.name, True, index, attrs=attrs)
            for index, company in enumerate(companies)
        ]
        return [(None, options, 0)] if options else []


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
        widget=ChosenStartupsWidget,
        help_text=_(
            "Only for invited-only challenges: the startups that may see it and propose. Find them by name or "
            "registration number below, or invite recommended startups from the challenge's page."
        ),
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


class ProposalEvaluationForm(forms.Form):
    """One evaluator's scores of a proposal: every rubric criterion from 1 to 5, and a comment."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), str(value)) for value in range(SCORE_MINIMUM, SCORE_MAXIMUM + 1)]
        self.criteria = criteria
        for criterion in criteria:
            self.fields[criterion.key] = forms.TypedChoiceField(
                label=criterion.label,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("Weight %(weight)s%%; 1 poor, 5 excellent.") % {"weight": criterion.weight},
            )
        self.order_fields([criterion.key for criterion in criteria] + ["comment"])

    def scores(self) -> dict[str, int]:
        return {criterion.key: self.cleaned_data[criterion.key] for criterion in self.criteria}


class SuggestionForm(forms.Form):
    """How many projects the suggestion may hold at most (empty: as many as the budget allows)."""

    max_projects = forms.IntegerField(label=_("At most this many projects"), required=False, min_value=1)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    deliverable = forms.CharField(
        label=_("Deliverable"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What will be handed over, e.g. a test report on 2,000 night-shift images."),
    )
    due_on = forms.DateField(label=_("Due date"), widget=DATE_INPUT)

    def to_data(self) -> MilestoneData:
        values = self.cleaned_data
        return MilestoneData(title=values["title"], deliverable=values["deliverable"], due_on=values["due_on"])


class MilestoneSubmitForm(forms.Form):
    note = forms.CharField(
        label=_("What you deliver"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Results, how they were measured, and where the deliverable is."),
    )
    file = forms.FileField(
        label=_("Deliverable file"),
        required=False,
        help_text=_("Optional: a report or results (PDF, HWP, HWPX, DOCX, XLSX, PNG or JPEG)."),
    )


class MilestoneDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return for changes"))])
    feedback = forms.CharField(label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProjectCompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PocOutcome.choices, widget=forms.RadioSelect)
    outcome_summary = forms.CharField(
        label=_("Summary of the outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the proof of concept showed, in plain words."),
    )
    results = forms.CharField(
        label=_("Measured results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: missed defects on the night shift fell from 3.1% to 0.4%."),
    )


class ProjectStopForm(forms.Form):
    reason = forms.CharField(label=_("Why the project stops"), widget=forms.Textarea(attrs={"rows": 3}))


class SuccessCaseForm(forms.Form):
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, required=False)
    summary_ko = forms.CharField(label=_("Story (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    summary_en = forms.CharField(label=_("Story (English)"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def to_data(self) -> SuccessCaseData:
        return SuccessCaseData(**{name: self.cleaned_data[name] for name in self.fields})
