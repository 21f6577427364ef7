"""Stable choice values of cohorts and partner organisations. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    ACCELERATOR = "accelerator", _("Accelerator")
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body")


class PartnerRole(models.TextChoices):
    JOINT_RESEARCH = "joint_research", _("Joint research")
    EXPANSION = "expansion", _("Overseas expansion support")
    MENTORING = "mentoring", _("Mentoring and demo day")


COHORT_PROGRAM_TYPES = ("accelerator", "overseas")
"""Program types whose calls form cohorts (``foster.programs.choices.ProgramType`` values)."""

SELECTED_STATUSES = ("selected", "agreement", "active", "closed")
"""Application statuses of a selected startup (``foster.applications.choices.ApplicationStatus``)."""
