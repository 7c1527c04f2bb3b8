"""The pump's writes on PostgreSQL, one statement each: events handed to endpoints, and a batch's outcome.

`events_fan_out` picks the waiting events, inserts their deliveries and marks them handed on,
where the ORM built a Delivery instance per row. `outcomes_record` inserts a batch's attempts and
moves its deliveries on, where the ORM's bulk_update wrote a CASE WHEN per column and row
(resolving an expression for each: two thirds of a pump run's time); its rows travel as one JSON
parameter (common.sql.json_rows). Table and column names are the models' and this module's.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection

from common.sql import json_rows
from webhooks.models import Attempt, Delivery, Endpoint, Event

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
    ("lease", "timestamptz"),
)


def outcomes_record(outcomes: Sequence[tuple[Delivery, Attempt, datetime | None]]) -> None:
    """Insert each attempt, and write its delivery's new state (its lease released) where the run's lease (the
    third of each triple) still holds: in the caller's transaction."""
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
            lease,
        )
        for delivery, attempt, lease in outcomes
    ]
    source, payload = json_rows(OUTCOME_COLUMNS, rows)
    quote = connection.ops.quote_name
    deliveries, attempts = quote(Delivery._meta.db_table), quote(Attempt._meta.db_table)
    sql = (
        f"WITH u AS (SELECT * FROM {source}),"
        f" moved AS (UPDATE {deliveries} AS d SET status = u.status, attempts = u.attempts,"
        " next_attempt_at = u.next_attempt_at, claimed_until = NULL, last_status_code = u.last_status_code,"
        " last_error = u.last_error, updated_at = u.updated_at FROM u WHERE d.id = u.id"
        " AND d.claimed_until = u.lease)"
        f" INSERT INTO {attempts} (delivery_id, at, status_code, latency_ms, response_excerpt, error, succeeded)"
        " SELECT u.id, u.at, u.last_status_code, u.latency_ms, u.response_excerpt, u.error, u.succeeded FROM u"
        " ORDER BY u.at, u.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload])


def events_fan_out(*, limit: int, now: datetime, retry_for: timedelta) -> list[int]:
    """Hand up to `limit` waiting events to their subscribed active endpoints, in one statement; return their ids.

    The events are taken oldest first and locked (SKIP LOCKED between runs), a delivery is inserted
    for each active endpoint whose `events` holds the event's type (an existing one kept), and the
    events are marked handed on. In the caller's transaction.
    """
    quote = connection.ops.quote_name
    events, endpoints = quote(Event._meta.db_table), quote(Endpoint._meta.db_table)
    deliveries = quote(Delivery._meta.db_table)
    sql = (
        f"WITH picked AS (SELECT id, type, occurred_at FROM {events} WHERE NOT fanned_out ORDER BY id LIMIT %s"
        " FOR UPDATE SKIP LOCKED),"
        f" handed AS (INSERT INTO {deliveries} (endpoint_id, event_id, status, attempts, next_attempt_at,"
        " give_up_at, last_error, created_at, updated_at)"
        " SELECT p.id, e.id, %s, 0, %s, e.occurred_at + %s, '', %s, %s"
        f" FROM picked AS e JOIN {endpoints} AS p ON p.active AND p.events @> jsonb_build_array(e.type)"
        " ORDER BY e.id, p.id ON CONFLICT (endpoint_id, event_id) DO NOTHING)"
        f" UPDATE {events} AS e SET fanned_out = true FROM picked WHERE e.id = picked.id RETURNING e.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, Delivery.Status.PENDING.value, now, retry_for, now, now])
        return sorted(row[0] for row in cursor.fetchall())
