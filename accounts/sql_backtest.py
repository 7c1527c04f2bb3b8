"""The back-test's reads: the health snapshots of the landmark days, in plain statements any backend runs.

Scores are read for every account (a few small columns); the measures' explanations, larger, only for the
accounts asked for (accounts.backtest_report samples them). Both use the snapshot table's date index.
On PostgreSQL the server unpacks the explanations (jsonb) into arrays; the portable path parses their
JSON here. Both give the same rows (tests/accounts/test_backtest_report.py runs both).
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


# (signal key, window, per_key, points, weight) of each measure that counted (a weight, a value)
Entry = tuple[str, str, str, float, float]


def _entries(explained: str | list) -> list[Entry]:
    measures = json.loads(explained) if isinstance(explained, str) else explained
    return [
        (m["key"], m["window"], m.get("per_key", ""), float(m["points"]), float(m["weight"]))
        for m in measures
        if (m.get("weight") or 0) > 0 and not m.get("missing")
    ]


def _fast_statement(table: str) -> str:
    """PostgreSQL: the explanation's counted measures as arrays, unpacked from the jsonb by the server."""
    return (
        f"SELECT s.account_id, s.date, m.keys, m.windows, m.per_keys, m.points, m.weights FROM {table} s"
        " CROSS JOIN LATERAL (SELECT array_agg(e->>'key') AS keys, array_agg(e->>'window') AS windows,"
        " array_agg(coalesce(e->>'per_key', '')) AS per_keys, array_agg((e->>'points')::float8) AS points,"
        " array_agg((e->>'weight')::float8) AS weights FROM jsonb_array_elements(s.health_measures) e"
        " WHERE (e->>'weight')::float8 > 0 AND NOT coalesce((e->>'missing')::boolean, false)) m"
        " WHERE s.account_id = ANY(%s::bigint[]) AND s.date = ANY(%s::date[]) AND s.health_score IS NOT NULL"
    )


def landmark_measures(days: list[date], account_ids: list[int]) -> list[tuple[int, date | str, list[Entry]]]:
    """(account id, day, the measures that counted) of those accounts' snapshots with a score on the days."""
    rows: list = []
    if not days or not account_ids:
        return rows
    with connection.cursor() as cursor:
        if postgresql_paths():
            cursor.execute(_fast_statement(_table()), [account_ids, days])
            return [
                (account_id, day, list(zip(*arrays, strict=True)) if arrays[0] else [])
                for account_id, day, *arrays in cursor.fetchall()
            ]
        marks = ", ".join(["%s"] * len(days))
        for start in range(0, len(account_ids), _CHUNK):
            chunk = account_ids[start : start + _CHUNK]
            statement = (
                f"SELECT account_id, date, health_measures FROM {_table()}"
                f" WHERE date IN ({marks}) AND health_score IS NOT NULL"
                f" AND account_id IN ({', '.join(['%s'] * len(chunk))})"
            )
            cursor.execute(statement, [*(day.isoformat() for day in days), *chunk])
            rows += [(account_id, day, _entries(explained)) for account_id, day, explained in cursor.fetchall()]
    return rows
