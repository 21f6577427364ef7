"""Stable choice values of the KPI app. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """What a survey measures."""

    AI_UTILIZATION = "ai_utilization", _("SME AI utilization rate")


class StratumDimension(models.TextChoices):
    """Registry fields a survey's strata (and the frame's stratum sizes) are made of."""

    SIZE_CLASS = "size_class", _("Size class")
    SECTOR = "ksic_section", _("Sector (KSIC section)")
    REGION = "region", _("Region")


class FigureStatus(models.TextChoices):
    """How a figure of the plan stands against its target."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NO_DATA = "no_data", _("No data yet")
    NOT_TRACKED = "not_tracked", _("Not tracked yet")
