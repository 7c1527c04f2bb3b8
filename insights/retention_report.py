"""Retention per month or quarter, for the API and the dashboard: the accounts, their records and signals, read.

The arithmetic is insights.retention's (pure); the signals come from insights.sql_retention.
Filters (plan, stage, CSM) choose accounts as they are today; `stage` is the stage set on the
account, or derived from its dates today (accounts.stages), as the scorecards read it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from accounts.models import Account, ChurnRecord
from accounts.stages import StageDays, stage_on
from insights import retention as arithmetic
from insights.sql_retention import mrr_readings

INTERVALS = ("month", "quarter")
MAX_BUCKETS = 120
DEFAULT_MONTHS = 12


@dataclass(frozen=True, slots=True)
class RetentionFilters:
    plans: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    csms: tuple[str, ...] = ()  # usernames


@dataclass(frozen=True, slots=True)
class RetentionResult:
    interval: str
    since: date
    until: date
    buckets: list[arithmetic.RetentionBucket]


def _months(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_of(months: int) -> date:
    return date(months // 12, months % 12 + 1, 1)


def _last_of(months: int) -> date:
    first = _first_of(months)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def period_align(*, interval: str, since: date, until: date) -> tuple[date, date]:
    """Whole months, or whole calendar quarters (January, April, July, October first)."""
    step = 3 if interval == "quarter" else 1
    first, last = _months(since), _months(until)
    return _first_of(first - first % step), _last_of(last - last % step + step - 1)


def bucket_bounds(*, interval: str, since: date, until: date) -> list[tuple[date, date]]:
    """(first day, last day) of each bucket of an aligned period."""
    step = 3 if interval == "quarter" else 1
    return [(_first_of(m), _last_of(m + step - 1)) for m in range(_months(since), _months(until) + 1, step)]


def default_since(until: date) -> date:
    """The first day of the 12 months that end with `until`'s month."""
    return _first_of(_months(until) - DEFAULT_MONTHS + 1)


def _accounts(filters: RetentionFilters, today: date) -> list[arithmetic.AccountFacts]:
    accounts = Account.objects.order_by("id")
    if filters.plans:
        accounts = accounts.filter(plan__in=filters.plans)
    if filters.csms:
        accounts = accounts.filter(csm__username__in=filters.csms)
    days = StageDays(**settings.CX_STAGE_DAYS)
    rows = accounts.values_list("id", "mrr", "contract_start", "created_at", "stage", "renewal_date")
    chosen: dict[int, tuple] = {}
    for account_id, mrr, contract_start, created_at, stage, renewal_date in rows:
        if filters.stages:
            stage = stage or stage_on(today, contract_start=contract_start, renewal_date=renewal_date, days=days)
            if stage not in filters.stages:
                continue
        chosen[account_id] = (mrr, contract_start or timezone.localdate(created_at))
    return _with_records(chosen)


def _with_records(chosen: dict[int, tuple]) -> list[arithmetic.AccountFacts]:
    records: dict[int, dict[str, list]] = {}
    confirmed = ChurnRecord.objects.filter(status=ChurnRecord.Status.CONFIRMED).order_by("date", "id")
    for account_id, kind, day, lost in confirmed.values_list("account_id", "kind", "date", "mrr_lost"):
        if account_id in chosen:
            records.setdefault(account_id, {arithmetic.CHURN: [], arithmetic.DOWNGRADE: []})[kind].append((day, lost))
    facts = []
    for account_id, (mrr, started) in chosen.items():
        kinds = records.get(account_id, {})
        facts.append(
            arithmetic.AccountFacts(
                id=account_id,
                mrr=mrr,
                started=started,
                churns=tuple(kinds.get(arithmetic.CHURN, ())),
                downgrades=tuple(kinds.get(arithmetic.DOWNGRADE, ())),
            )
        )
    return facts


def retention_series(
    *, interval: str, since: date, until: date, filters: RetentionFilters = RetentionFilters()
) -> RetentionResult:
    """Logo churn, GRR, NRR and the MRR movements of each month or quarter of since..until (widened to whole ones)."""
    since, until = period_align(interval=interval, since=since, until=until)
    bounds = bucket_bounds(interval=interval, since=since, until=until)
    accounts = _accounts(filters, timezone.localdate())
    readings = mrr_readings(arithmetic.boundaries(bounds), [account.id for account in accounts])
    return RetentionResult(
        interval=interval, since=since, until=until, buckets=arithmetic.retention(bounds, accounts, readings)
    )
