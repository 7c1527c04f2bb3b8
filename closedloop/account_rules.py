"""Which accounts are at risk, and why: pure functions over an account's facts, no ORM.

Five reasons, each a rule CX leads configure (closedloop.models.AccountRiskRule: enabled,
threshold, priority):

- `risk_red`: health fell to red (red now, not red in the snapshot before; a first score that is red counts);
- `risk_usage`: usage down by the threshold (30 %) or more: the mean of the last 30 days of active
  users or logins against the mean of the 30 days before (the larger fall of the two);
- `risk_payment`: a payment overdue by the threshold (30 days) or more (the latest value in 60 days);
- `risk_renewal`: the renewal is within the threshold (90 days), and health is red or yellow;
- `risk_detractor`: an NPS detractor answer from a person of an account whose MRR is at or above
  the threshold; judged when the answer's case opens, not from the daily facts.

A rule that stops holding closes nothing (a person closes the case); a rule that holds again
after it stopped reopens the account's case of that reason (closedloop.services.account_risk).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

RED, USAGE, PAYMENT, RENEWAL, DETRACTOR = "risk_red", "risk_usage", "risk_payment", "risk_renewal", "risk_detractor"
REASONS = (RED, USAGE, PAYMENT, RENEWAL, DETRACTOR)
FROM_FACTS = (RED, USAGE, PAYMENT, RENEWAL)  # the daily evaluation; DETRACTOR comes with an answer
USAGE_KEYS = ("active_users", "logins")
PAYMENT_KEY = "payment_overdue_days"
WINDOW_DAYS = 30  # usage: the last 30 days against the 30 before; payment: the latest of 60 days


@dataclass(frozen=True, slots=True)
class Rule:
    """One reason's rule, as configured."""

    enabled: bool = True
    threshold: float | None = None
    priority: int = 2


# As the product ships (closedloop migration 0017 seeds them; a rule deleted from the admin falls back here).
DEFAULT_RULES: dict[str, Rule] = {
    RED: Rule(threshold=None, priority=2),
    USAGE: Rule(threshold=30, priority=3),
    PAYMENT: Rule(threshold=30, priority=2),
    RENEWAL: Rule(threshold=90, priority=2),
    DETRACTOR: Rule(threshold=5000, priority=2),
}


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules read of one account, as of one day."""

    band: str  # red, yellow, green; blank before health was computed
    band_before: str  # the band of the latest daily snapshot before today; blank when there is none
    health_score: int | None = None
    usage: dict[str, tuple[float | None, float | None]] | None = None  # key: (mean of the 30 days before, last 30)
    payment_overdue_days: float | None = None
    renewal_date: date | None = None
    today: date | None = None
    mrr: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Risk:
    """A reason that holds, its priority, and the facts that make it hold (the case's log shows them)."""

    reason: str
    priority: int
    params: dict


def usage_change(before: float | None, after: float | None) -> float | None:
    """The change of a mean in percent (−40.0 for a fall of 40 %); None without a usage to compare with.

    Usage that was there and stopped being sent altogether is the quietest fall of all: −100 %.
    """
    if before is None or before <= 0:
        return None
    if after is None:
        return -100.0
    return (after - before) / before * 100


def usage_fall(usage: dict[str, tuple[float | None, float | None]] | None) -> tuple[str, float] | None:
    """The usage signal that fell most, and its change in percent; None when no signal can be compared."""
    changes = [
        (key, change)
        for key in USAGE_KEYS
        if (change := usage_change(*(usage or {}).get(key, (None, None)))) is not None
    ]
    return min(changes, key=lambda pair: pair[1]) if changes else None


def days_to_renewal(facts: Facts) -> int | None:
    if facts.renewal_date is None or facts.today is None:
        return None
    return (facts.renewal_date - facts.today).days


def risks(facts: Facts, rules: dict[str, Rule]) -> list[Risk]:
    """The reasons from the daily facts that hold for this account (not DETRACTOR: see detractor_risk)."""
    found = []
    for reason in FROM_FACTS:
        rule = rules.get(reason, DEFAULT_RULES[reason])
        if not rule.enabled:
            continue
        params = _holds(reason, facts, rule)
        if params is not None:
            found.append(Risk(reason=reason, priority=rule.priority, params=params))
    return found


def _holds(reason: str, facts: Facts, rule: Rule) -> dict | None:
    """The facts that make the reason hold, as the log's parameters; None when it does not hold."""
    threshold = rule.threshold if rule.threshold is not None else DEFAULT_RULES[reason].threshold
    if reason == RED:
        if facts.band == "red" and facts.band_before != "red":
            return {"score": facts.health_score, "band": facts.band_before or "none"}
        return None
    if reason == USAGE:
        fall = usage_fall(facts.usage)
        if fall is None or threshold is None or fall[1] > -threshold:
            return None
        before, after = (facts.usage or {})[fall[0]]
        return {"key": fall[0], "percent": round(-fall[1]), "before": _short(before), "after": _short(after) or 0.0}
    if reason == PAYMENT:
        days = facts.payment_overdue_days
        if days is None or threshold is None or days < threshold:
            return None
        return {"days": round(days)}
    if reason == RENEWAL:
        days = days_to_renewal(facts)
        if days is None or threshold is None or not 0 <= days <= threshold or facts.band not in ("red", "yellow"):
            return None
        return {"days": days, "date": facts.renewal_date.isoformat() if facts.renewal_date else "", "band": facts.band}
    return None


def detractor_risk(*, mrr: Decimal | None, rule: Rule, case_id: int, score: int | None) -> Risk | None:
    """The at-risk case a detractor answer (whose own case is `case_id`) calls for, from an account with this MRR.

    None below the threshold.
    """
    threshold = rule.threshold if rule.threshold is not None else DEFAULT_RULES[DETRACTOR].threshold
    if not rule.enabled or mrr is None or threshold is None or mrr < Decimal(str(threshold)):
        return None
    params = {"case": case_id, "score": score, "mrr": str(mrr)}
    return Risk(reason=DETRACTOR, priority=rule.priority, params=params)


def threshold_error(reason: str, threshold: float | None) -> str | None:
    """Why this threshold cannot be the reason's ("required", "percent", "negative"), or None when it can."""
    if reason == RED:
        return None
    if threshold is None:
        return "required"
    if threshold < 0:
        return "negative"
    if reason == USAGE and not 0 < threshold <= 100:
        return "percent"
    return None


def _short(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
