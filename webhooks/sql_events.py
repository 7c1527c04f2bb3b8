"""An event step of a statement that writes a change (PostgreSQL): the change and its event are one statement."""

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from webhooks.models import Event


def event_step_sql(*, source: str, extra: dict[str, str]) -> str:
    """One CTE step (PostgreSQL) inserting an event per row of `source`, with its id as the object id.

    The parameters are the event type, the time, and the data as JSON; `extra` adds keys to the
    data from columns of `source` (key → column). Used by the answer's statement, so that the
    answer and its event are one atomic statement.
    """
    quote = connection.ops.quote_name
    table = quote(Event._meta.db_table)
    added = ", ".join(f"'{key}', {source}.{quote(column)}" for key, column in extra.items())
    data = f"%s::jsonb || jsonb_build_object({added})" if added else "%s::jsonb"
    return (
        f"INSERT INTO {table} (uid, type, occurred_at, object_id, data, fanned_out)"
        f" SELECT gen_random_uuid(), %s, %s, {source}.id, {data}, false FROM {source}"
    )


def event_step_params(event_type: str, data: dict[str, Any], *, occurred_at: datetime) -> list:
    return [event_type, connection.ops.adapt_datetimefield_value(occurred_at), json.dumps(data, cls=DjangoJSONEncoder)]
