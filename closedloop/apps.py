from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosedloopConfig(AppConfig):
    name = "closedloop"
    verbose_name = _("Closed loop")

    def ready(self) -> None:
        from closedloop.models import Case
        from webhooks import chat_texts

        chat_texts.labels_register("reason", Case.Reason.choices)  # chat messages name a case's reason in words
