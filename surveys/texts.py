"""What a respondent reads: the question and follow-up in their language, the scale's end labels."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.locales import pick_text
from surveys.models import Survey
from surveys.scoring import Classification, SurveyKind


def scale_labels(kind: str) -> tuple[str, str]:
    """Return the labels of the lowest and highest answer, in the active language."""
    if kind == SurveyKind.NPS:
        return _("Not at all likely"), _("Extremely likely")
    if kind == SurveyKind.CSAT:
        return _("Very dissatisfied"), _("Very satisfied")
    return _("Strongly disagree"), _("Strongly agree")


def survey_question(survey: Survey, locale: str) -> str:
    return pick_text(
        {"en": survey.question_en, "zh-hans": survey.question_zh_hans, "zh-hant": survey.question_zh_hant}, locale
    )


def survey_follow_up(survey: Survey, locale: str) -> str:
    return pick_text(
        {"en": survey.follow_up_en, "zh-hans": survey.follow_up_zh_hans, "zh-hant": survey.follow_up_zh_hant}, locale
    )


def class_label(classification: str) -> str:
    """The plural name of an answer class (promoters, hard answers…), in the active language."""
    labels = {
        Classification.PROMOTER: pgettext("answer class", "Promoters"),
        Classification.PASSIVE: pgettext("answer class", "Passives"),
        Classification.DETRACTOR: pgettext("answer class", "Detractors"),
        Classification.SATISFIED: pgettext("answer class", "Satisfied"),
        Classification.NEUTRAL: pgettext("answer class", "Neutral"),
        Classification.DISSATISFIED: pgettext("answer class", "Dissatisfied"),
        Classification.EASY: pgettext("answer class", "Easy"),
        Classification.HARD: pgettext("answer class", "Hard"),
    }
    return labels.get(classification, classification)  # type: ignore[call-overload]


def survey_consent(survey: Survey, locale: str) -> str:
    """The consent choice's wording in `locale`: the survey's own for that language, else the default, translated.

    Never another language's wording: a blank field shows the default in the active language.
    """
    own = {"en": survey.consent_en, "zh-hans": survey.consent_zh_hans, "zh-hant": survey.consent_zh_hant}
    return own.get(locale, "") or _("You may contact me about my answer, or to ask whether I would recommend you.")
