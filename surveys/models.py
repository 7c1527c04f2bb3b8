"""Customers, touchpoints, surveys and their responses."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.scoring import Classification, SurveyKind

LOCALE_CHOICES = settings.LANGUAGES


def new_public_key() -> str:
    """Return an unguessable key for a survey's public link (128 random bits)."""
    return secrets.token_urlsafe(16)


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
    low = models.FloatField(_("95% interval, low"), null=True, blank=True)
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

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ("-submitted_at", "-id")
        indexes = [
            models.Index(fields=("survey", "submitted_at"), name="response_survey_time"),
            models.Index(fields=("touchpoint", "submitted_at"), name="response_touchpoint_time"),
            models.Index(fields=("submitted_at",), name="response_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=10), name="response_score_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.score}"
