"""Chat alerts: the team's group robots (Slack, WeCom, DingTalk, Feishu) and each message sent to one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webhooks.models.endpoints import Event


class ChatChannel(models.Model):
    """A group robot of the team's: where its messages go, how they are signed, in which language, on what."""

    class Platform(models.TextChoices):
        SLACK = "slack", _("Slack (incoming webhook)")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk custom robot")
        FEISHU = "feishu", _("Feishu custom bot")

    # What a channel is told about (rules): chosen in the admin, several at once.
    CASE_P1, CASE_ESCALATED, ACCOUNT_RED, DIGEST = "case_p1", "case_escalated", "account_red", "digest"
    RULE_CHOICES = [
        (CASE_P1, _("A new P1 case")),
        (CASE_ESCALATED, _("A case was escalated")),
        (ACCOUNT_RED, _("An account turned red")),
        (DIGEST, _("The daily digest")),
    ]
    RULES = tuple(value for value, _label in RULE_CHOICES)

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    url = models.URLField(
        _("webhook URL"),
        max_length=2000,
        help_text=_("The robot's address as the platform shows it; for Slack and WeCom it is itself the secret."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk (加签, starts with SEC) and Feishu (签名校验) only; blank for Slack and WeCom."),
    )
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    rules = models.JSONField(_("rules"), default=list, help_text=_("What this channel is told about."))
    include_comments = models.BooleanField(
        _("include comment text"),
        default=False,
        help_text=_(
            "Off by default: a message names the case and links to it, without the customer's words. "
            "Tick only where the customers consented to their comments going to this platform (PIPL Art. 23)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ChatMessage(models.Model):
    """One message for one channel: from an event (once per channel and event) or the day's digest (once a day)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    TEST = "test"
    KIND_CHOICES = [*ChatChannel.RULE_CHOICES, (TEST, _("A test message"))]

    channel = models.ForeignKey(
        ChatChannel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="messages"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest_day = models.DateField(_("digest of"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    link = models.URLField(_("link"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    give_up_at = models.DateTimeField(_("retried until"))
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "event"], name="webhooks_chat_once_per_event"),
            models.UniqueConstraint(fields=["channel", "digest_day"], name="webhooks_chat_one_digest_a_day"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhooks_chat_due"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.channel}"
