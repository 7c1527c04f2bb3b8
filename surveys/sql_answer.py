"""The answer's own statement: customer, answer, score change and feedback item in one `WITH … INSERT` (PostgreSQL).

One statement is atomic by itself, and a transaction's BEGIN and COMMIT would double the round
trips of the busiest endpoint. Its steps, each a CTE of the same statement:

    customer  upserts the identified customer (when there is one) and returns its row; with a
              verified account claim it also sets the customer's account (the caller has
              created the account: accounts.services.ensure), so the answer snapshots it;
    answer    inserts the response, taking the customer's id and segment from `customer`;
    counted   inserts the answer's +1 score change (surveys.sql_rollups);
    item      upserts the answer's feedback item: feedback builds that step
              (feedback.services.FeedbackItemUpsert) from which relation holds which field;
    event     writes the answer's response.created event into the webhooks outbox
              (webhooks.sql_events): its data built beforehand, the answer's id, account and
              plan and the stored customer's fields filled in by the statement;
    chosen    inserts its answers to the survey's additional questions, when it has any.

Identifiers come from the models' metadata; every value is a bound parameter.
"""

import functools
from collections.abc import Sequence
from datetime import datetime

from django.db import connection
from django.utils import timezone

from feedback.contracts import FeedbackSource
from feedback.services import FeedbackItemUpsert, FromRelation
from surveys import webhook_payloads
from surveys.models import Answer, Customer, Response
from surveys.questions import AnswerRow
from surveys.sql_rollups import score_change_step_sql
from webhooks import catalogue
from webhooks.sql_events import event_step_params, event_step_sql

# Creates the customer when the id is new; an existing customer is left as it is (the no-op
# update makes RETURNING give its id, and locks the row for the rest of the statement), except
# for its account when a verified identity names one.
_CUSTOMER_UPSERT_SQL = """
INSERT INTO {table} (external_id, email, name, locale, account, plan, consent_to_contact, created_at, updated_at)
VALUES (%s, %s, %s, %s, {account}, '', %s, %s, %s)
ON CONFLICT (external_id) DO UPDATE SET {update}
RETURNING id, external_id, email, name, value, plan, coalesce(account, '') AS account
"""
_UPSERT_SHAPES = {
    False: {"account": "NULL", "update": "external_id = excluded.external_id"},
    True: {
        "account": "%s",
        "update": "account = excluded.account, updated_at = CASE WHEN {table}.account IS DISTINCT FROM"
        " excluded.account THEN excluded.updated_at ELSE {table}.updated_at END",
    },
}
# The answers to the additional questions: one row per (question, option | value | text), from four arrays.
_ANSWERS_SQL = (
    "INSERT INTO {table} (response_id, question_id, choice, number, text)"
    " SELECT answer.id, given.question_id, given.choice, given.number, given.text FROM answer,"
    " unnest(%s::bigint[], %s::text[], %s::smallint[], %s::text[]) AS given(question_id, choice, number, text)"
)
# What the answer takes from the customer's row: the response's field, and the `customer` step's column.
_ANSWER_FROM_CUSTOMER = {"customer_id": "id", "plan": "plan", "account": "account"}
_FROM_ANSWER = FromRelation("answer", (("source_id", "id"), ("customer_id", "customer_id")))
_FROM_CUSTOMER = FromRelation(
    "customer",
    (
        ("customer_email", "email"),
        ("customer_name", "name"),
        ("customer_value", "value"),
        ("customer_plan", "plan"),
        ("customer_account", "account"),
    ),
)
# The answer's feedback item: its snapshot of the customer is the stored customer's row, as the upsert returns it.
_ITEM = {False: FeedbackItemUpsert((_FROM_ANSWER,)), True: FeedbackItemUpsert((_FROM_ANSWER, _FROM_CUSTOMER))}


