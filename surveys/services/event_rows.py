"""Bulk writes of the touchpoint-event batch: customers, invitations, events.

On PostgreSQL each is one statement over rows passed as a single JSON parameter
(surveys.sql_events); other databases (SQLite in the embedded setup) use bulk_create. Both
store the same rows (tests/surveys/test_sql.py). Callers hold the batch's advisory locks
(surveys.locks.batch_keys_lock).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from accounts.services.ensure import accounts_ensure
from common.sql import postgresql_paths
from surveys.models import Customer, Invitation, TouchpointEvent, new_invitation_token
from surveys.sql_events import (
    CUSTOMER_FIELDS,
    EVENT_COLUMNS,
    INVITATION_COLUMNS,
    customers_upsert_statements,
    events_insert_statement,
    invitations_insert_statement,
)

__all__ = ["CUSTOMER_FIELDS", "CustomerRow", "NewEvent", "NewInvitation"]


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

    @property
    def invitation_id(self) -> int | None:
        return self.invitation.id if self.invitation else None


def customers_upsert(records: dict[str, dict[str, object]], *, now: datetime) -> None:
    """Create new customers and set the fields each record gives; a field it leaves out keeps its value.

    `records` maps external id to the given fields (email, name, locale, account, plan, value).
    Rows are written in external-id order: one lock order for every batch.
    """
    if not records:
        return
    accounts_ensure(str(given["account"]) for given in records.values() if given.get("account"))
    if not postgresql_paths():
        _customers_upsert_orm(records, now=now)
        return
    rows = [
        [external_id, *(records[external_id].get(name) for name in CUSTOMER_FIELDS)] for external_id in sorted(records)
    ]
    with connection.cursor() as cursor:
        for sql, params in customers_upsert_statements(rows, now=now):
            cursor.execute(sql, params)


_FIELD_OF = {"account_id": "account"}


def _customers_upsert_orm(records: dict[str, dict[str, object]], *, now: datetime) -> None:
    by_shape: dict[tuple[str, ...], list[Customer]] = {}
    for external_id in sorted(records):
        given = dict(records[external_id])
        if "account" in given:  # the account's external id; "" clears it
            given["account_id"] = given.pop("account") or None
        by_shape.setdefault(tuple(sorted(given)), []).append(
            Customer(external_id=external_id, created_at=now, updated_at=now, **given)
        )
    for shape, customers in by_shape.items():
        Customer.objects.bulk_create(
            customers,
            update_conflicts=True,
            unique_fields=["external_id"],
            update_fields=[_FIELD_OF.get(name, name) for name in shape] + ["updated_at"],
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
    if not postgresql_paths():
        models = [Invitation(**{name: getattr(i, name) for name, _ in INVITATION_COLUMNS}) for i in invitations]
        Invitation.objects.bulk_create(models)
        for invitation, model in zip(invitations, models, strict=True):
            invitation.id = model.id
        return
    sql, params = invitations_insert_statement(
        [[getattr(i, name) for name, _ in INVITATION_COLUMNS] for i in invitations]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {token: pk for pk, token in cursor.fetchall()}
    for invitation in invitations:
        invitation.id = ids[invitation.token]


def events_insert(events: list[NewEvent]) -> None:
    if not events:
        return
    rows = [[getattr(event, name) for name, _ in EVENT_COLUMNS] for event in events]
    if not postgresql_paths():
        names = [name for name, _ in EVENT_COLUMNS]
        TouchpointEvent.objects.bulk_create([TouchpointEvent(**dict(zip(names, row, strict=True))) for row in rows])
        return
    sql, params = events_insert_statement(rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
