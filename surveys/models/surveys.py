"""Touchpoints, surveys and their running counts."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models.defaults import LOCALE_CHOICES, new_identity_secret, new_public_key
from surveys.scoring import SurveyKind


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
    consent_en = models.CharField(
        _("consent choice (English)"),
        max_length=300,
        blank=True,
        help_text=_("The optional, unticked consent to be contacted; blank shows the default wording."),
    )
    consent_zh_hans = models.CharField(_("consent choice (Simplified Chinese)"), max_length=300, blank=True)
    consent_zh_hant = models.CharField(_("consent choice (Traditional Chinese)"), max_length=300, blank=True)
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

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, related_name="stats", primary_key=True, verbose_name=_("survey")
    )
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
