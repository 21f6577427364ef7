from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetState(models.TextChoices):
    PROFILING = "profiling", _("Being checked")
    READY = "ready", _("Ready")
    DELETED = "deleted", _("Original deleted")


class ColumnKindChoice(models.TextChoices):
    """The engine's column kinds (foster.engines.synthesis.ColumnKind), as the owner may choose them."""

    NUMBER = "number", _("Number")
    INTEGER = "integer", _("Whole number")
    BOOLEAN = "boolean", _("Yes / no")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    CATEGORY = "category", _("Category")
    IDENTIFIER = "identifier", _("Identifier or free text")  # replaced, not modelled: said under the table


class PersonalDataKind(models.TextChoices):
    RESIDENT_NUMBER = "resident_number", _("Resident registration number")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    PERSON_NAME = "person_name", _("Person's name")
    BUSINESS_NUMBER = "business_number", _("Business registration number")


class PersonalDataHandling(models.TextChoices):
    DROP = "drop", _("Drop the column")
    PSEUDONYMISE = "pseudonymise", _("Replace by a keyed pseudonym")
    KEEP = "keep", _("Keep as it is (owner's decision)")


class SynthesisMethod(models.TextChoices):
    CART = "cart", _("Sequential trees (recommended)")
    DP = "dp", _("Differential privacy (MST)")


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class PermittedUse(models.TextChoices):
    MODEL_DEVELOPMENT = "model_development", _("Developing and training an AI model")
    PROOF_OF_CONCEPT = "proof_of_concept", _("Proof of concept for the owner")
    EVALUATION = "evaluation", _("Evaluating a solution before a contract")
    RESEARCH = "research", _("Research, no commercial use")


class DeletionReason(models.TextChoices):
    OWNER = "owner", _("Deleted at the owner's request")
    RETENTION = "retention", _("Deleted at the end of the retention period")
