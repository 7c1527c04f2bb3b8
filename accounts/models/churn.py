"""Why accounts leave: the churn and downgrade log, and the taxonomy of reasons it is recorded with."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models.accounts import Account


class ChurnReason(models.Model):
    """A reason an account leaves or shrinks, named in both languages; CX leads edit the list."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh_hans = models.CharField(_("name (simplified Chinese)"), max_length=120)
    name_zh_hant = models.CharField(_("name (traditional Chinese)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("churn reason")
        verbose_name_plural = _("churn reasons")
        ordering = ("position", "key")

    def __str__(self) -> str:
        return self.name_in(translation.get_language())

    def name_in(self, language: str | None) -> str:
        """The reason's name in this language (zh-hans, zh-hant; English otherwise, or when it has none)."""
        language = (language or "").lower()
        if language.startswith(("zh-hant", "zh-tw", "zh-hk")):
            return self.name_zh_hant or self.name_en
        if language.startswith("zh"):
            return self.name_zh_hans or self.name_en
        return self.name_en


class ChurnRecord(models.Model):
    """An account that left (churn) or pays less (downgrade): when, how much MRR, why, who said so.

    A record the platform proposes (an MRR drop in the signals, a renewal date passed) waits for its
    CSM to confirm it; only confirmed records count in the retention figures.
    """

    class Kind(models.TextChoices):
        CHURN = "churn", _("Churn")
        DOWNGRADE = "downgrade", _("Downgrade")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="churn_records", verbose_name=_("account")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    date = models.DateField(_("date"))
    mrr_lost = models.DecimalField(_("MRR lost"), max_digits=14, decimal_places=2)
    reasons = models.ManyToManyField(ChurnReason, blank=True, related_name="records", verbose_name=_("reasons"))
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="churn_records",
        verbose_name=_("recorded by"),
    )
    proposed_because = models.CharField(_("proposed because"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("churn record")
        verbose_name_plural = _("churn records")
        ordering = ("-date", "-id")
        # the monthly review of every CSM (portfolio.admin_review); without it a CSM sees their own
        permissions = [("view_churn_review_all", _("Can see every CSM's churn review"))]
        indexes = [
            models.Index(fields=("date", "kind"), name="churn_date_kind"),
            models.Index(fields=("account", "date"), name="churn_account_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(mrr_lost__gte=0), name="churn_mrr_lost_not_negative"),
            # one record of a kind per account and day: a proposal made twice, or a retried API call, is the same one
            models.UniqueConstraint(fields=("account", "kind", "date"), name="churn_one_per_account_kind_day"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.date}"
