"""An answer to a survey."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models.customers import Customer
from surveys.models.defaults import LOCALE_CHOICES
from surveys.models.surveys import Survey, Touchpoint
from surveys.scoring import Classification


class Response(models.Model):
    class Channel(models.TextChoices):
        API = "api", _("API")
        LINK = "link", _("Public link")
        EMAIL = "email", _("Email")
        WIDGET = "widget", _("Widget")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.PROTECT,
        related_name="responses",
        null=True,
        blank=True,
        verbose_name=_("touchpoint"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, related_name="responses", null=True, blank=True, verbose_name=_("customer")
    )
    score = models.SmallIntegerField(_("score"))
    classification = models.CharField(_("classification"), max_length=16, choices=[(c, c) for c in Classification])
    comment = models.TextField(_("comment"), blank=True)
    locale = models.CharField(_("locale"), max_length=8, choices=LOCALE_CHOICES, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.API)
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    client_metadata = models.JSONField(_("client metadata"), default=dict, blank=True)
    invitation = models.OneToOneField(
        "Invitation",
        on_delete=models.SET_NULL,
        related_name="response",
        null=True,
        blank=True,
        verbose_name=_("invitation"),
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    # The customer's segment when they answered: a later change of plan does not rewrite history.
    plan = models.CharField(_("plan"), max_length=100, blank=True)
    account = models.CharField(_("account"), max_length=200, blank=True)
    # The client's Idempotency-Key: a retried request with the same key is this answer again.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ("-submitted_at", "-id")
        indexes = [
            models.Index(fields=("survey", "submitted_at"), name="response_survey_time"),
            models.Index(fields=("touchpoint", "submitted_at"), name="response_touchpoint_time"),
            models.Index(fields=("submitted_at",), name="response_time"),
            models.Index(fields=("account", "submitted_at"), name="response_account_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=10), name="response_score_0_10"),
            models.UniqueConstraint(
                fields=("survey", "idempotency_key"),
                condition=models.Q(idempotency_key__gt=""),
                name="response_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.score}"
