"""A batch of imported history in one PostgreSQL statement: customers, answers, score changes and feedback items.

The batch's rows travel as one JSON parameter (`jsonb_to_recordset`), so a batch of thousands of
answers is one round trip. Its steps, each a CTE of the same statement (atomic by itself):

    rows      the batch, as a relation;
    customer  upserts the batch's customers: new ones created, known ones left as they are (the
              no-op update makes RETURNING give their rows, as the answer's own statement does);
    answer    inserts the answers, each with its customer's id, plan and account; a row whose key
              (the response's idempotency key) the survey holds already is skipped;
    counted   inserts each stored answer's +1 score change (surveys.sql_rollups), so the rollups
              and the trends count the imported history;
    item      inserts each stored answer's feedback item, pending analysis, with `closed_loop`
              false: history is analysed for the figures and never acted on (feedback builds the
              step: feedback.services.FeedbackItemUpsert).

No response.created event is written: history is not news. Identifiers come from the models'
metadata; every value is a bound parameter.
"""

import functools
import json
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from feedback.contracts import FeedbackSource
from feedback.services import FeedbackItemUpsert, FromRelation
from surveys.models import Customer, Response
from surveys.sql_rollups import score_change_step_sql

# rows' columns, and their types in jsonb_to_recordset
ROW_COLUMNS = (
    ("k", "text"),
    ("score", "int"),
    ("cls", "text"),
    ("comment", "text"),
    ("locale", "text"),
    ("consent", "boolean"),
    ("at", "timestamptz"),
    ("ext", "text"),
    ("email", "text"),
    ("name", "text"),
)
# the response's columns taken from the batch's rows or its customer; the others are bound parameters
_ANSWER_FROM = {
    "customer_id": "c.id",
    "score": "r.score",
    "classification": "r.cls",
    "comment": "r.comment",
    "locale": "r.locale",
    "consent_to_contact": "r.consent",
    "submitted_at": "r.at",
    "plan": "coalesce(c.plan, '')",
    "account": "coalesce(c.account, '')",
    "idempotency_key": "r.k",
}
_ITEM = FeedbackItemUpsert(
    (
        FromRelation(
            "answered",
            (
                ("source_id", "id"),
                ("customer_id", "customer_id"),
                ("text", "comment"),
                ("given_at", "submitted_at"),
                ("survey_id", "survey_id"),
                ("score", "score"),
                ("classification", "classification"),
                ("touchpoint_id", "touchpoint_id"),
                ("consent_to_contact", "consent_to_contact"),
                ("locale", "locale"),
                ("customer_external_id", "customer_external_id"),
                ("customer_email", "customer_email"),
                ("customer_name", "customer_name"),
                ("customer_value", "customer_value"),
                ("customer_plan", "customer_plan"),
                ("customer_account", "customer_account"),
            ),
        ),
    )
)


def history_statement(
    *,
    survey_id: int,
    survey_kind: str,
    touchpoint_id: int | None,
    touchpoint_key: str,
    rows: list[dict],
    metadata: dict,
    now: datetime,
) -> tuple[str, list]:
    """The batch's statement and its parameters; it returns how many answers it stored.

    `rows` are dicts of ROW_COLUMNS' keys; `metadata` is each answer's client metadata.
    """
    sql, own_fields = _template()
    blank = Response(survey_id=survey_id, touchpoint_id=touchpoint_id, client_metadata=metadata)
    now_db = connection.ops.adapt_datetimefield_value(now)
    params: list = [json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False), now_db, now_db, survey_id]
    params += [field.get_db_prep_save(getattr(blank, field.attname), connection) for field in own_fields]
    template = FeedbackSource(
        source="response",
        source_id=0,
        text="",
        given_at=now,
        survey_kind=survey_kind,
        touchpoint_key=touchpoint_key,
        closed_loop=False,
    )
    params += _ITEM.params(template, now=now)
    return sql, params


@functools.cache
def _template() -> tuple[str, tuple]:
    quote = connection.ops.quote_name
    record = ", ".join(f"{name} {kind}" for name, kind in ROW_COLUMNS)
    customers = quote(Customer._meta.db_table)
    fields = [field for field in Response._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(_ANSWER_FROM.get(field.attname, "%s") for field in fields)
    steps = [
        f"rows AS (SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r({record}))",
        f"customer AS (INSERT INTO {customers}"
        " (external_id, email, name, locale, account, plan, consent_to_contact, created_at, updated_at)"
        " SELECT DISTINCT ON (ext) ext, email, name, locale, NULL, '', false, %s::timestamptz, %s::timestamptz"
        " FROM rows WHERE ext <> ''"
        # a row whose answer is stored already (a re-run) touches no customer: not one forgotten since
        f" AND NOT EXISTS (SELECT 1 FROM {quote(Response._meta.db_table)} s WHERE s.survey_id = %s"
        f" AND s.{quote('idempotency_key')} = rows.k) ORDER BY ext"
        " ON CONFLICT (external_id) DO UPDATE SET external_id = excluded.external_id"
        " RETURNING id, external_id, email, name, value, plan, coalesce(account, '') AS account)",
        f"answer AS (INSERT INTO {quote(Response._meta.db_table)} ({columns})"
        f" SELECT {values} FROM rows r LEFT JOIN customer c ON c.external_id = r.ext"
        f" ON CONFLICT (survey_id, {quote('idempotency_key')}) WHERE {quote('idempotency_key')} > '' DO NOTHING"
        " RETURNING id, customer_id, survey_id, touchpoint_id, locale, plan, account, submitted_at, score,"
        " comment, classification, consent_to_contact)",
        f"counted AS ({score_change_step_sql(answers='answer')})",
        "answered AS (SELECT a.*, coalesce(c.external_id, '') AS customer_external_id,"
        " coalesce(c.email, '') AS customer_email, coalesce(c.name, '') AS customer_name,"
        " c.value AS customer_value, coalesce(c.plan, '') AS customer_plan,"
        " coalesce(c.account, '') AS customer_account FROM answer a LEFT JOIN customer c ON c.id = a.customer_id)",
        f"item AS ({_ITEM.sql()})",
    ]
    sql = f"WITH {', '.join(steps)} SELECT count(*) FROM answer"
    return sql, tuple(field for field in fields if field.attname not in _ANSWER_FROM)


def keys_stored_sql() -> str:
    """The keys of a batch a survey holds already; parameters: the survey's id and the keys as one array."""
    quote = connection.ops.quote_name
    key = quote(Response._meta.get_field("idempotency_key").column)
    # `> ''` lets the planner use the partial unique index (response_idempotency_key) with a bound array
    return f"SELECT {key} FROM {quote(Response._meta.db_table)} WHERE survey_id = %s AND {key} > '' AND {key} = ANY(%s)"
