"""The signal table's SQL: the batch upsert, and PostgreSQL's monthly partitions.

On PostgreSQL `accounts_accountsignal` is partitioned by RANGE(date) (migration 0001), one
partition a month named `accounts_accountsignal_yYYYYmMM`, and a DEFAULT partition for any row
whose month has none yet. The batch upsert is one `INSERT … SELECT … FROM jsonb_array_elements`
(common.sql.json_rows); elsewhere (SQLite, or `portable_paths()`) it is an executemany of the same
`INSERT … ON CONFLICT`. Both store the same rows (tests/accounts/test_sql_signals.py).
"""

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, transaction

from common.sql import json_rows

TABLE = "accounts_accountsignal"
DEFAULT_PARTITION = f"{TABLE}_default"
SIGNAL_COLUMNS = (("account_id", "bigint"), ("date", "date"), ("key", "text"), ("value", "float8"))
_PARTITIONS_LOCK = 0x5167_4E41_4C53  # pg_advisory_xact_lock key: one partition maker at a time

_UPSERT = (
    f"INSERT INTO {TABLE} (account_id, date, key, value) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (account_id, date, key) DO UPDATE SET value = excluded.value"
)

# The months known to have their partition in this process; a month joins once its creation committed.
_months_made: set[tuple[int, int]] = set()


def month_of(day: date) -> tuple[int, int]:
    return day.year, day.month


def partition_name(month: tuple[int, int]) -> str:
    year, number = month
    return f"{TABLE}_y{year:04d}m{number:02d}"


def _month_bounds(month: tuple[int, int]) -> tuple[str, str]:
    year, number = month
    following = (year + 1, 1) if number == 12 else (year, number + 1)
    return f"{year:04d}-{number:02d}-01", f"{following[0]:04d}-{following[1]:02d}-01"


def partitions_ensure(months: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Make the monthly partitions (PostgreSQL) these months need; return the months made now.

    Rows of a month that arrived before its partition (in the default partition) move into it:
    PostgreSQL refuses to add a partition whose range the default partition still holds rows of.
    Run in its own transaction before the batch's (a partition's creation locks the whole table
    for a moment; it should not stay locked while a batch is written), under an advisory lock so
    that two processes never make the same month at once.
    """
    wanted = sorted(set(months) - _months_made)
    if not wanted or connection.vendor != "postgresql":
        return []
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PARTITIONS_LOCK])
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        existing = {name for (name,) in cursor.fetchall()}
        for month in wanted:
            if partition_name(month) not in existing:
                _partition_create(cursor, month)
                made.append(month)
    transaction.on_commit(lambda: _months_made.update(wanted))
    return made


def _partition_create(cursor, month: tuple[int, int]) -> None:
    name = partition_name(month)
    low, high = _month_bounds(month)
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {DEFAULT_PARTITION} WHERE date >= %s AND date < %s)", [low, high])
    (stranded,) = cursor.fetchone()
    if not stranded:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ('{low}') TO ('{high}')")
        return
    # Move the month's rows out of the default partition into a table that then becomes the month.
    cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE date >= %s AND date < %s RETURNING *)"
        f" INSERT INTO {name} SELECT * FROM moved",
        [low, high],
    )
    cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{low}') TO ('{high}')")


def partition_cache_clear() -> None:
    """Forget which months this process made (tests that drop partitions)."""
    _months_made.clear()


def signals_upsert_fast(rows: Sequence[tuple[int, date, str, float]]) -> None:
    """Upsert (account_id, date, key, value) rows, each identity once, in one statement (PostgreSQL)."""
    source, payload = json_rows(SIGNAL_COLUMNS, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (account_id, date, key, value) SELECT account_id, date, key, value FROM {source}"
            " ON CONFLICT (account_id, date, key) DO UPDATE SET value = EXCLUDED.value",
            [payload],
        )


def signals_upsert_portable(rows: Sequence[tuple[int, date, str, float]]) -> None:
    """The same upsert as an executemany (SQLite ≥ 3.24 and PostgreSQL read it alike)."""
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, rows)
