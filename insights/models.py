"""Insights store nothing of their own: one model without a table carries who may see them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InsightsAccess(models.Model):
    """No table: the holder of `insights.view_insights` (the dashboard and the metrics API)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_insights", _("Can see the insights dashboard and metrics"))]
        verbose_name = _("Insights")
        verbose_name_plural = _("Insights")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
