"""Reads of the KPI app: the surveys and waves a user may see, the headline survey's waves, and
the sampling frame's stratum sizes counted from the registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, QuerySet

from foster.kpi.choices import Indicator, StratumDimension
from foster.kpi.models import Survey, Wave
from foster.registry.choices import SizeClass
from foster.registry.models import Company

SME_SIZE_CLASSES = (SizeClass.STARTUP, SizeClass.SMALL, SizeClass.MEDIUM)
STRATUM_SEPARATOR = "|"


def survey_queryset_for(user: Any) -> QuerySet[Survey]:
    """Surveys ``user`` may see: all of them for planners and officials, none for anyone else."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("kpi.view_surveys"):
        return Survey.objects.none()
    return Survey.objects.all()


def wave_queryset_for(user: Any) -> QuerySet[Wave]:
    """Waves of the surveys ``user`` may see."""
    return Wave.objects.filter(survey__in=survey_queryset_for(user)).select_related("survey")


def headline_survey(indicator: str = Indicator.AI_UTILIZATION) -> Survey | None:
    """The survey the plan's target of ``indicator`` refers to (the first headline survey)."""
    return Survey.objects.filter(indicator=indicator, is_headline=True).order_by("code").first()


def estimated_waves(survey: Survey) -> list[Wave]:
    """The survey's waves that have an estimate, by year."""
    return list(survey.waves.filter(estimate__isnull=False).order_by("year"))


def stratum_label(values: Sequence[str]) -> str:
    """The label of a stratum made of several registry values, e.g. ``small|C``."""
    return STRATUM_SEPARATOR.join(values)


def frame_stratum_sizes(dimensions: Sequence[str]) -> dict[str, int]:
    """The sampling frame's population per stratum: the registry's SMEs (startups, small and medium
    enterprises) counted by ``dimensions`` (``StratumDimension`` values), keyed by stratum label.
    One GROUP BY query."""
    fields = [str(StratumDimension(dimension).value) for dimension in dimensions]
    smes = Company.objects.filter(size_class__in=SME_SIZE_CLASSES)
    if not fields:
        return {stratum_label(["all"]): smes.count()}
    rows = smes.values(*fields).annotate(count=Count("id")).order_by(*fields)
    return {stratum_label([str(row[field]) for field in fields]): int(row["count"]) for row in rows}


def frame_totals(dimension: str) -> dict[str, int]:
    """The registry's SMEs counted by one dimension: the totals a wave is post-stratified to."""
    return frame_stratum_sizes([dimension])
