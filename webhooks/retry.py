"""When to try a delivery again: what an attempt's outcome means, and the backoff. Pure."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

FIRST_RETRY = 30.0  # seconds; with jitter the first retry comes within 36 s
FACTOR = 4.0
LONGEST_WAIT = 6 * 3600.0  # no wait between two attempts longer than this
JITTER = 0.2  # each wait is drawn from ±20% of its nominal length
RETRY_FOR = timedelta(days=3)  # a delivery is retried for this long after its event, then it is a dead letter
RETRIED_STATUSES = frozenset({408, 429})  # plus every 5xx


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt came to: `succeeded`, or `retry` (a transient failure), or neither (refused for good)."""

    succeeded: bool
    retry: bool
    wait: float | None = None  # seconds the receiver asked for (Retry-After), if any


def outcome(*, status: int | None, retry_after: str | None = None, now: datetime | None = None) -> Outcome:
    """Classify an attempt: `status` None is a timeout or a connection error, which is retried.

    A 2xx succeeds; 408, 429 and 5xx are retried (a 429's Retry-After honoured, in seconds or as a
    date); any other status (3xx, 4xx) fails at once, since sending the same request again cannot help.
    """
    if status is None:
        return Outcome(succeeded=False, retry=True)
    if 200 <= status < 300:
        return Outcome(succeeded=True, retry=False)
    if status in RETRIED_STATUSES or 500 <= status < 600:
        wait = retry_after_seconds(retry_after, now=now) if status == 429 else None
        return Outcome(succeeded=False, retry=True, wait=wait)
    return Outcome(succeeded=False, retry=False)


def retry_after_seconds(value: str | None, *, now: datetime | None) -> float | None:
    """Retry-After as seconds from now: an integer of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if now is None or when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def backoff(failures: int, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after the `failures`-th failed attempt: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, then 6 h; ±20%."""
    nominal = min(FIRST_RETRY * FACTOR ** max(0, failures - 1), LONGEST_WAIT)
    draw = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return nominal * draw


def next_attempt(
    *,
    failures: int,
    now: datetime,
    give_up_at: datetime,
    asked: float | None,
    scale: float = 1.0,
    rng: random.Random | None = None,
) -> datetime | None:
    """When to try again after a transient failure, or None when that would be after the retries' end.

    `scale` multiplies the backoff (not the wait a receiver asked for): below 1 only for tests and benchmarks.
    """
    wait = backoff(failures, rng=rng) * scale
    if asked is not None:  # however long it asks for, no longer than the retries last (a huge value would overflow)
        wait = max(wait, min(asked, RETRY_FOR.total_seconds() + 1))
    when = now + timedelta(seconds=wait)
    return when if when <= give_up_at else None
