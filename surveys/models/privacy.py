"""The audit of what was forgotten."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    """A customer forgotten (PIPL / GDPR), as the audit keeps it: who, when, how, how much; never whom.

    `reference` is a keyed hash of the external id, so that a later question ("was customer X
    forgotten?") can be answered by whoever knows X, and by nobody else.
    """

    class Via(models.TextChoices):
        API = "api", _("API")
        ADMIN = "admin", _("admin")
        COMMAND = "command", _("command")
        RETENTION = "retention", _("retention period")

    reference = models.CharField(_("reference"), max_length=64, db_index=True, blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    counts = models.JSONField(_("rows changed"), default=dict)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_via_display()} {self.created_at:%Y-%m-%d %H:%M}"
