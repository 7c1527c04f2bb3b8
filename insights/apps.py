from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Reports over the other apps: the metrics API and the admin's Insights page."""

    name = "insights"
    verbose_name = _("Insights")
