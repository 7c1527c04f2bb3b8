"""Column mappings an import of history reads its file with: saved, edited in the admin, reused."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """Which column of a file holds which field of an answer (see importers.mappings.FIELDS).

    `columns` maps a field to a header, or to a list of headers (the first the file has is
    read); a header written `~text` is the first column whose header contains the text.
    """

    name = models.SlugField(_("name"), max_length=64, unique=True)
    columns = models.JSONField(_("columns"), default=dict)
    date_format = models.CharField(
        _("date format"),
        max_length=64,
        blank=True,
        help_text=_("The dates' strptime format; blank reads ISO 8601 dates and Unix seconds."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ("name",)
        permissions = [("run_import", _("Can import answers from files"))]

    def __str__(self) -> str:
        return self.name
