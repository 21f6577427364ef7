"""Stable choice values of applications. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Screened: eligible")
    INELIGIBLE = "ineligible", _("Screened: ineligible")
    UNDER_REVIEW = "under_review", _("Under review")
    REVIEWED = "reviewed", _("Reviewed")
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve")
    REJECTED = "rejected", _("Rejected")
    AGREEMENT = "agreement", _("Agreement")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Actor(models.TextChoices):
    """Who may take a workflow transition."""

    APPLICANT = "applicant", _("Applicant")
    OFFICIAL = "official", _("Agency official")
    SYSTEM = "system", _("System")
