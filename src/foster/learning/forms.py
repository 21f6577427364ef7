"""Forms of education, consulting and the diagnostic: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foster.core.i18n import in_language
from foster.learning import questionnaire
from foster.learning.choices import Area, Audience, CourseLevel, CourseTopic, Delivery
from foster.learning.models import Consultant
from foster.learning.services import ConsultantData, ConsultingRequestData, CourseData
from foster.registry.choices import Region


class DiagnosticForm(forms.Form):
    """One radio group per question (labels in the active language) and the problem in the owner's
    words. Answers are not required here: the service refuses an incomplete questionnaire and names
    every missing question at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questionnaire.QUESTIONS, start=1):
            self.fields[question.key] = forms.TypedChoiceField(
                label=f"{number}. {in_language(question.text_ko, question.text_en)}",
                choices=[(option.points, in_language(option.text_ko, option.text_en)) for option in question.options],
                coerce=int,
                widget=forms.RadioSelect,
                required=False,
            )
        self.fields["problem"] = forms.CharField(
            label=_("What problem would you like AI to solve?"),
            help_text=_(
                "In your own words, e.g. “We miss scratches on painted parts at night”. "
                "We look for startups whose solutions match."
            ),
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            max_length=2000,
        )

    def areas(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The question fields grouped by area, in the questionnaire's order (for the template)."""
        labels = dict(Area.choices)
        return [
            (
                str(labels[area]),
                [self[question.key] for question in questionnaire.QUESTIONS if question.area == area],
            )
            for area in questionnaire.AREAS
        ]

    def answers(self) -> dict[str, Any]:
        return {
            question.key: self.cleaned_data.get(question.key)
            for question in questionnaire.QUESTIONS
            if self.cleaned_data.get(question.key) not in (None, "")
        }


class CalendarFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), choices=[("", _("All regions")), *Region.choices], required=False)
    audience = forms.ChoiceField(label=_("Audience"), choices=[("", _("Everyone")), *Audience.choices], required=False)
    delivery = forms.ChoiceField(
        label=_("Delivery"), choices=[("", _("Online and on site")), *Delivery.choices], required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("All levels")), *CourseLevel.choices], required=False)
    area = forms.ChoiceField(label=_("Area"), choices=[("", _("All areas")), *Area.choices], required=False)


class CourseForm(forms.Form):
    title_ko = forms.CharField(label=_("Korean title"), max_length=200)
    title_en = forms.CharField(label=_("English title"), max_length=200, required=False)
    summary_ko = forms.CharField(label=_("Korean summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    summary_en = forms.CharField(label=_("English summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=CourseTopic.choices)
    area = forms.ChoiceField(label=_("Diagnostic area it strengthens"), choices=Area.choices)
    level = forms.ChoiceField(label=_("Level"), choices=CourseLevel.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    delivery = forms.ChoiceField(label=_("Delivery"), choices=Delivery.choices)
    region = forms.ChoiceField(label=_("Region (on site)"), choices=[("", "—"), *Region.choices], required=False)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=400, initial=8)

    def to_data(self) -> CourseData:
        data = self.cleaned_data
        return CourseData(
            title_ko=data["title_ko"],
            title_en=data.get("title_en") or "",
            summary_ko=data.get("summary_ko") or "",
            summary_en=data.get("summary_en") or "",
            topic=data["topic"],
            area=data["area"],
            level=data["level"],
            audience=data["audience"],
            delivery=data["delivery"],
            region=data.get("region") or "",
            hours=data["hours"],
        )


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10_000, initial=30)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enrolments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [  # type: ignore[attr-defined]
            (enrolment.pk, enrolment.user.full_name or enrolment.user.email) for enrolment in enrolments
        ]


class ConsultantForm(forms.Form):
    email = forms.EmailField(label=_("Expert's e-mail address"))
    expertise_areas = forms.MultipleChoiceField(
        label=_("Areas of expertise"), choices=Area.choices, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.CharField(label=_("Sectors (KSIC sections, e.g. C, J)"), max_length=60, required=False)
    regions = forms.MultipleChoiceField(
        label=_("Regions served"),
        choices=Region.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    load_limit = forms.IntegerField(label=_("Open requests at most"), min_value=1, max_value=50, initial=3)
    bio = forms.CharField(label=_("Profile"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def to_data(self) -> ConsultantData:
        data = self.cleaned_data
        return ConsultantData(
            email=data["email"],
            expertise_areas=list(data["expertise_areas"]),
            sectors=[part for part in (data.get("sectors") or "").replace(",", " ").split() if part],
            regions=list(data.get("regions") or []),
            load_limit=data["load_limit"],
            bio=data.get("bio") or "",
        )


class ConsultantEditForm(ConsultantForm):
    """A pooled expert's details and whether they take new requests (the expert stays: no e-mail)."""

    is_active = forms.BooleanField(
        label=_("Takes new requests"),
        required=False,
        help_text=_("Untick to pause new assignments; requests already assigned stay with the consultant."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        self.fields["load_limit"].help_text = _("A limit below the open requests only holds back new ones.")

    @staticmethod
    def initial_of(consultant: Consultant) -> dict[str, Any]:
        return {
            "expertise_areas": consultant.expertise_areas,
            "sectors": " ".join(consultant.sectors),
            "regions": consultant.regions,
            "load_limit": consultant.load_limit,
            "bio": consultant.bio,
            "is_active": consultant.is_active,
        }

    def to_data(self) -> ConsultantData:
        self.cleaned_data["email"] = ""
        return replace(super().to_data(), is_active=bool(self.cleaned_data.get("is_active")))


class ConsultingRequestForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int)
    topic = forms.ChoiceField(label=_("Topic"), choices=Area.choices)
    problem = forms.CharField(
        label=_("Problem"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("What is the situation, and what would you like to achieve?"),
    )
    preferred_time = forms.CharField(
        label=_("Preferred time"), max_length=200, help_text=_("For example: weekday afternoons, from next month")
    )
    diagnostic = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            (agency.pk, in_language(agency.name_ko, agency.name_en)) for agency in agencies
        ]

    def to_data(self) -> ConsultingRequestData:
        data = self.cleaned_data
        return ConsultingRequestData(
            agency_id=data["agency"],
            topic=data["topic"],
            problem=data["problem"],
            preferred_time=data["preferred_time"],
            diagnostic_id=data.get("diagnostic"),
        )


class ConsultingSessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1000, initial=60)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_held_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["held_on"]
        return value


class ConsultingCloseForm(forms.Form):
    report = forms.CharField(label=_("Closing report"), widget=forms.Textarea(attrs={"rows": 5}))


class ConsultingFeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — neutral")),
            (2, _("2 — dissatisfied")),
            (1, _("1 — very dissatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
