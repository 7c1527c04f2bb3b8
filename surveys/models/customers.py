"""The customer, as the business's systems and the answers describe it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.text import bidi_controls_refused
from surveys.models.defaults import LOCALE_CHOICES


class Customer(models.Model):
    external_id = models.CharField(_("external id"), max_length=128, unique=True, validators=[bidi_controls_refused])
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[bidi_controls_refused])
    locale = models.CharField(_("locale"), max_length=8, choices=LOCALE_CHOICES, blank=True)
    # The account's external id (the column keeps its name and text); an event or a signed identity sets it.
    account = models.ForeignKey(
        "accounts.Account",
        to_field="external_id",
        db_column="account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("account"),
    )
    plan = models.CharField(_("plan"), max_length=100, blank=True, db_index=True)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("For example MRR.")
    )
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    email_bounced_at = models.DateTimeField(_("email bounced at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ("external_id",)

    def __str__(self) -> str:
        return self.name or self.email or self.external_id
