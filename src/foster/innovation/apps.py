from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    """Open innovation: challenges, startup profiles and matchmaking (models come later; issue 6)."""

    name = "foster.innovation"
    verbose_name = _("Open innovation")
