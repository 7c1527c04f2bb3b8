from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosedloopConfig(AppConfig):
    name = "closedloop"
    verbose_name = _("Closed loop")
