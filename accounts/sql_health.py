"""The window values a scorecard reads, for every account at once, in one grouped statement (any backend).

For each (account, key) the statement returns, as of a day: the latest value within the last 30 days,
the mean of the days that have a value in the last 30 days, and the mean of the 60 days before those.
Python then derives the windows (accounts.scoring): latest, mean_30, trend_30 (percent change of the
last 30 days' mean against the 60 days' before) and share (the latest of a key over the latest of another).

Every read of the signal table is bounded by constant dates (`date > %s AND date <= %s`), so PostgreSQL
prunes the monthly partitions at plan time: only the last three or four months are read.
accounts.health_selectors holds the plain-Python twin that the tests and the benchmark compare with this.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection

from accounts.models import AccountSignal
from accounts.scoring import LATEST, MEAN_30, SHARE, TREND_30, Source, share, trend
from common.sql import postgresql_paths

RECENT_DAYS = 30  # latest, mean_30 and the recent half of trend_30: (as_of - 30, as_of]
EARLIER_DAYS = 60  # the earlier half of trend_30: (as_of - 90, as_of - 30]
_CHUNK = 500  # account ids per statement on backends without arrays

# (account id, key) -> (latest, mean of the last 30 days, mean of the 60 days before)
Aggregates = dict[tuple[int, str], tuple[float | None, float | None, float | None]]


def window_values_sql(*, keys: int, accounts: str, fast: bool) -> str:
    """The statement: `keys` placeholders for the keys; `accounts` is "", "any" (a PostgreSQL array) or "in:<n>".

    `fast` (PostgreSQL): the latest value is the second element of the greatest [days back, value] array
    of the group, so that one pass aggregates everything. Portable: the row of the group's last recent
    date is joined back by its primary key, bounded by the same constant dates (so that it prunes too).
    Parameters: see `_parameters`.
    """
    quote = connection.ops.quote_name
    table, key = quote(AccountSignal._meta.db_table), quote("key")
    where = f"date > %s AND date <= %s AND {key} IN ({', '.join(['%s'] * keys)})"
    if accounts == "any":
        where += " AND account_id = ANY(%s)"
    elif accounts.startswith("in:"):
        where += f" AND account_id IN ({', '.join(['%s'] * int(accounts[3:]))})"
    means = "AVG(CASE WHEN date > %s THEN value END) AS recent_mean, AVG(CASE WHEN date <= %s THEN value END)"
    if fast:
        return (
            f"SELECT account_id, {key}, (MAX(ARRAY[(date - %s::date)::float8, value])"
            f" FILTER (WHERE date > %s))[2], {means} FROM {table} WHERE {where} GROUP BY account_id, {key}"
        )
    return (
        "WITH windows AS ("
        f" SELECT account_id, {key} AS k, MAX(CASE WHEN date > %s THEN date END) AS last_date,"
        f" {means} AS earlier_mean"
        f" FROM {table} WHERE {where} GROUP BY account_id, {key})"
        " SELECT w.account_id, w.k, s.value, w.recent_mean, w.earlier_mean FROM windows w"
        f" LEFT JOIN {table} s ON s.account_id = w.account_id AND s.{key} = w.k"
        "  AND s.date = w.last_date AND s.date > %s AND s.date <= %s"
    )


def _parameters(as_of: date, keys: list[str], ids: list, *, fast: bool) -> list:
    recent = (as_of - timedelta(days=RECENT_DAYS)).isoformat()
    earliest = (as_of - timedelta(days=RECENT_DAYS + EARLIER_DAYS)).isoformat()
    day = as_of.isoformat()
    where = [earliest, day, *keys, *ids]
    if fast:
        return [day, recent, recent, recent, *where]
    return [recent, recent, recent, *where, recent, day]


def aggregates(as_of: date, keys: Iterable[str], account_ids: list[int] | None = None) -> Aggregates:
    """(latest, recent mean, earlier mean) per (account, key) that has a value in the 90 days up to `as_of`."""
    keys = sorted(set(keys))
    if not keys or account_ids == []:
        return {}
    fast = postgresql_paths()
    if account_ids is None:
        batches: list[tuple[str, list]] = [(window_values_sql(keys=len(keys), accounts="", fast=fast), [])]
    elif fast:
        batches = [(window_values_sql(keys=len(keys), accounts="any", fast=fast), [list(account_ids)])]
    else:
        chunks = [account_ids[i : i + _CHUNK] for i in range(0, len(account_ids), _CHUNK)]
        batches = [(window_values_sql(keys=len(keys), accounts=f"in:{len(c)}", fast=fast), c) for c in chunks]
    found: Aggregates = {}
    with connection.cursor() as cursor:
        for statement, ids in batches:
            cursor.execute(statement, _parameters(as_of, keys, ids, fast=fast))
            for account_id, key, latest, recent_mean, earlier_mean in cursor.fetchall():
                found[(account_id, key)] = (latest, recent_mean, earlier_mean)
    return found


def windows_from(found: Aggregates, account_id: int, sources: Iterable[Source]) -> dict[Source, float | None]:
    """One account's window values for the sources, from the aggregates (a source without data is None)."""
    empty = (None, None, None)
    values: dict[Source, float | None] = {}
    for source in sources:
        key, window, per_key = source
        latest, recent_mean, earlier_mean = found.get((account_id, key), empty)
        if window == LATEST:
            values[source] = latest
        elif window == MEAN_30:
            values[source] = recent_mean
        elif window == TREND_30:
            values[source] = trend(recent_mean, earlier_mean)
        elif window == SHARE:
            values[source] = share(latest, found.get((account_id, per_key), empty)[0])
    return values


def window_values(
    as_of: date, sources: Iterable[Source], account_ids: list[int] | None = None
) -> dict[int, dict[Source, float | None]]:
    """Each account's window values as of a day, for the sources (accounts without any signal are absent)."""
    sources = set(sources)
    keys = {source[0] for source in sources} | {source[2] for source in sources if source[2]}
    found = aggregates(as_of, keys, account_ids)
    return {account_id: windows_from(found, account_id, sources) for account_id in {a for a, _k in found}}
