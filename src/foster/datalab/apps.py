from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatalabConfig(AppConfig):
    """The data creation LAB: an SME uploads a table and gets synthetic data it can share (issue 7)."""

    name = "foster.datalab"
    verbose_name = _("Data creation LAB")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.datalab import permissions  # noqa: F401
