"""An event step of a statement that writes a change (PostgreSQL): the change and its event are one statement."""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Union

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from webhooks.models import Event

# key → column of the source, "step.column" (a one-row step of the same statement), or a nested object of those.
Extra = Mapping[str, Union[str, "Extra"]]


def event_step_sql(*, source: str, extra: Extra) -> str:
    """One CTE step (PostgreSQL) inserting an event per row of `source`, with its id as the object id.

    The parameters are the event type, the time, and the data as JSON; `extra` adds keys to the
    data (replacing the same keys of the JSON) from columns of `source` (key → column), from a
    column of another step that returns one row ("customer.email", read by a scalar subquery),
    or a nested object of those (key → mapping). Used by the answer's statement, so that the
    answer and its event are one atomic statement.
    """
    quote = connection.ops.quote_name
    table = quote(Event._meta.db_table)
    added = _object_sql(source, extra)
    data = f"%s::jsonb || {added}" if extra else "%s::jsonb"
    return (
        f"INSERT INTO {table} (uid, type, occurred_at, object_id, data, fanned_out)"
        f" SELECT gen_random_uuid(), %s, %s, {source}.id, {data}, false FROM {source}"
    )


def _object_sql(source: str, extra: Extra) -> str:
    quote = connection.ops.quote_name
    pairs = []
    for key, column in extra.items():
        if not key.isidentifier():
            raise ValueError(f"Not a data key: {key!r}.")
        if isinstance(column, Mapping):
            value = _object_sql(source, column)
        elif "." in column:
            step, name = column.split(".", 1)
            value = f"(SELECT {quote(name)} FROM {quote(step)})"
        else:
            value = f"{source}.{quote(column)}"
        pairs.append(f"'{key}', {value}")
    return f"jsonb_build_object({', '.join(pairs)})"


def event_step_params(event_type: str, data: dict[str, Any], *, occurred_at: datetime) -> list:
    return [event_type, connection.ops.adapt_datetimefield_value(occurred_at), json.dumps(data, cls=DjangoJSONEncoder)]
