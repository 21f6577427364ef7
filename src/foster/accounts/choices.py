"""Stable choice values for accounts. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does on the platform; decides navigation and, with memberships, access."""

    MINISTRY_PLANNER = "ministry_planner", _("Ministry planner")
    AGENCY_OFFICIAL = "agency_official", _("Agency official")
    REVIEWER = "reviewer", _("Reviewer")
    COMPANY_MEMBER = "company_member", _("Company member")
    LARGE_COMPANY_MEMBER = "large_company_member", _("Large-company member")
    PUBLIC = "public", _("Public")


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Agency")
