"""The back-test's reads: the health snapshots of the landmark days, in plain statements any backend runs.

Scores are read for every account (a few small columns); the measures' explanations, larger, only for the
accounts asked for (accounts.backtest_report samples them). Both use the snapshot table's date index.
On PostgreSQL the server unpacks the explanations (jsonb) into one row per measure; the portable path
parses their JSON here into the same rows. Both give the same rows (tests/accounts/test_backtest_report.py runs both).
"""

from __future__ import annotations

import json
from datetime import date

from django.db import connection

from accounts.models import HealthSnapshot
from common.sql import postgresql_paths

_CHUNK = 500  # account ids per statement


def _table() -> str:
    return connection.ops.quote_name(HealthSnapshot._meta.db_table)


def landmark_scores(days: list[date]) -> list[tuple[int, date | str, int, str]]:
    """(account id, day, health score, band) of every snapshot with a score on one of the days."""
    if not days:
        return []
    marks = ", ".join(["%s"] * len(days))
    statement = (
        f"SELECT account_id, date, health_score, health_band FROM {_table()}"
        f" WHERE date IN ({marks}) AND health_score IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [day.isoformat() for day in days])
        return cursor.fetchall()


# (account id, day, signal key, window, per_key, points, weight): one row per measure that counted
MeasureRow = tuple[int, "date | str", str, str, str, float, float]


def _rows(account_id: int, day, explained: str | list) -> list[MeasureRow]:
    measures = json.loads(explained) if isinstance(explained, str) else explained
    return [
        (account_id, day, m["key"], m["window"], m.get("per_key", ""), float(m["points"]), float(m["weight"]))
        for m in measures
        if (m.get("weight") or 0) > 0 and not m.get("missing")
    ]


def _fast_statement(table: str) -> str:
    """PostgreSQL: the counted measures of the explanations as rows, unpacked from the jsonb by the server."""
    return (
        f"SELECT s.account_id, s.date, e.key, e.window, coalesce(e.per_key, ''), e.points, e.weight FROM {table} s"
        " CROSS JOIN LATERAL jsonb_to_recordset(s.health_measures)"
        ' AS e("key" text, "window" text, per_key text, points float8, weight float8, missing boolean)'
        " WHERE s.account_id = ANY(%s::bigint[]) AND s.date = ANY(%s::date[]) AND s.health_score IS NOT NULL"
        " AND e.weight > 0 AND NOT coalesce(e.missing, false)"
    )


def landmark_measures(days: list[date], account_ids: list[int]) -> list[MeasureRow]:
    """Each measure that counted (a weight and a value) in those accounts' snapshots with a score on the days."""
    rows: list[MeasureRow] = []
    if not days or not account_ids:
        return rows
    with connection.cursor() as cursor:
        if postgresql_paths():
            cursor.execute(_fast_statement(_table()), [account_ids, days])
            return cursor.fetchall()
        marks = ", ".join(["%s"] * len(days))
        for start in range(0, len(account_ids), _CHUNK):
            chunk = account_ids[start : start + _CHUNK]
            statement = (
                f"SELECT account_id, date, health_measures FROM {_table()}"
                f" WHERE date IN ({marks}) AND health_score IS NOT NULL"
                f" AND account_id IN ({', '.join(['%s'] * len(chunk))})"
            )
            cursor.execute(statement, [*(day.isoformat() for day in days), *chunk])
            for account_id, day, explained in cursor.fetchall():
                rows += _rows(account_id, day, explained)
    return rows
