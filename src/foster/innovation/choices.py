"""Stable choice values of open innovation. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidentiality(models.TextChoices):
    """Who may see an open challenge besides its owner."""

    PUBLIC = "public", _("Public: every signed-in user")
    INVITED = "invited", _("Invited startups only")


class ChallengeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for proposals")
    CLOSED = "closed", _("Closed")


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    SELECTED = "selected", _("Selected")
    REJECTED = "rejected", _("Rejected")
