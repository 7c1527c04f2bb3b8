"""What a case's log says, in the reader's language.

An entry the system writes is stored as a code and its parameters (CaseActivity.code, .params),
and rendered with gettext when it is shown: the admin shows it in the reader's language, the API
in the request's. The English rendering is stored too (CaseActivity.message): what entries written
before codes existed keep, what a note's text is, and what a reader of the raw row sees.

Parameters are JSON values; those named below are rendered for the reader: `reason` and the
statuses by their labels, `band` and `key` (an account's band, a usage signal) by their names,
`facts` (a nested {"code", "params"}) as its own entry, `cause` ({"key", "en", "zh"}) by its name
in the reader's language (in traditional forms for zh-Hant), `due` (an ISO moment) in the current
time zone, `kind` in capitals.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from common.chinese import in_script

TEXTS = {
    "opened": _("Opened: %(reason)s, P%(priority)s."),
    "assigned": _("Assigned to %(owner)s."),
    "assigned_round_robin": _("Assigned to %(owner)s (round robin, %(team)s)."),
    "unassigned": _("Unassigned."),
    "attached": _("Another answer attached: %(kind)s %(score)s."),
    "attached_raised": _("Another answer attached: %(kind)s %(score)s. Priority P%(before)s → P%(after)s."),
    "priority": _("Priority P%(before)s → P%(after)s, due %(due)s."),
    "root_cause": _("Root cause: %(cause)s."),
    "root_cause_cleared": _("Root cause cleared."),
    "resolution": _("Resolution updated."),
    "status": _("%(before)s → %(after)s."),
    "reopened": _("Reopened: %(before)s → %(after)s."),
    "resurvey_in": ngettext_lazy("Re-survey in %(days)s day.", "Re-survey in %(days)s days.", "days"),
    "resurvey_sent": _("Re-survey sent."),
    "resurvey_answered": _("Re-survey answered: %(score)s (was %(was)s)."),
    "escalated": _("Overdue: escalated P%(before)s → P%(after)s."),
    "escalated_emailed": _("Overdue: escalated P%(before)s → P%(after)s, %(lead)s emailed."),
    "escalated_top": _("Overdue: escalated (already P%(before)s, the highest priority)."),
    "escalated_top_emailed": _("Overdue: escalated (already P%(before)s, the highest priority), %(lead)s emailed."),
    "sentiment_corrected": _("Sentiment of the answer of %(given)s corrected: %(before)s → %(after)s."),
    "sentiment_corrected_note": _("Sentiment of the answer of %(given)s corrected: %(before)s → %(after)s (%(note)s)."),
    "note_sent": _("Note sent to %(email)s: %(subject)s"),
    "note_not_sent": _("Note to the customer not sent: %(error)s"),
    "escalation_not_sent": _("Escalation email to the team lead not sent: %(error)s"),
    # Accounts at risk (closedloop.services.account_risk); `facts` is one of the fact_* entries below.
    "risk_opened": _("Opened: %(reason)s, P%(priority)s. %(facts)s"),
    "risk_reopened": _("Reopened (%(before)s): %(reason)s again, P%(priority)s, due %(due)s. %(facts)s"),
    "risk_again": _("Again: %(facts)s"),
    "assigned_csm": _("Assigned to %(owner)s, the account's CSM."),
    # An account that churned (closedloop.services.account_churn): its open at-risk cases are closed.
    "churn_closed": _("Closed: the account churned on %(date)s."),
    "fact_risk_red": _("Health %(score)s, red (was %(band)s)."),
    "fact_risk_usage": _("%(key)s down %(percent)s%% over 30 days: %(before)s → %(after)s a day on average."),
    "fact_risk_payment": _("Payment overdue %(days)s days."),
    "fact_risk_renewal": _("Renewal on %(date)s, in %(days)s days; health is %(band)s."),
    "fact_risk_detractor": _("A detractor answer (NPS %(score)s), case #%(case)s; the account's MRR is %(mrr)s."),
}

# The names of an account's bands and usage signals, as the at-risk entries show them.
BANDS = {"red": _("red"), "yellow": _("yellow"), "green": _("green"), "none": _("no score")}
SIGNALS = {
    "active_users": pgettext_lazy("usage signal", "Active users"),
    "logins": pgettext_lazy("usage signal", "Logins"),
}

SENTIMENTS = {"pos": _("positive"), "neu": _("neutral"), "neg": _("negative"), "": "—"}


@dataclass(frozen=True)
class Entry:
    """A log entry as a code of TEXTS and its parameters."""

    code: str
    params: dict = field(default_factory=dict)

    def english(self) -> str:
        """The entry in English, as CaseActivity.message keeps it."""
        with translation.override("en"):
            return render(self.code, self.params, "")


def cause_param(cause) -> dict:
    """A root cause as a parameter: its key and both names, as they were when the entry was written."""
    return {"key": cause.key, "en": cause.name_en, "zh": cause.name_zh}


def render(code: str, params: dict, message: str) -> str:
    """The entry in the active language; an entry without a known code (a note, an old row) is its message."""
    template = TEXTS.get(code)
    if template is None:
        return message
    try:
        return str(template % {name: _shown(name, value) for name, value in params.items()})
    except (KeyError, TypeError, ValueError):  # parameters that do not fit the text: say what was stored
        return message


def _shown(name: str, value):
    from closedloop.models import Case

    if name == "facts" and isinstance(value, dict):  # a nested entry: the facts behind an at-risk case
        return render(str(value.get("code", "")), dict(value.get("params") or {}), "")
    if name == "band" and value in BANDS:
        return BANDS[value]
    if name == "key" and value in SIGNALS:
        return SIGNALS[value]
    if name == "reason" and value in Case.Reason.values:
        return Case.Reason(value).label
    if name in ("before", "after") and value in Case.Status.values:
        return Case.Status(value).label
    if name in ("before", "after") and value in SENTIMENTS:
        return SENTIMENTS[value]
    if name == "cause" and isinstance(value, dict):
        chinese = (translation.get_language() or "").startswith("zh")
        return in_script(value["zh"]) if chinese and value.get("zh") else value.get("en", "")
    if name in ("due", "given") and isinstance(value, str):
        return f"{timezone.localtime(datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
    if name == "kind" and isinstance(value, str):
        return value.upper()
    return value
