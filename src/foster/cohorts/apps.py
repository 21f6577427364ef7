from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    """Accelerator and overseas cohorts built on the programs, calls, applications and selection of
    earlier issues: the selected startups, mentors, demo day, follow-on investment recorded against
    the AI fund through finance, partner organisations abroad (issue 9; docs/learning.md)."""

    name = "foster.cohorts"
    verbose_name = _("Accelerator and overseas cohorts")

    def ready(self) -> None:
        from foster.cohorts import permissions  # noqa: F401  (registers the rules)
