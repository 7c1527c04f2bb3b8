"""What customers told us, and what it means."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.chinese import in_script
from common.models import CustomerSnapshotModel


class FeedbackItem(CustomerSnapshotModel):
    """One answer from one source, its free-text comment (may be blank), a snapshot of its context, and its analysis.

    The snapshot (survey kind, score, touchpoint, customer reference …) is copied from the source
    when the comment is given, so the later steps never reach back into the source app.
    """

    class Source(models.TextChoices):
        RESPONSE = "response", _("Survey response")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ANALYSED = "analysed", _("Analysed")
        FAILED = "failed", _("Failed")

    class Language(models.TextChoices):
        CHINESE = "zh", _("Chinese")
        ENGLISH = "en", _("English")
        MIXED = "mixed", _("Mixed")
        OTHER = "other", _("Other")

    class Label(models.TextChoices):
        POSITIVE = "pos", _("Positive")
        NEUTRAL = "neu", _("Neutral")
        NEGATIVE = "neg", _("Negative")

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_id = models.BigIntegerField(_("source id"))
    text = models.TextField(_("text"), blank=True)
    given_at = models.DateTimeField(_("given at"))

    survey_id = models.BigIntegerField(_("survey id"), null=True, blank=True)
    survey_kind = models.CharField(_("survey kind"), max_length=8, blank=True)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    classification = models.CharField(_("classification"), max_length=16, blank=True)
    touchpoint_id = models.BigIntegerField(_("touchpoint id"), null=True, blank=True)
    touchpoint_key = models.CharField(_("touchpoint"), max_length=64, blank=True)
    consent_to_contact = models.BooleanField(_("consent to be contacted"), default=False)
    locale = models.CharField(_("locale"), max_length=16, blank=True)
    # False for an answer imported from before the import's cut-off: analysed for the figures, but never handed
    # to the closed loop (no case, no advocate, no email) nor announced (no feedback.analysed event)
    closed_loop = models.BooleanField(_("handed to the closed loop"), default=True)

    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    pending_since = models.DateTimeField(_("pending since"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True)
    polarity = models.FloatField(_("polarity"), null=True, blank=True)
    label = models.CharField(_("sentiment"), max_length=3, choices=Label.choices, blank=True)
    # staff's reading, which the analysis never overwrites; shown (and handed to the closed loop) instead of `label`
    corrected_label = models.CharField(_("corrected sentiment"), max_length=3, choices=Label.choices, blank=True)
    # the analysis' probability for its label (0.33..1 for three classes); None before analysis or without a comment
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # each keyword with the polarity of the clause that mentions it: [{"term": "客服", "label": "pos"}, …]
    aspects = models.JSONField(_("aspects"), default=list, blank=True)
    # the comment asks for something to be built or changed (a feature, an option, a policy)
    is_request = models.BooleanField(_("asks for a change"), default=False)
    analyzer = models.CharField(_("analyzer"), max_length=200, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ("-given_at", "-id")
        constraints = [models.UniqueConstraint(fields=("source", "source_id"), name="feedback_one_item_per_source")]
        indexes = [
            models.Index(
                fields=("pending_since", "id"),
                condition=models.Q(status="pending"),
                name="feedback_pending",
            ),
            models.Index(fields=("given_at",), name="feedback_given_at"),
            models.Index(
                fields=("customer_id", "given_at"),
                condition=models.Q(classification="detractor"),
                name="feedback_customer_detractions",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Theme(models.Model):
    """A theme customers talk about, named in both languages; its terms merge synonyms across languages."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ("name_en",)

    def __str__(self) -> str:
        return f"{self.name_en} / {in_script(self.name_zh)}" if self.name_zh else self.name_en  # zh-Hant: traditional


class ThemeTerm(models.Model):
    """A keyword that belongs to a theme (退款 and refund both to Refunds); matched without regard to case."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="terms", verbose_name=_("theme"))
    term = models.CharField(_("term"), max_length=100)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="theme_term_unique_any_case",
                violation_error_message=_("This term already belongs to a theme (in any mix of cases)."),
            )
        ]

    def __str__(self) -> str:
        return self.term


class SentimentCorrection(models.Model):
    """Staff set a comment's sentiment label: kept, audited, and exported as training data for the analysis.

    `text` and `language` are the comment as staff read it (forgetting the customer empties the text);
    `old_label` is what was shown before (the analysis' label or an earlier correction).
    """

    item = models.ForeignKey(
        FeedbackItem, on_delete=models.CASCADE, related_name="sentiment_corrections", verbose_name=_("feedback item")
    )
    text = models.TextField(_("text"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    old_label = models.CharField(_("label before"), max_length=3, choices=FeedbackItem.Label.choices, blank=True)
    new_label = models.CharField(_("corrected label"), max_length=3, choices=FeedbackItem.Label.choices)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("corrected by")
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("sentiment correction")
        verbose_name_plural = _("sentiment corrections")
        ordering = ("-corrected_at", "-id")
        indexes = [models.Index(fields=("item", "corrected_at"), name="feedback_correction_item")]

    def __str__(self) -> str:
        return f"{self.old_label or '—'} → {self.new_label}"
