"""What a chat message says: which events a channel is told about, and each message rendered in its language.

A message names the case or account and links back to its admin page; it never carries a customer's email or
name, and a comment's text only where the channel allows it.
"""

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from webhooks import catalogue
from webhooks.chat_platforms import Message
from webhooks.contracts import DigestFigures
from webhooks.models import ChatChannel

RED = "red"
COMMENT_LIMIT = 500  # characters of a comment shown, where comments are allowed
# Labels of coded fields (a case's reason), registered by the app that owns the codes (closedloop registers its case
# reasons when it is ready), since this app sits below it: a message says "NPS detractor", in the channel's language,
# where the event says "detractor". An unregistered code is shown as it is.
_LABELS: dict[str, dict[str, object]] = {}


def labels_register(field: str, choices: Iterable[tuple[str, object]]) -> None:
    """Register (code, label) pairs for a field of the events; a lazy label renders in each channel's language."""
    _LABELS.setdefault(field, {}).update(choices)


def event_rule(event_type: str, data: dict) -> str | None:
    """The chat rule an event falls under, or None: a new P1 case, an escalation, an account turning red."""
    if event_type == catalogue.CASE_OPENED and _is_p1(data.get("priority")):
        return ChatChannel.CASE_P1
    if event_type == catalogue.CASE_ESCALATED:
        return ChatChannel.CASE_ESCALATED
    if event_type == catalogue.ACCOUNT_HEALTH_CHANGED and data.get("band") == RED and data.get("band_before") != RED:
        return ChatChannel.ACCOUNT_RED
    return None


def _is_p1(priority) -> bool:
    return str(priority).strip().upper() in ("1", "P1")


def event_message(*, rule: str, data: dict, object_id: int | None, locale: str, include_comments: bool) -> Message:
    """The message of one event for a channel in `locale`."""
    with translation.override(locale):
        if rule == ChatChannel.ACCOUNT_RED:
            return _account_red(data)
        return _case(rule, data, object_id=object_id, include_comments=include_comments)


def _case(rule: str, data: dict, *, object_id: int | None, include_comments: bool) -> Message:
    case_id = data.get("id", object_id)
    if rule == ChatChannel.CASE_P1:
        title = _("New P1 case #%(id)s") % {"id": case_id}
    else:
        title = _("Case #%(id)s was escalated") % {"id": case_id}
    customer = data.get("customer")
    customer = customer if isinstance(customer, dict) else {}
    lines = _pairs(
        (_("reason"), _label("reason", data.get("reason"))),
        (_("priority"), _priority(data.get("priority"))),
        (_("account"), data.get("account")),
        (_("Customer"), customer.get("external_id")),  # never the email or the name
        (_("owner"), data.get("owner")),
        (_("due at"), _when(data.get("due_at"))),
    )
    comment = data.get("comment")
    if include_comments and isinstance(comment, str) and comment.strip():
        shown = comment.strip()
        lines.append(f"{_('comment')}: {shown[:COMMENT_LIMIT]}{'…' if len(shown) > COMMENT_LIMIT else ''}")
    return Message(title=title, lines=tuple(lines), link=_admin_link("admin:closedloop_case_change", case_id))


def _account_red(data: dict) -> Message:
    external_id = str(data.get("id") or "")
    name = data.get("name") or external_id
    title = _("Account %(name)s turned red") % {"name": name}
    lines = _pairs(
        (_("account"), external_id if external_id != name else None),
        (_("Health"), _score(data.get("score"))),
        (_("band before"), _band(data.get("band_before"))),
    )
    link = ""
    if external_id:
        try:
            link = _absolute(reverse("admin:accounts_account_changelist") + "?" + urlencode({"q": external_id}))
        except NoReverseMatch:
            link = ""
    return Message(title=title, lines=tuple(lines), link=link)


def digest_message(figures: DigestFigures, *, locale: str) -> Message:
    """The daily digest for a channel in `locale`."""
    with translation.override(locale):
        title = _("Daily digest, %(day)s") % {"day": figures.day.isoformat()}
        period = f"{figures.since.isoformat()} – {figures.until.isoformat()}"
        before = _nps(figures.nps_before, figures.nps_before_margin, figures.nps_before_n)
        lines = [
            f"{pgettext('answer class', 'Detractors')} ({_('last 24 hours')}): {figures.new_detractors}",
            f"{_('Overdue')}: {figures.overdue_cases}",
            f"NPS {period}: {_nps(figures.nps, figures.nps_margin, figures.nps_n)}",
            f"{_('NPS the 7 days before')}: {before}",
            f"{_('NPS change')}: {_change(figures)}",
        ]
        try:
            link = _absolute(reverse("admin:index"))
        except NoReverseMatch:
            link = ""
    return Message(title=title, lines=tuple(lines), link=link)


def test_message(*, locale: str, channel_name: str) -> Message:
    with translation.override(locale):
        return Message(
            title=_("Test message from cxplatform"),
            lines=(_("Channel %(name)s receives alerts here.") % {"name": channel_name},),
        )


def link_label(locale: str) -> str:
    with translation.override(locale):
        return _("Open in cxplatform")


def _nps(value: float | None, margin: float | None, n: int) -> str:
    if value is None:
        return _("no answers")
    shown = f"{value:+.1f} ± {margin:.1f}" if margin is not None else f"{value:+.1f}"
    return f"{shown} (n={n})"


def _change(figures: DigestFigures) -> str:
    if figures.change is None:
        return _("not comparable (no answers on one side)")
    shown = f"{figures.change:+.1f}"
    if figures.change_margin is not None:
        shown += f" ± {figures.change_margin:.1f}"
    if figures.small_sample:
        return shown + " · " + _("small sample, not a finding")
    if figures.significant:
        return shown + " · " + _("significant at 95%")
    return shown + " · " + _("within chance")


def _pairs(*pairs: tuple[str, object]) -> list[str]:
    return [f"{label}: {value}" for label, value in pairs if value not in (None, "", [], {})]


def _label(field: str, value) -> str | None:
    if value in (None, ""):
        return None
    label = _LABELS.get(field, {}).get(str(value))
    return str(label) if label is not None else str(value)


def _priority(value) -> str | None:
    if value in (None, ""):
        return None
    text = str(value).strip().upper()
    return text if text.startswith("P") else f"P{text}"


def _band(value) -> str | None:
    if value in ("red", "yellow", "green"):
        return _(str(value).capitalize())  # the accounts' band labels (Red, Yellow, Green)
    return str(value) if value else None


def _score(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        return f"{float(value):.0f}"
    except (TypeError, ValueError):
        return str(value)


def _when(value) -> str | None:
    if not value:
        return None
    moment = parse_datetime(str(value)) if not isinstance(value, datetime) else value
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        return moment.strftime("%Y-%m-%d %H:%M")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def _admin_link(name: str, object_id) -> str:
    if object_id in (None, ""):
        return ""
    try:
        return _absolute(reverse(name, args=[object_id]))
    except NoReverseMatch:
        return ""


def _absolute(path: str) -> str:
    return settings.CX_PUBLIC_BASE_URL.rstrip("/") + path
