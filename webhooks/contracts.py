"""Values other apps hand to the webhooks app: the daily digest's figures (computed in insights)."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class DigestFigures:
    """The day's digest: new detractors in the last 24 h, cases overdue now, NPS this week against the week before.

    NPS values are points (−100 to 100) with their 95% margins; None when no answer counted. `change_margin` is
    the 95% margin of the change itself; `significant` is the two-sided test at 95% (never with a small sample).
    """

    day: date
    new_detractors: int
    overdue_cases: int
    since: date  # the 7 days since..until against the 7 days before
    until: date
    nps: float | None
    nps_margin: float | None
    nps_n: int
    nps_before: float | None
    nps_before_margin: float | None
    nps_before_n: int
    change: float | None
    change_margin: float | None
    significant: bool
    small_sample: bool
