"""Stable choice values of education, consulting and the diagnostic. Values are stored; never rename them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The five areas of the AI readiness diagnostic; courses and consultants are tagged with them."""

    STRATEGY = "strategy", _("Strategy")
    DATA = "data", _("Data")
    PEOPLE = "people", _("People")
    PROCESSES = "processes", _("Processes")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class CourseTopic(models.TextChoices):
    AI_STRATEGY = "ai_strategy", _("AI strategy and business cases")
    DATA_LITERACY = "data_literacy", _("Data literacy and data management")
    GENERATIVE_AI = "generative_ai", _("Generative AI at work")
    MACHINE_LEARNING = "machine_learning", _("Machine learning in practice")
    SMART_MANUFACTURING = "smart_manufacturing", _("AI in manufacturing")
    AI_GOVERNANCE = "ai_governance", _("AI ethics, security and governance")
    CLOUD_INFRASTRUCTURE = "cloud_infrastructure", _("Cloud and AI infrastructure")


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Audience(models.TextChoices):
    EXECUTIVES = "executives", _("Executives")
    STAFF = "staff", _("Staff")


class Delivery(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")


class EnrolmentStatus(models.TextChoices):
    """A seat in a session: seated or on the waiting list; cancelled by the participant; after the
    session, completed (attended: a certificate is issued) or absent."""

    SEATED = "seated", _("Seated")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed the course")
    ABSENT = "absent", _("Absent")


ACTIVE_ENROLMENT_STATUSES = (
    EnrolmentStatus.SEATED,
    EnrolmentStatus.WAITLISTED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.ABSENT,
)
"""Statuses that hold a place (or held one): one such enrolment per person and session."""


class ConsultingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Consultant assigned")
    CLOSED = "closed", _("Closed with a report")
    CANCELLED = "cancelled", _("Cancelled")
