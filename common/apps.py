from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The shared kernel: what every app may use, and which imports none of them."""

    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.db.models import Field, ForeignObject

        from common.sql import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # relations keep a lookup table of their own
