"""The outbox (Event), the customer's endpoints, and each endpoint's deliveries and their attempts."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webhooks import catalogue


class Event(models.Model):
    """Something that changed, written in the same transaction (or statement) as the change.

    `data` is the payload as the change made it, personal fields included; each endpoint receives
    only the personal fields it was allowed (webhooks.payloads). `object_id` is the id of the
    changed object when the statement that wrote the event knew it only as it ran (an answer's
    id): the payload's `id` is filled from it when it is rendered.
    """

    uid = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=catalogue.EVENT_CHOICES)
    occurred_at = models.DateTimeField(_("occurred at"))
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict)
    fanned_out = models.BooleanField(_("handed to endpoints"), default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(fanned_out=False), name="webhooks_event_waiting"),
            models.Index(fields=["occurred_at"], name="webhooks_event_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def webhook_id(self) -> str:
        """The `webhook-id` header: the same for every attempt and every endpoint, so receivers deduplicate on it."""
        return f"msg_{self.uid.hex}"


class Endpoint(models.Model):
    """A URL of the customer's that receives the events it subscribed to, signed with its secret."""

    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, help_text=_("The event types this endpoint receives."))
    personal_fields = models.JSONField(
        _("personal fields"),
        default=list,
        blank=True,
        help_text=_(
            "Personal data this endpoint may receive (email, name, comment). None by default: ids and scores only. "
            "Tick one only where the customers consented to their data going to this receiver (PIPL Art. 23)."
        ),
    )
    secret = models.CharField(_("secret"), max_length=80, editable=False)
    previous_secret = models.CharField(max_length=80, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=300, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url


class Delivery(models.Model):
    """One event for one endpoint: attempted until it succeeds, fails for good, or its retries run out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RETRYING = "retrying", _("retrying")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")  # refused (a 4xx), or its retries ran out: the dead letters

    endpoint = models.ForeignKey(
        Endpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    give_up_at = models.DateTimeField(_("retried until"))
    last_status_code = models.PositiveIntegerField(_("last status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhooks_delivery_once")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "retrying"]),
                name="webhooks_delivery_due",
            ),
            models.Index(fields=["endpoint", "status", "-id"], name="webhooks_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class Attempt(models.Model):
    """One POST of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="attempt_set"
    )
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveIntegerField(_("status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} · {self.at:%Y-%m-%d %H:%M:%S}"
