from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "foster.selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from foster.selection import permissions  # noqa: F401  (registers the rules)
