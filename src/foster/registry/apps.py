from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "foster.registry"
    verbose_name = _("Company registry")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.registry import permissions  # noqa: F401
