from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelightedConfig(AppConfig):
    name = "delighted_api"
    label = "delighted"  # its tables and migrations; the module is not `delighted`, which is Delighted's own client
    verbose_name = _("Delighted-compatible API")
