"""Store computed health and temperature: the accounts' columns and the day's snapshots, for a batch at once.

PostgreSQL: one statement a batch (the rows as one JSON document, read as a record set: an UPDATE …
FROM of the accounts and an INSERT … ON CONFLICT of the snapshots). Portable: one UPDATE and one upsert
executed per row.
Both write the same rows (tests/accounts/test_health.py runs both on the same data).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.db import connection

from accounts.models import Account, HealthSnapshot
from common.sql import postgresql_paths, server_bound_cursor

# The scores of an account, in this order: health_score, health_band, health_measures, temperature,
# temperature_band, temperature_measures (the measures as lists of dicts).
SCORE_COLUMNS = (
    "health_score",
    "health_band",
    "health_measures",
    "temperature",
    "temperature_band",
    "temperature_measures",
)
_TYPES = ("smallint", "varchar", "jsonb", "smallint", "varchar", "jsonb")
_JSON = {2, 5}

# (account id, *the scores in SCORE_COLUMNS' order)
ScoreRow = tuple[Any, ...]


def _stored(row: ScoreRow) -> list[Any]:
    return [json.dumps(value) if i - 1 in _JSON else value for i, value in enumerate(row)]


@contextmanager
def scores_writer(*, as_of: date, now: datetime) -> Iterator[Callable[[list[ScoreRow]], None]]:
    """A function that stores a batch of scores (`scores_store`); inside a transaction.

    On PostgreSQL the batches are pipelined: each write is sent and runs on the server while the caller
    prepares the next; errors are raised at the latest when the block ends.
    """
    if not postgresql_paths():
        yield lambda rows: scores_store(rows, as_of=as_of, now=now)
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield lambda rows: scores_store(rows, as_of=as_of, now=now)


def scores_store(rows: list[ScoreRow], *, as_of: date, now: datetime) -> None:
    """Write the scores on the accounts (and health_computed_at = now) and upsert their snapshots of `as_of`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    accounts, snapshots = quote(Account._meta.db_table), quote(HealthSnapshot._meta.db_table)
    columns = ", ".join(SCORE_COLUMNS)
    replace = ", ".join(f"{c} = excluded.{c}" for c in (*SCORE_COLUMNS, "computed_at"))
    if postgresql_paths():
        # The batch travels as one JSON parameter, bound on the server: neither quoted by the client nor
        # lexed as SQL text by the server (megabytes of measures).
        names = ("id", *SCORE_COLUMNS)
        record = ", ".join(f"{name} {kind}" for name, kind in zip(names, ("bigint", *_TYPES), strict=True))
        assign = ", ".join(f"{c} = n.{c}" for c in SCORE_COLUMNS)
        with server_bound_cursor() as cursor:
            cursor.execute(
                f"WITH n AS (SELECT * FROM jsonb_to_recordset(%s::jsonb) AS n({record})),"
                f" a AS (UPDATE {accounts} SET {assign}, health_computed_at = %s, updated_at = %s"
                f"  FROM n WHERE {accounts}.id = n.id)"
                f" INSERT INTO {snapshots} (account_id, date, {columns}, computed_at)"
                f" SELECT id, %s::date, {columns}, %s FROM n"
                f" ON CONFLICT (account_id, date) DO UPDATE SET {replace}",
                [json.dumps([dict(zip(names, row, strict=True)) for row in rows]), now, now, as_of, now],
            )
        return
    with connection.cursor() as cursor:
        stored = [_stored(row) for row in rows]
        assign = ", ".join(f"{c} = %s" for c in SCORE_COLUMNS)
        cursor.executemany(
            f"UPDATE {accounts} SET {assign}, health_computed_at = %s, updated_at = %s WHERE id = %s",
            [[*row[1:], now, now, row[0]] for row in stored],
        )
        values = ", ".join(["%s"] * (len(SCORE_COLUMNS) + 3))
        cursor.executemany(
            f"INSERT INTO {snapshots} (account_id, date, {columns}, computed_at) VALUES ({values})"
            f" ON CONFLICT (account_id, date) DO UPDATE SET {replace}",
            [[row[0], as_of, *row[1:], now] for row in stored],
        )
