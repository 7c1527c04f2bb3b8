"""A comment's sentiment as staff read it: the label, and how sure the analysis was of it.

The analysis stores its confidence: the probability it gives its label (three classes, so from
a third to 100 %). That is the figure shown ("Neutral 82%"). Rows analysed before it was stored have only a
polarity: the models then scored 2·P(positive) − 1, so the probability of the side it leaned to
was (1 + |polarity|) / 2 — 50 % for a coin toss, 100 % for a certain verdict — and that is shown
for them. A label staff corrected shows as corrected, without a figure: it is a person's reading,
not the model's.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LABELS = {"pos": _("Positive"), "neu": _("Neutral"), "neg": _("Negative")}


def confidence(polarity: float | None, stored: float | None = None) -> float | None:
    """The analysis' probability for its label: the stored one, else derived from the polarity; None without either."""
    if stored is not None:
        return stored
    return None if polarity is None else _derived(polarity)


def _derived(polarity: float) -> float:
    """The probability of the side the polarity leans to, 0.5 to 1 (models that scored 2·P(positive) − 1)."""
    return (1 + min(abs(polarity), 1.0)) / 2


def sentiment_text(
    label: str, polarity: float | None, *, confidence: float | None = None, corrected: bool = False
) -> str:
    """ "Negative 87%", "Neutral, leaning positive (54%)", "Positive (corrected by staff)", or "—".

    `confidence` is the analysis' stored one (None for rows analysed before it was stored).
    """
    name = LABELS.get(label)
    if name is None:
        return "—"
    if corrected:
        return gettext("%(label)s (corrected by staff)") % {"label": name}
    if confidence is not None:  # the probability of the label itself, neutral included
        return gettext("%(label)s %(percent)d%%") % {"label": name, "percent": round(confidence * 100)}
    if polarity is None:
        return str(name)
    percent = round(_derived(polarity) * 100)
    if label == "neu":  # the derived figure is the side it leans to's, not neutral's
        leaning = gettext("Neutral, leaning positive (%(percent)d%%)") if polarity >= 0 else None
        return (leaning or gettext("Neutral, leaning negative (%(percent)d%%)")) % {"percent": percent}
    return gettext("%(label)s %(percent)d%%") % {"label": name, "percent": percent}
