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


class PocState(models.TextChoices):
    """A proof-of-concept project: planned when its proposal is selected, running once both sides
    start it, then completed with an outcome or stopped with a reason."""

    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class PocOutcome(models.TextChoices):
    """What a completed proof of concept showed, as judged by the challenge's owner."""

    ACHIEVED = "achieved", _("Goal achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class MilestoneState(models.TextChoices):
    """A milestone's deliverable: the startup submits it, the challenge's owner accepts it or returns
    it with feedback (a returned one is submitted again)."""

    PLANNED = "planned", _("Planned")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")
