from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from webhooks import admin_chat  # noqa: F401 - registers the chat channels' admin
