"""Retention's raw SQL: every account's latest `mrr` signal on or before each boundary day, in one statement.

PostgreSQL: one LATERAL index probe per (account, bucket) on the partial covering index of the
`mrr` rows (accounts migration 0005: account_id, date, value), newest first, bounded by the
bucket's own constant days so that the plan reads only its partitions, and each probe stops at
its first row. Portable (SQLite, or
`portable_paths()`): the accounts' `mrr` signals up to the last day, read in order, the latest
before each day picked in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import pairwise

from django.db import connection, transaction

from accounts.models import AccountSignal
from common.sql import postgresql_paths
from insights.retention import Reading, reading_at

MRR = "mrr"
_CHUNK = 500  # account ids per statement on the portable path

FIRST_WINDOW_DAYS = 92  # the first edge is probed over this many days first; before them only if need be
_IDS = "unnest(%s::bigint[]) AS a(id)"
_LATEST = (
    " JOIN LATERAL (SELECT date, value FROM accounts_accountsignal"
    "  WHERE account_id = a.id AND key = %s AND date >= %s AND date <= %s ORDER BY date DESC LIMIT 1) s ON true"
)


def mrr_readings(days: Sequence[date], account_ids: Sequence[int]) -> dict[int, list[Reading]]:
    """{account id: its Reading at each day}, for accounts that have an `mrr` signal on or before some day."""
    if not days or not account_ids:
        return {}
    if postgresql_paths():
        return _readings_fast(days, account_ids)
    return _readings_portable(days, account_ids)


def _readings_fast(days: Sequence[date], account_ids: Sequence[int]) -> dict[int, list[Reading]]:
    """One probe per account and bucket, over the bucket's own days (constant bounds: pruned to its partitions).

    The latest signal on or before an edge is the latest within (edge before, edge], or else the one found
    for the edge before: carried forward in Python. The first edge is probed over its FIRST_WINDOW_DAYS,
    then, for the accounts with nothing there, over every earlier day (a second statement).
    """
    ids = list(account_ids)
    # first and last day of each window: >= the day after the edge before (a > would keep its partition too)
    windows = [(days[0] - timedelta(days=FIRST_WINDOW_DAYS - 1), days[0])]
    windows += [(before + timedelta(days=1), edge) for before, edge in pairwise(days)]
    sql = " UNION ALL ".join(f"SELECT a.id, {k}, s.date, s.value FROM {_IDS}{_LATEST}" for k in range(len(windows)))
    params = [value for low, high in windows for value in (ids, MRR, low, high)]
    within: dict[int, dict[int, tuple[date, float]]] = defaultdict(dict)
    with transaction.atomic(), connection.cursor() as cursor:
        # thousands of cheap probes: compiling them (JIT, planned for the estimated total cost) costs more than it saves
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        for account_id, k, day, value in cursor.fetchall():
            within[account_id][k] = (day, value)
        earlier = [i for i in ids if 0 not in within.get(i, {})]
        if earlier:
            cursor.execute(f"SELECT a.id, 0, s.date, s.value FROM {_IDS}{_LATEST}", [earlier, MRR, date.min, days[0]])
            for account_id, _k, day, value in cursor.fetchall():
                within[account_id][0] = (day, value)
    found: dict[int, list[Reading]] = {}
    for account_id, seen in within.items():
        readings, last = [], Reading(None, None)
        for k in range(len(days)):
            if k in seen:
                last = Reading(*seen[k])
            readings.append(last)
        found[account_id] = readings
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