def customer_upsert_sql(*, accounted: bool = False) -> str:
    """Insert the customer unless its external id is known; either way return its id (and the row's segment).

    `accounted`: the parameters hold an account (a verified claim), which the customer takes.
    """
    table = connection.ops.quote_name(Customer._meta.db_table)
    shape = _UPSERT_SHAPES[accounted]
    return _CUSTOMER_UPSERT_SQL.format(
        table=table, account=shape["account"], update=shape["update"].format(table=table)
    )


def customer_upsert_params(*, external_id: str, email: str, name: str, locale: str, account: str = "") -> list:
    """The upsert's parameters; with an account (a verified claim), for customer_upsert_sql(accounted=True)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return [external_id, email, name, locale, *([account] if account else []), False, now, now]


def answer_statement(
    response: Response,
    *,
    customer: list | None,
    feedback: FeedbackSource,
    event: dict,
    occurred_at: datetime,
    accounted: bool = False,
    answers: Sequence[AnswerRow] = (),
) -> tuple[str, list]:
    """The answer's statement and its parameters; it returns one row (response id, customer id), or none.

    `customer` is customer_upsert_params() for an identified answer, None for an anonymous one;
    `accounted` when those parameters hold a verified account claim. `event` is the data of its
    response.created event (surveys.webhook_payloads.response_data), written at `occurred_at`.
    `answers` (its additional questions' checked answers) are inserted by one more step. With the
    response's idempotency key given, an answer already stored under it makes the
    insert do nothing, and so every step that follows from it: the statement returns no row.
    """
    identified = customer is not None
    sql, own_fields = _answer_template(
        identified=identified,
        keyed=bool(response.idempotency_key),
        accounted=identified and accounted,
        answered=bool(answers),
    )
    params = list(customer or [])
    params += [field.get_db_prep_save(getattr(response, field.attname), connection) for field in own_fields]
    params += _ITEM[identified].params(feedback)
    params += event_step_params(catalogue.RESPONSE_CREATED, event, occurred_at=occurred_at)
    if answers:
        params += [[row.question_id for row in answers], [row.choice for row in answers]]
        params += [[row.number for row in answers], [row.text for row in answers]]
    return sql, params


@functools.cache
def _answer_template(*, identified: bool, keyed: bool, accounted: bool, answered: bool) -> tuple[str, tuple]:
    """The statement (built once per process for each shape), and the response's fields given as parameters."""
    quote = connection.ops.quote_name
    fields = [field for field in Response._meta.concrete_fields if not field.primary_key]
    from_customer = _ANSWER_FROM_CUSTOMER if identified else {}
    values = ", ".join(
        f"(SELECT {quote(from_customer[f.attname])} FROM customer)" if f.attname in from_customer else "%s"
        for f in fields
    )
    columns = ", ".join(quote(field.column) for field in fields)
    conflict = (
        f" ON CONFLICT (survey_id, {quote('idempotency_key')}) WHERE {quote('idempotency_key')} > '' DO NOTHING"
        if keyed
        else ""
    )
    steps = [f"customer AS ({customer_upsert_sql(accounted=accounted)})"] if identified else []
    steps.append(
        f"answer AS (INSERT INTO {quote(Response._meta.db_table)} ({columns}) VALUES ({values}){conflict}"
        " RETURNING id, customer_id, survey_id, touchpoint_id, locale, plan, account, submitted_at, score)"
    )
    steps.append(f"counted AS ({score_change_step_sql(answers='answer')})")
    steps.append(f"item AS ({_ITEM[identified].sql()})")
    extra = {**webhook_payloads.STATEMENT_EXTRA, **(webhook_payloads.STATEMENT_CUSTOMER if identified else {})}
    steps.append(f"event AS ({event_step_sql(source='answer', extra=extra)})")
    if answered:
        steps.append(f"chosen AS ({_ANSWERS_SQL.format(table=quote(Answer._meta.db_table))})")
    sql = f"WITH {', '.join(steps)} SELECT id, customer_id FROM answer"
    return sql, tuple(f for f in fields if f.attname not in from_customer)
