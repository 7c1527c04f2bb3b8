"""When the platform proposes a churn record for a CSM to confirm (pure: no ORM).

- An MRR drop: the `mrr` signal's latest value (in the last `window` days) below its value `window`
  days before proposes a downgrade; the MRR lost is the drop.
- A renewal date passed by more than `grace` days, and not moved since, proposes a churn; the MRR
  lost is the account's MRR.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

MRR_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: str  # "churn" | "downgrade"
    date: date
    mrr_lost: Decimal
    because: str


def _money(value: float | Decimal | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def mrr_drop(points: Sequence[tuple[date, float]], *, as_of: date, window: int = MRR_WINDOW_DAYS) -> Proposal | None:
    """A downgrade when the latest `mrr` value (in the `window` days to `as_of`) is below the one before the window.

    `points` are the account's (date, value) of the `mrr` signal, any order. The value before is the
    latest on or before `as_of - window`; the proposal is dated the day of the latest value.
    """
    start = as_of - timedelta(days=window)
    recent = [point for point in points if start < point[0] <= as_of]
    earlier = [point for point in points if point[0] <= start]
    if not recent or not earlier:
        return None
    day, latest = max(recent)
    _day, before = max(earlier)
    drop = _money(before) - _money(latest)
    if drop <= 0:
        return None
    because = f"MRR fell from {_money(before)} to {_money(latest)} in the {window} days to {day.isoformat()}"
    return Proposal(kind="downgrade", date=day, mrr_lost=drop, because=because)


def renewal_lapsed(*, renewal_date: date | None, mrr: Decimal | None, as_of: date, grace: int) -> Proposal | None:
    """A churn when the renewal date passed more than `grace` days before `as_of`; dated the renewal date."""
    if renewal_date is None or (as_of - renewal_date).days <= grace:
        return None
    days = (as_of - renewal_date).days
    because = f"Renewal date {renewal_date.isoformat()} passed {days} days ago without a new one"
    return Proposal(kind="churn", date=renewal_date, mrr_lost=_money(mrr), because=because)
