"""The touchpoint-event batch's bulk writes on PostgreSQL: customers, invitations, events.

Each is one `INSERT … SELECT` (or UPDATE … FROM) over rows passed as a single JSON parameter:
the ORM's bulk_create would build a model instance and prepare every value of every row field
by field, and even arrays per column cost psycopg a Python loop per value; json.dumps is C.
Column names and types come from the callers' constants and the models' metadata; the rows are
one bound parameter.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from common.sql import json_rows
from surveys.models import Customer, Invitation, TouchpointEvent

CUSTOMER_FIELDS = ("email", "name", "locale", "account", "plan", "value")
INVITATION_COLUMNS = (
    ("token", "text"),
    ("survey_id", "bigint"),
    ("touchpoint_id", "bigint"),
    ("customer_id", "bigint"),
    ("channel", "text"),
    ("locale", "text"),
    ("created_at", "timestamptz"),
    ("send_at", "timestamptz"),
    ("expires_at", "timestamptz"),
)
EVENT_COLUMNS = (
    ("event_id", "text"),
    ("touchpoint_id", "bigint"),
    ("customer_id", "bigint"),
    ("survey_id", "bigint"),
    ("occurred_at", "timestamptz"),
    ("received_at", "timestamptz"),
    ("decision", "text"),
    ("reason", "text"),
    ("invitation_id", "bigint"),
)


def customers_upsert_statements(rows: Sequence[Sequence[object]], *, now: datetime) -> list[tuple[str, list]]:
    """Insert the new customers, then set the given fields of the others; rows are [external_id, *CUSTOMER_FIELDS].

    A field given as None keeps its value; a row that would not change is not rewritten.
    """
    columns = [("external_id", "text"), *((name, "numeric" if name == "value" else "text") for name in CUSTOMER_FIELDS)]
    source, payload = json_rows(columns, rows)
    table = connection.ops.quote_name(Customer._meta.db_table)
    # An account given as "" clears it (the column holds the account's external id, or NULL).
    given = {name: f"nullif(u.{name}, '')" if name == "account" else f"u.{name}" for name in CUSTOMER_FIELDS}
    changed = " OR ".join(
        f"(u.{name} IS NOT NULL AND {given[name]} IS DISTINCT FROM c.{name})" for name in CUSTOMER_FIELDS
    )
    insert = (
        f"INSERT INTO {table} (external_id, email, name, locale, account, plan, value, consent_to_contact,"
        f" created_at, updated_at) SELECT u.external_id, coalesce(u.email, ''), coalesce(u.name, ''),"
        f" coalesce(u.locale, ''), nullif(u.account, ''), coalesce(u.plan, ''), u.value, false, %s, %s"
        f" FROM {source} ON CONFLICT (external_id) DO NOTHING"
    )
    update = (
        f"UPDATE {table} AS c SET email = coalesce(u.email, c.email), name = coalesce(u.name, c.name),"
        f" locale = coalesce(u.locale, c.locale),"
        f" account = CASE WHEN u.account IS NULL THEN c.account ELSE nullif(u.account, '') END,"
        f" plan = coalesce(u.plan, c.plan), value = coalesce(u.value, c.value), updated_at = %s"
        f" FROM {source} WHERE c.external_id = u.external_id AND ({changed})"
    )
    return [(insert, [now, now, payload]), (update, [now, payload])]


def invitations_insert_statement(rows: Sequence[Sequence[object]]) -> tuple[str, list]:
    """Insert scheduled invitations, rows in INVITATION_COLUMNS' order; RETURNING id, token."""
    source, payload = json_rows(INVITATION_COLUMNS, rows)
    names = ", ".join(name for name, _ in INVITATION_COLUMNS)
    table = connection.ops.quote_name(Invitation._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({names}, status, send_attempts, last_error)"
        f" SELECT {names}, %s, 0, '' FROM {source} RETURNING id, token"
    )
    return sql, [Invitation.Status.SCHEDULED, payload]


def events_insert_statement(rows: Sequence[Sequence[object]]) -> tuple[str, list]:
    """Insert touchpoint events, rows in EVENT_COLUMNS' order."""
    source, payload = json_rows(EVENT_COLUMNS, rows)
    names = ", ".join(name for name, _ in EVENT_COLUMNS)
    table = connection.ops.quote_name(TouchpointEvent._meta.db_table)
    return f"INSERT INTO {table} ({names}) SELECT {names} FROM {source}", [payload]
