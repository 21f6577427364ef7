from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class NotificationKind(models.TextChoices):
    """What a notification is about; each user chooses which kinds they receive and how."""

    SUBMISSION_RECEIVED = "submission_received", _("Submission received")
    SCREENING_RESULT = "screening_result", _("Screening result")
    DECISION = "decision", _("Selection decision")
    REVIEW_ASSIGNMENT = "review_assignment", _("Review assignment")
    REVIEW_REMINDER = "review_reminder", _("Review deadline reminder")
    PROPOSAL_RECEIVED = "proposal_received", _("Proposal received (open innovation)")
    PROPOSAL_DECISION = "proposal_decision", _("Decision on a proposal (open innovation)")
    POC_UPDATE = "poc_update", _("Proof-of-concept project update")
    SUCCESS_CASE = "success_case", _("Success case to approve")
    EDUCATION = "education", _("Course places and certificates")
    CONSULTING = "consulting", _("Consulting requests")
