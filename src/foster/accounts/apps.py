from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "foster.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.accounts import permissions, signals  # noqa: F401
