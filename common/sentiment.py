"""A comment's sentiment as staff read it: the label, and how sure the analysis was of it.

The analysis gives a polarity, not a confidence. Its models score 2·P(positive) − 1 (the text
rules then adjust it), so the probability it gives the side it leans to is (1 + |polarity|) / 2:
50 % for a coin toss, 100 % for a certain verdict. That is the confidence shown. A label staff
corrected shows as corrected, without a figure: it is a person's reading, not the model's.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LABELS = {"pos": _("Positive"), "neu": _("Neutral"), "neg": _("Negative")}


def confidence(polarity: float | None) -> float | None:
    """The analysis' probability for the side the comment leans to, 0.5 to 1; None without a polarity."""
    return None if polarity is None else (1 + min(abs(polarity), 1.0)) / 2


def sentiment_text(label: str, polarity: float | None, *, corrected: bool = False) -> str:
    """ "Negative 87%", "Neutral, leaning positive (54%)", "Positive (corrected by staff)", or "—"."""
    name = LABELS.get(label)
    if name is None:
        return "—"
    if corrected:
        return gettext("%(label)s (corrected by staff)") % {"label": name}
    sure = confidence(polarity)
    if sure is None or polarity is None:
        return str(name)
    percent = round(sure * 100)
    if label == "neu":
        leaning = gettext("Neutral, leaning positive (%(percent)d%%)") if polarity >= 0 else None
        return (leaning or gettext("Neutral, leaning negative (%(percent)d%%)")) % {"percent": percent}
    return gettext("%(label)s %(percent)d%%") % {"label": name, "percent": percent}
