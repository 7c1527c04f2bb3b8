from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelightedConfig(AppConfig):
    name = "delighted"
    verbose_name = _("Delighted-compatible API")
