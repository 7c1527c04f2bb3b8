"""Logo and revenue retention per bucket of a cohort of accounts: pure arithmetic over rows read elsewhere.

Definitions (docs/retention.md): a bucket runs from its first day `start` to its last day `end`.
- An account's MRR at the end of a day `d`: its latest `mrr` signal dated on or before `d`; a confirmed churn
  dated on or before `d` and after that signal makes it 0 (a later signal means the account came back).
  Without a signal on or before `d`: the account's own MRR field if it was a customer by then (its contract
  start, or without one its creation, on or before `d`, and no confirmed churn by `d`) — or, when that field
  is blank or 0, the MRR lost its next confirmed churn records — else 0.
- Opening MRR: at the end of the day before `start`; closing MRR: at the end of `end`. The closing MRR of
  one bucket is the opening MRR of the next.
- The cohort (accounts_start): accounts with an opening MRR above 0; accounts won during the bucket are not
  in it. mrr_start is their opening MRR.
- churned_accounts: those of the cohort with a confirmed churn record dated in the bucket; churned_mrr is
  their opening MRR.
- The others: when an account has an `mrr` signal dated in the bucket, its change from opening to closing
  MRR is contraction (down) or expansion (up); without one, its contraction is what its confirmed downgrade
  records of the bucket say it lost (at most its opening MRR), its expansion 0.
- logo_churn = churned_accounts / accounts_start; grr = (mrr_start − churned − contraction) / mrr_start;
  nrr = (mrr_start − churned − contraction + expansion) / mrr_start; revenue_churn = 1 − grr;
  None when the denominator is 0. mrr_end = the cohort's MRR at the end (new accounts not counted).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal

CHURN, DOWNGRADE = "churn", "downgrade"
ZERO = Decimal(0)
CENT = Decimal("0.01")
WIDE = Context(prec=400)  # any finite float to the cent (a signal may be up to 1.8e308)


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What retention needs of one account, besides its signals."""

    id: int
    mrr: Decimal | None  # the account's MRR field: the fallback where no signal says
    started: date  # its contract start, or without one the day it was created
    churns: tuple[tuple[date, Decimal], ...] = ()  # confirmed churn records: (date, MRR lost), by date
    downgrades: tuple[tuple[date, Decimal], ...] = ()  # confirmed downgrade records, by date


@dataclass(frozen=True, slots=True)
class Reading:
    """An account's latest `mrr` signal on or before a boundary day, or None for both when it has none."""

    date: date | None
    value: float | None


@dataclass(frozen=True, slots=True)
class RetentionBucket:
    start: date
    end: date
    accounts_start: int
    churned_accounts: int
    downgraded_accounts: int
    expanded_accounts: int
    mrr_start: Decimal
    churned_mrr: Decimal
    contraction_mrr: Decimal
    expansion_mrr: Decimal
    recorded_downgrade_mrr: Decimal  # what the cohort's confirmed downgrade records of the bucket say was lost
    mrr_end: Decimal
    logo_churn: float | None
    revenue_churn: float | None
    grr: float | None
    nrr: float | None


@dataclass(slots=True)
class _Sums:
    accounts: int = 0
    churned: int = 0
    downgraded: int = 0
    expanded: int = 0
    mrr_start: Decimal = ZERO
    churned_mrr: Decimal = ZERO
    contraction: Decimal = ZERO
    expansion: Decimal = ZERO
    recorded: Decimal = ZERO


def boundaries(buckets: Sequence[tuple[date, date]]) -> list[date]:
    """The days whose closing MRR the buckets need: the day before the first start, then every bucket's end."""
    return [buckets[0][0] - timedelta(days=1), *(end for _start, end in buckets)] if buckets else []


def money(value: float | Decimal | None) -> Decimal:
    """An amount to the cent (signals are floats)."""
    if value is None:
        return ZERO
    return (Decimal(str(value)) if isinstance(value, float) else value).quantize(CENT, context=WIDE)


def mrr_on(account: AccountFacts, day: date, reading: Reading) -> Decimal:
    """The account's MRR at the end of `day`, given its latest `mrr` signal on or before that day."""
    churned = [when for when, _lost in account.churns if when <= day]
    last_churn = churned[-1] if churned else None
    if reading.date is not None:
        if last_churn is not None and last_churn > reading.date:
            return ZERO
        return max(money(reading.value), ZERO)
    if last_churn is not None or account.started > day:
        return ZERO
    if account.mrr:
        return max(money(account.mrr), ZERO)
    following = [lost for when, lost in account.churns if when > day]
    return money(following[0]) if following else ZERO


def _within(records: Iterable[tuple[date, Decimal]], start: date, end: date) -> list[Decimal]:
    return [lost for when, lost in records if start <= when <= end]


def _ratio(part: Decimal, whole: Decimal | int) -> float | None:
    return float(part / whole) if whole else None


def retention(
    buckets: Sequence[tuple[date, date]],
    accounts: Iterable[AccountFacts],
    readings: dict[int, Sequence[Reading]],
) -> list[RetentionBucket]:
    """Each bucket's retention figures; `readings[id][k]` is the account's reading at `boundaries(buckets)[k]`."""
    days = boundaries(buckets)
    sums = [_Sums() for _ in buckets]
    none = [Reading(None, None)] * len(days)
    for account in accounts:
        seen = readings.get(account.id, none)
        closing = [mrr_on(account, day, reading) for day, reading in zip(days, seen, strict=True)]
        for k, (start, end) in enumerate(buckets):
            opening = closing[k]
            if opening <= 0:
                continue
            figures = sums[k]
            figures.accounts += 1
            figures.mrr_start += opening
            if _within(account.churns, start, end):
                figures.churned += 1
                figures.churned_mrr += opening
                continue
            downgrades = _within(account.downgrades, start, end)
            if downgrades:
                figures.downgraded += 1
                figures.recorded += sum(downgrades, ZERO)
            signal = seen[k + 1].date
            if signal is not None and signal >= start:  # measured in the bucket: the signals decide
                change = closing[k + 1] - opening
            else:
                change = -min(opening, sum(downgrades, ZERO))
            if change < 0:
                figures.contraction -= change
            elif change > 0:
                figures.expansion += change
                figures.expanded += 1
    return [_bucket(start, end, figures) for (start, end), figures in zip(buckets, sums, strict=True)]


def _bucket(start: date, end: date, s: _Sums) -> RetentionBucket:
    kept = s.mrr_start - s.churned_mrr - s.contraction
    grr = _ratio(kept, s.mrr_start)
    return RetentionBucket(
        start=start,
        end=end,
        accounts_start=s.accounts,
        churned_accounts=s.churned,
        downgraded_accounts=s.downgraded,
        expanded_accounts=s.expanded,
        mrr_start=s.mrr_start,
        churned_mrr=s.churned_mrr,
        contraction_mrr=s.contraction,
        expansion_mrr=s.expansion,
        recorded_downgrade_mrr=s.recorded,
        mrr_end=kept + s.expansion,
        logo_churn=_ratio(Decimal(s.churned), s.accounts),
        revenue_churn=None if grr is None else _ratio(s.churned_mrr + s.contraction, s.mrr_start),
        grr=grr,
        nrr=_ratio(kept + s.expansion, s.mrr_start),
    )


def reading_at(dated: Sequence[tuple[date, float]], day: date) -> Reading:
    """The latest of an account's (date, value) signals, sorted by date, on or before `day`."""
    index = bisect_right(dated, (day, float("inf")))
    return Reading(*dated[index - 1]) if index else Reading(None, None)
