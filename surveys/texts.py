"""Words shown with a survey's scale, translated."""

from django.utils.translation import gettext as _

from surveys.scoring import SurveyKind


def scale_labels(kind: str) -> tuple[str, str]:
    """Return the labels of the lowest and highest answer, in the active language."""
    if kind == SurveyKind.NPS:
        return _("Not at all likely"), _("Extremely likely")
    if kind == SurveyKind.CSAT:
        return _("Very dissatisfied"), _("Very satisfied")
    return _("Strongly disagree"), _("Strongly agree")
