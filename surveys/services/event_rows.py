"""Bulk writes of the touchpoint-event batch: customers, invitations, events.

On PostgreSQL each is one `INSERT … SELECT` over rows passed as a single JSON parameter: the
ORM's bulk_create would build a model instance and prepare every value of every row field by
field, and even arrays per column cost psycopg a Python loop per value; json.dumps is C.
Other databases (SQLite in the embedded setup) use bulk_create. Callers hold the batch's
advisory locks (see events.lock_batch_keys).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection

from surveys.models import Customer, Invitation, TouchpointEvent, new_invitation_token

CUSTOMER_FIELDS = ("email", "name", "locale", "account", "plan", "value")


@dataclass(slots=True)
class CustomerRow:
    id: int
    external_id: str
    has_email: bool
    unsubscribed: bool
    bounced: bool
    locale: str


@dataclass(slots=True)
class NewInvitation:
    survey_id: int
    touchpoint_id: int
    customer_id: int
    channel: str
    locale: str
    created_at: datetime
    send_at: datetime
    expires_at: datetime
    token: str = ""
    id: int | None = None


@dataclass(slots=True)
class NewEvent:
    event_id: str | None
    touchpoint_id: int
    customer_id: int
    survey_id: int | None
    occurred_at: datetime
    received_at: datetime
    decision: str
    reason: str
    invitation: NewInvitation | None


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _plain(value: object) -> str:
    """What json.dumps cannot write itself: times in ISO 8601, decimals as exact text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


def json_rows(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[object]]) -> tuple[str, str]:
    """Return a FROM source `(SELECT … ) AS u` over rows sent as one JSON parameter, in order, and that parameter."""
    select = ", ".join(f"(r->>{i})::{pg_type} AS {name}" for i, (name, pg_type) in enumerate(columns))
    payload = json.dumps(rows, ensure_ascii=False, default=_plain)
    # Column names and types come from the callers' constants; the rows are one bound parameter.
    return f"(SELECT {select} FROM jsonb_array_elements(%s::jsonb) AS r) AS u", payload  # noqa: S608


