"""The monthly churn review's rules (pure: no ORM): which month, when a record is done, how complete a CSM is.

Each month a CSM gives a reason for every churn and downgrade of their accounts, and confirms or
dismisses what the platform proposed. A record is done when it is confirmed with at least one
reason, or dismissed; a proposal waits for its CSM; a confirmed record without a reason is due.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

PROPOSED, CONFIRMED, DISMISSED = "proposed", "confirmed", "dismissed"
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.following.first - timedelta(days=1)

    @property
    def following(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def preceding(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_parse(text: str) -> Month | None:
    """The month written YYYY-MM (years 1900 to 9998), or None when the text is not one."""
    found = _MONTH.fullmatch(text.strip())
    if found is None:
        return None
    year, month = int(found[1]), int(found[2])
    if not (1 <= month <= 12 and 1900 <= year <= 9998):
        return None
    return Month(year, month)


def month_before(day: date) -> Month:
    """The calendar month before the one `day` is in: the month a review on `day` looks back at."""
    return Month(day.year, day.month).preceding


def record_done(status: str, has_reason: bool) -> bool:
    """Whether the review of a record is done: confirmed with a reason, or dismissed."""
    return status == DISMISSED or (status == CONFIRMED and has_reason)


@dataclass(frozen=True, slots=True)
class Progress:
    """A month's records for one CSM (or all): how many are due, and how many of them are done."""

    due: int = 0  # every churn and downgrade of the month, whatever its status
    with_reasons: int = 0  # confirmed, with at least one reason
    dismissed: int = 0
    proposed: int = 0  # waiting for the CSM to confirm or dismiss
    without_reason: int = 0  # confirmed, no reason yet

    @property
    def done(self) -> int:
        return self.with_reasons + self.dismissed

    @property
    def to_do(self) -> int:
        return self.proposed + self.without_reason

    @property
    def percent(self) -> int | None:
        """Done as a whole percent of due, rounded down (100 only when all are done); None when nothing is due."""
        return None if self.due == 0 else self.done * 100 // self.due

    @property
    def complete(self) -> bool:
        return self.to_do == 0


def progress_tally(rows: Iterable[tuple[str, bool, int]]) -> Progress:
    """Add up (status, has a reason, how many) rows into a Progress."""
    due = with_reasons = dismissed = proposed = without_reason = 0
    for status, has_reason, count in rows:
        due += count
        if status == PROPOSED:
            proposed += count
        elif status == DISMISSED:
            dismissed += count
        elif has_reason:
            with_reasons += count
        else:
            without_reason += count
    return Progress(due, with_reasons, dismissed, proposed, without_reason)


def progress_sum(parts: Iterable[Progress]) -> Progress:
    parts = list(parts)
    return Progress(
        due=sum(p.due for p in parts),
        with_reasons=sum(p.with_reasons for p in parts),
        dismissed=sum(p.dismissed for p in parts),
        proposed=sum(p.proposed for p in parts),
        without_reason=sum(p.without_reason for p in parts),
    )
