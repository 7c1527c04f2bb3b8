"""Customers, touchpoints, surveys and their responses."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.policy import Reason
from surveys.scoring import Classification, SurveyKind

LOCALE_CHOICES = settings.LANGUAGES


def new_public_key() -> str:
    """Return an unguessable key for a survey's public link (128 random bits)."""
    return secrets.token_urlsafe(16)


def new_invitation_token() -> str:
    """Return an unguessable invitation token (192 random bits; longer than a public key)."""
    return secrets.token_urlsafe(24)


def new_identity_secret() -> str:
    return secrets.token_urlsafe(32)


class Customer(models.Model):
    external_id = models.CharField(_("external id"), max_length=128, unique=True)
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    locale = models.CharField(_("locale"), max_length=8, choices=LOCALE_CHOICES, blank=True)
    account = models.CharField(_("account"), max_length=200, blank=True, db_index=True)
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


class Touchpoint(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ("key",)

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    class Kind(models.TextChoices):
        NPS = SurveyKind.NPS, _("NPS (0–10, likelihood to recommend)")
        CES = SurveyKind.CES, _("CES (1–7, agreement that it was easy)")
        CSAT = SurveyKind.CSAT, _("CSAT (1–5, satisfaction)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    question_en = models.CharField(_("question (English)"), max_length=500)
    question_zh_hans = models.CharField(_("question (Simplified Chinese)"), max_length=500, blank=True)
    question_zh_hant = models.CharField(_("question (Traditional Chinese)"), max_length=500, blank=True)
    follow_up_en = models.CharField(_("follow-up question (English)"), max_length=500, blank=True)
    follow_up_zh_hans = models.CharField(_("follow-up question (Simplified Chinese)"), max_length=500, blank=True)
    follow_up_zh_hant = models.CharField(_("follow-up question (Traditional Chinese)"), max_length=500, blank=True)
    default_locale = models.CharField(_("default locale"), max_length=8, choices=LOCALE_CHOICES, default="en")
    public_key = models.CharField(_("public key"), max_length=32, unique=True, default=new_public_key, editable=False)
    active = models.BooleanField(_("active"), default=True)
    require_identity = models.BooleanField(
        _("require signed identity"),
        default=False,
        help_text=_("Refuse widget answers whose customer id is not signed with the identity secret."),
    )
    identity_secret = models.CharField(_("identity secret"), max_length=64, default=new_identity_secret, editable=False)
    widget_origins = models.JSONField(
        _("allowed widget origins"),
        default=list,
        blank=True,
        help_text=_('Origins allowed to embed the widget, e.g. ["https://app.example.com"].'),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SurveyStats(models.Model):
    """The headline score of a survey, recomputed in the background (see surveys.tasks)."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="stats", primary_key=True)
    responses = models.PositiveIntegerField(_("responses"), default=0)
    score = models.FloatField(_("score"), null=True, blank=True)
    margin = models.FloatField(_("95% margin"), null=True, blank=True)
    # xgettext:no-python-format
    low = models.FloatField(_("95% interval, low"), null=True, blank=True)
    # xgettext:no-python-format
    high = models.FloatField(_("95% interval, high"), null=True, blank=True)
    class_counts = models.JSONField(_("class counts"), default=dict)
    last_response_at = models.DateTimeField(_("last response at"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey statistics")
        verbose_name_plural = _("survey statistics")

    def __str__(self) -> str:
        return f"{self.survey} ({self.responses})"


class Response(models.Model):
    class Channel(models.TextChoices):
        API = "api", _("API")
        LINK = "link", _("Public link")
        EMAIL = "email", _("Email")
        WIDGET = "widget", _("Widget")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="responses", null=True, blank=True
    )
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, related_name="responses", null=True, blank=True)
    score = models.SmallIntegerField(_("score"))
    classification = models.CharField(_("classification"), max_length=16, choices=[(c, c) for c in Classification])
    comment = models.TextField(_("comment"), blank=True)
    locale = models.CharField(_("locale"), max_length=8, choices=LOCALE_CHOICES, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.API)
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    client_metadata = models.JSONField(_("client metadata"), default=dict, blank=True)
    invitation = models.OneToOneField(
        "Invitation", on_delete=models.SET_NULL, related_name="response", null=True, blank=True
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


class ContactRule(models.Model):
    """When a touchpoint event may invite a customer to a survey: the editable half of the contact policy."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LINK = "link", _("Link (sent by your own systems)")
        WIDGET = "widget", _("Widget")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="contact_rules")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="contact_rules")
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
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="invitations", null=True, blank=True
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="invitations",
        db_index=False,  # the (customer, time) index below serves every lookup by customer
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
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="events")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="touchpoint_events",
        db_index=False,  # the (customer, time) index below serves every lookup by customer
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.SET_NULL, related_name="touchpoint_events", null=True, blank=True
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=[(reason, reason) for reason in Reason])
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, related_name="event", null=True, blank=True
    )

    class Meta:
        verbose_name = _("touchpoint event")
        verbose_name_plural = _("touchpoint events")
        ordering = ("-received_at", "-id")
        indexes = [models.Index(fields=("customer", "received_at"), name="event_customer_time")]

    def __str__(self) -> str:
        return f"{self.touchpoint} · {self.customer} · {self.reason}"


