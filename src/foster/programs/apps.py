from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "foster.programs"
    verbose_name = _("Programs and calls")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.programs import permissions  # noqa: F401
