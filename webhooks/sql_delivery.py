"""A delivered batch's outcome on PostgreSQL: its attempts inserted and its deliveries moved on, in one statement.

The ORM's bulk_update writes a CASE WHEN per column and row (resolving an expression for each:
two thirds of a pump run's time); here the rows travel as one JSON parameter (common.sql.json_rows)
that an `UPDATE … FROM` and an `INSERT … SELECT` read, in one statement. Column names and types
are this module's constants.
"""

from collections.abc import Sequence

from django.db import connection

from common.sql import json_rows
from webhooks.models import Attempt, Delivery

OUTCOME_COLUMNS = (
    ("id", "bigint"),
    ("status", "text"),
    ("attempts", "integer"),
    ("next_attempt_at", "timestamptz"),
    ("last_status_code", "integer"),
    ("last_error", "text"),
    ("updated_at", "timestamptz"),
    ("at", "timestamptz"),
    ("latency_ms", "integer"),
    ("response_excerpt", "text"),
    ("error", "text"),
    ("succeeded", "boolean"),
)


def outcomes_record(outcomes: Sequence[tuple[Delivery, Attempt]]) -> None:
    """Insert each attempt, and write its delivery's new state (its lease released): in the caller's transaction."""
    if not outcomes:
        return
    rows = [
        (
            delivery.id,
            delivery.status,
            delivery.attempts,
            delivery.next_attempt_at,
            delivery.last_status_code,
            delivery.last_error,
            delivery.updated_at,
            attempt.at,
            attempt.latency_ms,
            attempt.response_excerpt,
            attempt.error,
            attempt.succeeded,
        )
        for delivery, attempt in outcomes
    ]
    source, payload = json_rows(OUTCOME_COLUMNS, rows)
    quote = connection.ops.quote_name
    deliveries, attempts = quote(Delivery._meta.db_table), quote(Attempt._meta.db_table)
    sql = (
        f"WITH u AS (SELECT * FROM {source}),"
        f" moved AS (UPDATE {deliveries} AS d SET status = u.status, attempts = u.attempts,"
        " next_attempt_at = u.next_attempt_at, claimed_until = NULL, last_status_code = u.last_status_code,"
        " last_error = u.last_error, updated_at = u.updated_at FROM u WHERE d.id = u.id)"
        f" INSERT INTO {attempts} (delivery_id, at, status_code, latency_ms, response_excerpt, error, succeeded)"
        " SELECT u.id, u.at, u.last_status_code, u.latency_ms, u.response_excerpt, u.error, u.succeeded FROM u"
        " ORDER BY u.at, u.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload])
