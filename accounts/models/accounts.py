"""Accounts (the customer companies a subscription is sold to) and the daily signals their systems send about them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import bidi_controls_refused


class Stage(models.TextChoices):
    """Where an account is in its lifecycle; each stage may have its own scorecard."""

    ONBOARDING = "onboarding", _("Onboarding")
    ADOPTION = "adoption", _("Adoption")
    EXPANSION = "expansion", _("Expansion")
    RENEWAL = "renewal", _("Renewal")


class Band(models.TextChoices):
    RED = "red", _("Red")
    YELLOW = "yellow", _("Yellow")
    GREEN = "green", _("Green")


class Account(models.Model):
    """A customer company: what it pays, where it is in its lifecycle, who looks after it, and how it is doing.

    The health and temperature fields hold the latest computation (accounts.services.health); its history is
    in HealthSnapshot, one row a day.
    """

    external_id = models.CharField(_("external id"), max_length=200, unique=True, validators=[bidi_controls_refused])
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[bidi_controls_refused])
    plan = models.CharField(_("plan"), max_length=100, blank=True, db_index=True)
    mrr = models.DecimalField(_("MRR"), max_digits=14, decimal_places=2, null=True, blank=True)
    # Blank: derived from the contract start and the renewal date (settings.CX_STAGE_DAYS).
    stage = models.CharField(_("lifecycle stage"), max_length=12, choices=Stage.choices, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    renewal_date = models.DateField(_("renewal date"), null=True, blank=True)
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("CSM"),
    )
    health_score = models.SmallIntegerField(_("health"), null=True, blank=True)
    health_band = models.CharField(_("health band"), max_length=6, choices=Band.choices, blank=True)
    health_measures = models.JSONField(_("health measures"), default=list, blank=True)
    temperature = models.SmallIntegerField(_("temperature"), null=True, blank=True)
    temperature_band = models.CharField(_("temperature band"), max_length=6, choices=Band.choices, blank=True)
    temperature_measures = models.JSONField(_("temperature measures"), default=list, blank=True)
    health_computed_at = models.DateTimeField(_("health computed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ("external_id",)
        indexes = [
            models.Index(fields=("health_band", "renewal_date"), name="account_portfolio"),
            models.Index(fields=("csm", "health_band"), name="account_csm_band"),
            models.Index(fields=("renewal_date",), name="account_renewal"),
            models.Index(fields=("health_score",), name="account_health"),
        ]

    def __str__(self) -> str:
        return self.name or self.external_id


class AccountSignal(models.Model):
    """One number about one account on one day: `(account, date, key)` is the row's identity.

    On PostgreSQL the table is partitioned by month (migration 0001; accounts.sql_signals makes the months).
    """

    pk = models.CompositePrimaryKey("account", "date", "key")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="signals", verbose_name=_("account"))
    date = models.DateField(_("date"))
    key = models.CharField(_("key"), max_length=64)
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ("account", "date", "key")

    def __str__(self) -> str:
        return f"{self.account_id} {self.date} {self.key}={self.value}"
