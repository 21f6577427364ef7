from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "foster.finance"
    verbose_name = _("Finance ledger")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.finance import permissions  # noqa: F401
