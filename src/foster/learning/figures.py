"""The learning figures of the plan dashboard (``foster.kpi.figures``): education participants
(replacing the dashboard's "not tracked yet" placeholder under the same key) and the AI readiness
of SMEs by sector and size class. Both are public (the portal's statistics page) and read
``foster.learning.selectors`` only."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from foster.kpi.figures import RECORDS_SHOWN, Figure, RecordRow, RecordTable, register_figure_provider
from foster.learning.choices import EnrolmentStatus
from foster.learning.models import Diagnostic, Enrolment
from foster.learning.questionnaire import AREAS
from foster.learning.selectors import diagnostic_levels_by_segment, education_participants_by_year
from foster.registry import ksic
from foster.registry.choices import SizeClass


def _records_url(key: str) -> str:
    return f"{reverse('kpi:figure-records')}?figure={key}"


class EducationParticipantsProvider:
    """Completed enrolments (attended to the end, certificate issued), this year and by year."""

    key = "education_participants"

    def figure(self) -> Figure:
        by_year = education_participants_by_year()
        year = timezone.localdate().year
        this_year, total = by_year.get(year, 0), sum(by_year.values())
        latest = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED).aggregate(
            latest=Max("attendance_marked_at")
        )["latest"]
        return Figure(
            key=self.key,
            title=_("Education participants"),
            value=this_year,
            value_text=_("%(year_count)s in %(year)s (%(total)s since the start)")
            % {"year_count": f"{this_year:,}", "year": year, "total": f"{total:,}"},
            target=None,
            target_text=_("No numeric target in the plan: education and consulting for SME staff"),
            status=None,
            source=_("Education: course completions (attendance marked by the course's agency, certificate issued)"),
            as_of=latest,
            is_public=True,
            records_url=_records_url(self.key),
            extra={"by_year": by_year},
        )

    def records(self, *, user: Any) -> RecordTable:
        completed = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED)
        rows = tuple(
            RecordRow(
                (
                    enrolment.session.course.title,
                    timezone.localtime(enrolment.session.starts_at).strftime("%Y-%m-%d"),
                    enrolment.company.name if enrolment.company else "—",
                    enrolment.certificate_code or "",
                ),
                reverse("learning:course-detail", kwargs={"pk": enrolment.session.course_id}),
            )
            for enrolment in completed.select_related("session__course", "company").order_by(
                "-session__starts_at", "-pk"
            )[:RECORDS_SHOWN]
        )
        return RecordTable(
            (_("Course"), _("Session"), _("Company"), _("Certificate")),
            rows,
            completed.count(),
            _("Course completions, newest first; each certificate can be checked on the public page."),
        )


class ReadinessProvider:
    """The SMEs' AI readiness by their latest diagnostic: mean overall level, by sector and size."""

    key = "ai_readiness"

    def figure(self) -> Figure:
        segments = diagnostic_levels_by_segment()
        companies = sum(segment.companies for segment in segments)
        mean = (
            round(sum(segment.mean_overall_level * segment.companies for segment in segments) / companies, 2)
            if companies
            else None
        )
        latest = Diagnostic.objects.aggregate(latest=Max("created_at"))["latest"]
        levels = {level: sum(segment.overall_level_counts[level] for segment in segments) for level in range(1, 6)}
        return Figure(
            key=self.key,
            title=_("AI readiness of SMEs (diagnostic)"),
            value=mean,
            value_text=(
                _("Mean level %(mean)s of 5 over %(companies)s companies")
                % {"mean": f"{mean:.2f}", "companies": f"{companies:,}"}
                if mean is not None
                else _("No diagnostic yet")
            ),
            target=None,
            target_text=_("No numeric target in the plan; it shows where SMEs start"),
            status=None,
            source=_("AI readiness diagnostic: each company's latest result, by KSIC section and size class"),
            as_of=latest,
            is_public=True,
            records_url=_records_url(self.key),
            extra={"companies_by_level": levels},
        )

    def records(self, *, user: Any) -> RecordTable:
        sections = ksic.sections()
        sizes = dict(SizeClass.choices)
        segments = diagnostic_levels_by_segment()
        rows = tuple(
            RecordRow(
                (
                    f"{segment.ksic_section} {sections[segment.ksic_section].name}"
                    if segment.ksic_section in sections
                    else segment.ksic_section,
                    str(sizes.get(segment.size_class, segment.size_class)),
                    f"{segment.companies:,}",
                    f"{segment.mean_overall_level:.2f}",
                    *(f"{segment.mean_area_levels[area]:.2f}" for area in AREAS),
                )
            )
            for segment in segments
        )
        from foster.learning.choices import Area

        labels = dict(Area.choices)
        return RecordTable(
            (
                _("KSIC section"),
                _("Size class"),
                _("Companies diagnosed"),
                _("Mean overall level"),
                *(str(labels[area]) for area in AREAS),
            ),
            rows,
            len(segments),
            _("Each company's latest diagnostic, grouped by sector and size class; levels are means of 1 to 5."),
        )


def register_learning_figures() -> None:
    """Plug the learning figures into the plan dashboard (called by ``LearningConfig.ready``, after
    ``KpiConfig.ready`` has registered the plan's figures: ``foster.kpi`` comes first in
    ``INSTALLED_APPS``)."""
    register_figure_provider(EducationParticipantsProvider())
    register_figure_provider(ReadinessProvider())
