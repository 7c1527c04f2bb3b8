"""What a person reads for the keys of signals and measures, and the renewal countdown: one table, three languages."""

from datetime import date

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

# The standard signals first (their order is the sparklines'), then the experience signals portfolio derives.
SIGNALS = {
    "active_users": _("Active users"),
    "logins": _("Logins"),
    "features_used": _("Features used"),
    "seats": _("Seats"),
    "tickets_opened": _("Support tickets opened"),
    "payment_overdue_days": _("Days a payment is overdue"),
    "mrr": _("MRR"),
    "nps": _("NPS of the account's answers"),
    "csat": _("CSAT of the account's answers"),
    "ces": _("CES of the account's answers"),
    "negative_comment_share": _("Share of negative comments"),
    "open_cases": _("Open cases"),
    "overdue_cases": _("Overdue cases"),
    "p1_open_cases": _("Open P1 cases"),
    "promoters": _("Promoters"),
}
STANDARD = ("active_users", "logins", "features_used", "seats", "tickets_opened", "payment_overdue_days", "mrr")

WINDOWS = {
    "latest": _("latest"),
    "mean_30": _("mean of 30 d"),
    "trend_30": _("trend 30 d vs 60 d before"),
    "share": _("share"),
}


def signal_label(key: str) -> str:
    """The signal's name in the active language; a key of the customer's own is shown as it is."""
    return str(SIGNALS.get(key, key))


def measure_label(key: str, window: str, per_key: str = "") -> str:
    """ "Active users · trend 30 d vs 60 d before", "Active users / Seats" (a share of another signal)."""
    if window == "share" and per_key:
        return gettext("%(signal)s / %(over)s") % {"signal": signal_label(key), "over": signal_label(per_key)}
    shown = WINDOWS.get(window)
    if shown is None:
        return signal_label(key)
    return gettext("%(signal)s · %(window)s") % {"signal": signal_label(key), "window": shown}


def countdown(day: date | None, today: date) -> str:
    """ "in 23 days", "today", "3 days ago"; "—" without a date."""
    if day is None:
        return "—"
    days = (day - today).days
    if days == 0:
        return gettext("today")
    if days > 0:
        return ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
    return ngettext("%(days)d day ago", "%(days)d days ago", -days) % {"days": -days}


CLASSIFICATIONS = {
    "promoter": _("promoter"),
    "passive": _("passive"),
    "detractor": _("detractor"),
    "satisfied": _("satisfied"),
    "neutral": _("neutral"),
    "dissatisfied": _("dissatisfied"),
    "easy": _("easy"),
    "hard": _("hard"),
}


def classification_label(classification: str) -> str:
    return str(CLASSIFICATIONS.get(classification, classification))
