from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "foster.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.applications import permissions  # noqa: F401
