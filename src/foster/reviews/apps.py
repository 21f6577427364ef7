from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "foster.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.reviews import permissions  # noqa: F401
