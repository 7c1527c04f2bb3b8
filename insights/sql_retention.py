"""Retention's raw SQL: every account's latest `mrr` signal on or before each boundary day, in one statement.

PostgreSQL: one LATERAL index probe per (account, day) on the signal table's primary key
(account_id, date, key), newest first, so that only the partitions up to the day are read and
each probe stops at its first row. Portable (SQLite, or `portable_paths()`): the accounts' `mrr`
signals up to the last day, read in order, the latest before each day picked in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from django.db import connection

from accounts.models import AccountSignal
from common.sql import postgresql_paths
from insights.retention import Reading, reading_at

MRR = "mrr"
_CHUNK = 500  # account ids per statement on the portable path

_PROBE = (
    "SELECT a.id, b.k, s.date, s.value"
    " FROM unnest(%s::bigint[]) AS a(id)"
    " CROSS JOIN unnest(%s::date[]) WITH ORDINALITY AS b(day, k)"
    " JOIN LATERAL (SELECT date, value FROM accounts_accountsignal"
    "  WHERE account_id = a.id AND key = %s AND date <= b.day ORDER BY date DESC LIMIT 1) s ON true"
)


def mrr_readings(days: Sequence[date], account_ids: Sequence[int]) -> dict[int, list[Reading]]:
    """{account id: its Reading at each day}, for accounts that have an `mrr` signal on or before some day."""
    if not days or not account_ids:
        return {}
    if postgresql_paths():
        return _readings_fast(days, account_ids)
    return _readings_portable(days, account_ids)


def _readings_fast(days: Sequence[date], account_ids: Sequence[int]) -> dict[int, list[Reading]]:
    found: dict[int, list[Reading]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_PROBE, [list(account_ids), list(days), MRR])
        for account_id, k, day, value in cursor.fetchall():
            found.setdefault(account_id, [Reading(None, None)] * len(days))[k - 1] = Reading(day, value)
    return found


def _readings_portable(days: Sequence[date], account_ids: Sequence[int]) -> dict[int, list[Reading]]:
    dated: dict[int, list[tuple[date, float]]] = defaultdict(list)
    ids = sorted(account_ids)
    for first in range(0, len(ids), _CHUNK):
        rows = (
            AccountSignal.objects.filter(key=MRR, date__lte=max(days), account_id__in=ids[first : first + _CHUNK])
            .order_by("account_id", "date")
            .values_list("account_id", "date", "value")
        )
        for account_id, day, value in rows:
            dated[account_id].append((day, value))
    return {account_id: [reading_at(signals, day) for day in days] for account_id, signals in dated.items()}