def customers_upsert(records: dict[str, dict[str, object]], *, now: datetime) -> None:
    """Create new customers and set the fields each record gives; a field it leaves out keeps its value.

    `records` maps external id to the given fields (email, name, locale, account, plan, value).
    """
    if not records:
        return
    if not _postgres():
        _customers_upsert_orm(records, now=now)
        return
    ids = sorted(records)  # one lock order for every batch
    source, payload = json_rows(
        [("external_id", "text"), *((name, "numeric" if name == "value" else "text") for name in CUSTOMER_FIELDS)],
        [[external_id, *(records[external_id].get(name) for name in CUSTOMER_FIELDS)] for external_id in ids],
    )
    table = connection.ops.quote_name(Customer._meta.db_table)
    changed = " OR ".join(f"(u.{name} IS NOT NULL AND u.{name} IS DISTINCT FROM c.{name})" for name in CUSTOMER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (external_id, email, name, locale, account, plan, value, consent_to_contact,"  # noqa: S608
            f" created_at, updated_at) SELECT u.external_id, coalesce(u.email, ''), coalesce(u.name, ''),"
            f" coalesce(u.locale, ''), coalesce(u.account, ''), coalesce(u.plan, ''), u.value, false, %s, %s"
            f" FROM {source} ON CONFLICT (external_id) DO NOTHING",
            [now, now, payload],
        )
        cursor.execute(  # rows that would not change are not rewritten
            f"UPDATE {table} AS c SET email = coalesce(u.email, c.email), name = coalesce(u.name, c.name),"  # noqa: S608
            f" locale = coalesce(u.locale, c.locale), account = coalesce(u.account, c.account),"
            f" plan = coalesce(u.plan, c.plan), value = coalesce(u.value, c.value), updated_at = %s"
            f" FROM {source} WHERE c.external_id = u.external_id AND ({changed})",
            [now, payload],
        )


def _customers_upsert_orm(records: dict[str, dict[str, object]], *, now: datetime) -> None:
    by_shape: dict[tuple[str, ...], list[Customer]] = {}
    for external_id in sorted(records):
        given = records[external_id]
        by_shape.setdefault(tuple(sorted(given)), []).append(
            Customer(external_id=external_id, created_at=now, updated_at=now, **given)
        )
    for shape, customers in by_shape.items():
        Customer.objects.bulk_create(
            customers, update_conflicts=True, unique_fields=["external_id"], update_fields=[*shape, "updated_at"]
        )


def customers_get(external_ids: Sequence[str]) -> dict[str, CustomerRow]:
    rows = Customer.objects.filter(external_id__any_of=external_ids).values_list(
        "id", "external_id", "email", "unsubscribed_at", "email_bounced_at", "locale"
    )
    return {
        external_id: CustomerRow(
            id=pk,
            external_id=external_id,
            has_email=bool(email),
            unsubscribed=unsubscribed_at is not None,
            bounced=bounced_at is not None,
            locale=locale,
        )
        for pk, external_id, email, unsubscribed_at, bounced_at, locale in rows
    }


def invitations_insert(invitations: list[NewInvitation]) -> None:
    """Store new invitations, setting each one's token and id."""
    if not invitations:
        return
    for invitation in invitations:
        invitation.token = new_invitation_token()
    if not _postgres():
        models = [
            Invitation(
                token=i.token,
                survey_id=i.survey_id,
                touchpoint_id=i.touchpoint_id,
                customer_id=i.customer_id,
                channel=i.channel,
                locale=i.locale,
                created_at=i.created_at,
                send_at=i.send_at,
                expires_at=i.expires_at,
            )
            for i in invitations
        ]
        Invitation.objects.bulk_create(models)
        for invitation, model in zip(invitations, models, strict=True):
            invitation.id = model.id
        return
    table = connection.ops.quote_name(Invitation._meta.db_table)
    columns = [
        ("token", "text"),
        ("survey_id", "bigint"),
        ("touchpoint_id", "bigint"),
        ("customer_id", "bigint"),
        ("channel", "text"),
        ("locale", "text"),
        ("created_at", "timestamptz"),
        ("send_at", "timestamptz"),
        ("expires_at", "timestamptz"),
    ]
    source, payload = json_rows(columns, [[getattr(i, name) for name, _ in columns] for i in invitations])
    names = ", ".join(name for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}, status, send_attempts, last_error)"  # noqa: S608
            f" SELECT {names}, %s, 0, '' FROM {source} RETURNING id, token",
            [Invitation.Status.SCHEDULED, payload],
        )
        ids = {token: pk for pk, token in cursor.fetchall()}
    for invitation in invitations:
        invitation.id = ids[invitation.token]


def events_insert(events: list[NewEvent]) -> None:
    if not events:
        return
    invitation_ids = [event.invitation.id if event.invitation else None for event in events]
    if not _postgres():
        TouchpointEvent.objects.bulk_create(
            [
                TouchpointEvent(
                    event_id=e.event_id,
                    touchpoint_id=e.touchpoint_id,
                    customer_id=e.customer_id,
                    survey_id=e.survey_id,
                    occurred_at=e.occurred_at,
                    received_at=e.received_at,
                    decision=e.decision,
                    reason=e.reason,
                    invitation_id=invitation_id,
                )
                for e, invitation_id in zip(events, invitation_ids, strict=True)
            ]
        )
        return
    table = connection.ops.quote_name(TouchpointEvent._meta.db_table)
    columns = [
        ("event_id", "text"),
        ("touchpoint_id", "bigint"),
        ("customer_id", "bigint"),
        ("survey_id", "bigint"),
        ("occurred_at", "timestamptz"),
        ("received_at", "timestamptz"),
        ("decision", "text"),
        ("reason", "text"),
        ("invitation_id", "bigint"),
    ]
    source, payload = json_rows(
        columns,
        [
            [
                e.event_id,
                e.touchpoint_id,
                e.customer_id,
                e.survey_id,
                e.occurred_at,
                e.received_at,
                e.decision,
                e.reason,
                i,
            ]
            for e, i in zip(events, invitation_ids, strict=True)
        ],
    )
    names = ", ".join(name for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {source}", [payload])  # noqa: S608
