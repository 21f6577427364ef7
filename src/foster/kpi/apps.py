from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    """KPIs and monitoring: surveys and their waves, survey-weighted estimates and forecasts, and the
    plan dashboard of every target (docs/kpi.md)."""

    name = "foster.kpi"
    verbose_name = _("KPIs and monitoring")

    def ready(self) -> None:
        # Registers the `rules` permissions; without this import every permission is refused.
        from foster.kpi import permissions  # noqa: F401
        from foster.kpi.figures import register_plan_figures

        register_plan_figures()
