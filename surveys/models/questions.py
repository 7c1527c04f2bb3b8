"""Additional questions of a survey, and the answers to them.

A survey asks its score (and a comment); it may ask more: select one, select many, a 1–5 or
0–10 scale, or free text, each in the three languages, optional or required, shown to every
respondent or only to one answer class (for example "What disappointed you?" for detractors).
An answer to them is one row per chosen option (select many: one per choice), per scale value or
per text, so insights break scores down by an option with a join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models.responses import Response
from surveys.models.surveys import Survey
from surveys.scoring import Classification

KEY_MAX_CHARS = 64


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Select one")
        MULTIPLE = "multiple", _("Select many")
        SCALE_5 = "scale_5", _("Scale 1–5")
        SCALE_10 = "scale_10", _("Scale 0–10")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    key = models.SlugField(
        _("key"),
        max_length=KEY_MAX_CHARS,
        help_text=_("Names the question in the API, exports and imports, e.g. main_reason."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text_en = models.CharField(_("question (English)"), max_length=500)
    text_zh_hans = models.CharField(_("question (Simplified Chinese)"), max_length=500, blank=True)
    text_zh_hant = models.CharField(_("question (Traditional Chinese)"), max_length=500, blank=True)
    # [{"key": "price", "en": "Price", "zh-hans": "价格", "zh-hant": "價格"}, …] for the select kinds.
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    shown_to = models.CharField(
        _("shown to"),
        max_length=16,
        blank=True,
        choices=[(c.value, c.value) for c in Classification],
        help_text=_("Blank: every respondent; else only those whose score falls in this class."),
    )

    class Meta:
        verbose_name = _("additional question")
        verbose_name_plural = _("additional questions")
        ordering = ("survey", "position", "id")
        constraints = [models.UniqueConstraint(fields=("survey", "key"), name="question_key_per_survey")]

    def __str__(self) -> str:
        return self.text_en or self.key


class Answer(models.Model):
    """One answer to an additional question: a chosen option, a scale value or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    choice = models.CharField(_("option"), max_length=KEY_MAX_CHARS, blank=True)
    number = models.SmallIntegerField(_("value"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        ordering = ("response", "question", "id")
        indexes = [models.Index(fields=("question", "choice"), name="answer_question_choice")]

    def __str__(self) -> str:
        return self.choice or (str(self.number) if self.number is not None else self.text[:50])
