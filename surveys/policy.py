"""The contact policy: whether to invite a customer now, and why. Pure functions over plain values.

One policy covers every survey and channel: a customer asked anything recently is not asked
again (cooldown), nobody is asked twice about the same touchpoint within its recontact window,
nobody gets more than a few invitations a quarter, and sampling is deterministic, so that an
event sent twice gets the same answer.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

CAP_WINDOW = timedelta(days=90)


class Reason(StrEnum):
    INVITED = "invited"
    NO_RULE = "no_rule"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    NO_EMAIL = "no_email"
    COOLDOWN = "cooldown"
    RECONTACT_WINDOW = "recontact_window"
    CAP_REACHED = "cap_reached"
    NOT_SAMPLED = "not_sampled"


def _(text: str) -> str:
    """Marks a text for the catalogues (`make messages`); who shows it translates it then (the admin does)."""
    return text


# In English here (the API answers with these); the admin shows them translated.
REASON_TEXT = {
    Reason.INVITED: _("Invited: every rule of the contact policy allowed it."),
    Reason.NO_RULE: _("No active contact rule for this touchpoint (and survey)."),
    Reason.UNSUBSCRIBED: _("The customer unsubscribed."),
    Reason.BOUNCED: _("Email to this customer bounced."),
    Reason.NO_EMAIL: _("The rule sends email and the customer has no address."),
    Reason.COOLDOWN: _("Invited to a survey within the cooldown period (any survey, any channel)."),
    Reason.RECONTACT_WINDOW: _("Already invited at this touchpoint within its recontact window."),
    Reason.CAP_REACHED: _("Reached the cap on invitations in 90 days."),
    Reason.NOT_SAMPLED: _("Not in this period's sample."),
}
# Each reason's short name, as the admin's lists and filters show it (translated there).
REASON_LABEL = {
    Reason.INVITED: _("invited"),
    Reason.NO_RULE: _("no rule"),
    Reason.UNSUBSCRIBED: _("unsubscribed"),
    Reason.BOUNCED: _("bounced"),
    Reason.NO_EMAIL: _("no email address"),
    Reason.COOLDOWN: _("cooldown"),
    Reason.RECONTACT_WINDOW: _("recontact window"),
    Reason.CAP_REACHED: _("cap reached"),
    Reason.NOT_SAMPLED: _("not sampled"),
}


@dataclass(frozen=True, slots=True)
class Rule:
    survey_id: int
    touchpoint_id: int
    touchpoint_key: str
    channel: str
    sampling_rate: float = 1.0
    sampling_period_days: int = 30
    delay: timedelta = timedelta(0)
    cooldown: timedelta = timedelta(days=30)
    recontact: timedelta = timedelta(days=90)
    cap_per_90_days: int = 3
    expiry: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    external_id: str
    has_email: bool
    unsubscribed: bool = False
    bounced: bool = False


@dataclass(frozen=True, slots=True)
class PastInvitation:
    touchpoint_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    invite: bool
    reason: Reason
    send_at: datetime | None = None
    expires_at: datetime | None = None


def sampled(*, rate: float, external_id: str, touchpoint_key: str, period: int) -> bool:
    """Return whether a customer falls in the sample; the same inputs always give the same answer."""
    if rate >= 1:
        return True
    if rate <= 0:
        return False
    digest = hashlib.sha256(f"{external_id}\x1f{touchpoint_key}\x1f{period}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def sampling_period(occurred_at: datetime, *, days: int) -> int:
    """Number the period an event falls in, so events of one period share one draw."""
    return int(occurred_at.timestamp() // (max(days, 1) * 86400))


def decide(
    *,
    rule: Rule | None,
    customer: CustomerFacts,
    history: Iterable[PastInvitation],
    occurred_at: datetime,
    now: datetime,
) -> Decision:
    """Decide whether this touchpoint event invites the customer, naming the first rule that says no."""
    if rule is None:
        return Decision(False, Reason.NO_RULE)
    if customer.unsubscribed:
        return Decision(False, Reason.UNSUBSCRIBED)
    if rule.channel == "email":
        if customer.bounced:
            return Decision(False, Reason.BOUNCED)
        if not customer.has_email:
            return Decision(False, Reason.NO_EMAIL)
    past = [item for item in history if item.created_at > now - max(rule.cooldown, rule.recontact, CAP_WINDOW)]
    if any(item.created_at > now - rule.cooldown for item in past):
        return Decision(False, Reason.COOLDOWN)
    if any(item.touchpoint_id == rule.touchpoint_id and item.created_at > now - rule.recontact for item in past):
        return Decision(False, Reason.RECONTACT_WINDOW)
    if sum(1 for item in past if item.created_at > now - CAP_WINDOW) >= rule.cap_per_90_days:
        return Decision(False, Reason.CAP_REACHED)
    period = sampling_period(occurred_at, days=rule.sampling_period_days)
    if not sampled(
        rate=rule.sampling_rate, external_id=customer.external_id, touchpoint_key=rule.touchpoint_key, period=period
    ):
        return Decision(False, Reason.NOT_SAMPLED)
    send_at = max(now, occurred_at + rule.delay)
    return Decision(True, Reason.INVITED, send_at=send_at, expires_at=send_at + rule.expiry)
