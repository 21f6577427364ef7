from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Education and consulting for SMEs, and the AI readiness diagnostic (issue 9; docs/learning.md)."""

    name = "foster.learning"
    verbose_name = _("Education and consulting")

    def ready(self) -> None:
        from foster.learning import permissions  # noqa: F401  (registers the rules)
        from foster.learning.figures import register_learning_figures

        register_learning_figures()
