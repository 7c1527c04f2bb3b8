"""Contact rules, the invitations they make, and the touchpoint events they decide on."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from surveys.models.customers import Customer
from surveys.models.defaults import LOCALE_CHOICES, new_invitation_token
from surveys.models.surveys import Survey, Touchpoint
from surveys.policy import REASON_LABEL, Reason


class ContactRule(models.Model):
    """When a touchpoint event may invite a customer to a survey: the editable half of the contact policy."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LINK = "link", _("Link (sent by your own systems)")
        WIDGET = "widget", _("Widget")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="contact_rules", verbose_name=_("survey"))
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.CASCADE, related_name="contact_rules", verbose_name=_("touchpoint")
    )
    active = models.BooleanField(_("active"), default=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    sampling_rate = models.FloatField(
        _("sampling rate"),
        default=1.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Share of eligible customers asked (0–1); the same customer gets the same draw all period."),
    )
    sampling_period_days = models.PositiveSmallIntegerField(_("sampling period (days)"), default=30)
    delay_minutes = models.PositiveIntegerField(_("delay before sending (minutes)"), default=0)
    cooldown_days = models.PositiveSmallIntegerField(
        _("cooldown (days)"), default=30, help_text=_("Not if invited to any survey, by any channel, in this time.")
    )
    recontact_days = models.PositiveSmallIntegerField(
        _("recontact window (days)"), default=90, help_text=_("Not if invited at this touchpoint in this time.")
    )
    cap_per_90_days = models.PositiveSmallIntegerField(_("invitations per 90 days, at most"), default=3)
    expiry_days = models.PositiveSmallIntegerField(_("invitation expires after (days)"), default=30)
    priority = models.SmallIntegerField(
        _("priority"), default=0, help_text=_("With several surveys at one touchpoint, the highest priority asks.")
    )

    class Meta:
        verbose_name = _("contact rule")
        verbose_name_plural = _("contact rules")
        ordering = ("touchpoint", "-priority", "id")
        constraints = [models.UniqueConstraint(fields=("survey", "touchpoint"), name="contact_rule_survey_touchpoint")]

    def __str__(self) -> str:
        return f"{self.survey} @ {self.touchpoint}"


# A claim to send an invitation that is older than this was left by a worker that died.
INVITATION_CLAIM_TIMEOUT = timedelta(minutes=15)


class Invitation(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        OPENED = "opened", _("Opened")
        ANSWERED = "answered", _("Answered")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Failed")

    token = models.CharField(_("token"), max_length=48, unique=True, default=new_invitation_token, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey"))
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.PROTECT,
        related_name="invitations",
        null=True,
        blank=True,
        verbose_name=_("touchpoint"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="invitations",
        db_index=False,  # the (customer, time) index below serves every lookup by customer
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=ContactRule.Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    locale = models.CharField(_("locale"), max_length=8, choices=LOCALE_CHOICES, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    send_at = models.DateTimeField(_("send at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("customer", "created_at"), name="invitation_customer_time"),
            models.Index(fields=("status", "send_at"), name="invitation_status_send_at"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.customer} ({self.get_status_display()})"


class TouchpointEvent(models.Model):
    """One event from the customer's systems and the contact policy's decision on it."""

    class Decision(models.TextChoices):
        INVITED = "invited", _("Invited")
        SKIPPED = "skipped", _("Skipped")

    event_id = models.CharField(_("event id"), max_length=128, unique=True, null=True, blank=True)
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="events", verbose_name=_("touchpoint")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="touchpoint_events",
        db_index=False,  # the (customer, time) index below serves every lookup by customer
        verbose_name=_("customer"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        related_name="touchpoint_events",
        null=True,
        blank=True,
        verbose_name=_("survey"),
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.CharField(
        _("reason"), max_length=24, choices=[(reason, gettext_lazy(REASON_LABEL[reason])) for reason in Reason]
    )
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        related_name="event",
        null=True,
        blank=True,
        verbose_name=_("invitation"),
    )

    class Meta:
        verbose_name = _("touchpoint event")
        verbose_name_plural = _("touchpoint events")
        ordering = ("-received_at", "-id")
        indexes = [models.Index(fields=("customer", "received_at"), name="event_customer_time")]

    def __str__(self) -> str:
        return f"{self.touchpoint} · {self.customer} · {self.get_reason_display()}"