SCORE_COLUMNS = tuple(f"s{score}" for score in range(11))  # ScoreRollup's and the series' per-score counts


class ScoreChange(models.Model):
    """One answer counted in (+1) or out (-1) of the score rollups, not yet folded into them.

    Written in the answer's own statement or transaction, so the rollups miss nothing; an
    append-only row, so answers arriving at once never wait on each other. Beat folds them into
    ScoreRollup every minute; reads add the rows still here, so figures are exact at any moment.
    """

    survey_id = models.BigIntegerField()
    touchpoint_id = models.BigIntegerField(default=0)  # 0: no touchpoint
    locale = models.CharField(max_length=8, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    submitted_at = models.DateTimeField()
    score = models.SmallIntegerField()
    change = models.SmallIntegerField(default=1)

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")

    def __str__(self) -> str:
        return f"{self.change:+d} × {self.score}"


class ScoreRollup(models.Model):
    """How many answers gave each score, per day or month (in TIME_ZONE), survey, touchpoint, locale and plan.

    Each day and month is also kept across all locales and plans (grains day_all and month_all).

    Derived data, exact: `score_rollups_fold` adds pending ScoreChange rows, `score_rollups_rebuild`
    recounts everything from the responses. Columns s0..s10 count the answers of each score.
    """

    class Grain(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")
        # The same counts over every locale and plan (both left blank): 12 times fewer rows to
        # read for a series that does not narrow or group by them, the usual one.
        DAY_ALL = "day_all", _("day, all segments")
        MONTH_ALL = "month_all", _("month, all segments")

    grain = models.CharField(max_length=9, choices=Grain.choices)
    bucket = models.DateField()  # the day, or the first day of the month
    survey_id = models.BigIntegerField()
    touchpoint_id = models.BigIntegerField(default=0)  # 0: no touchpoint
    locale = models.CharField(max_length=8, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    s0 = models.IntegerField(default=0)
    s1 = models.IntegerField(default=0)
    s2 = models.IntegerField(default=0)
    s3 = models.IntegerField(default=0)
    s4 = models.IntegerField(default=0)
    s5 = models.IntegerField(default=0)
    s6 = models.IntegerField(default=0)
    s7 = models.IntegerField(default=0)
    s8 = models.IntegerField(default=0)
    s9 = models.IntegerField(default=0)
    s10 = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("score rollup")
        verbose_name_plural = _("score rollups")
        constraints = [
            models.UniqueConstraint(
                fields=("grain", "bucket", "survey_id", "touchpoint_id", "locale", "plan"), name="score_rollup_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket}"


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
