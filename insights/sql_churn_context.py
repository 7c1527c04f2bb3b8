"""The churned accounts' context in a few statements: last answers and comments, health snapshots, cases.

Each statement takes the records as a VALUES list (record id, account, its cut-off) and ranks,
per record, the rows before that record's own cut-off with ROW_NUMBER: one statement for every
record, however many, on SQLite and PostgreSQL alike (the same SQL; the parameters are typed
by the driver). The ranking reads each account's rows through the indexes by account
(responses: account, submitted_at; snapshots: account, date; cases: customer_account and account).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection

from accounts.models import HealthSnapshot
from closedloop.models import Case
from surveys.models import Customer, Response

_CHUNK = 300  # records per statement (SQLite allows 32,766 parameters)


@dataclass(frozen=True, slots=True)
class RecordCut:
    """A record, its account, and the first moment (answers, cases) and last day (snapshots) that count."""

    record_id: int
    account_id: int
    external_id: str
    cut_at: datetime  # answers and cases strictly before this moment
    cut_day: date  # a snapshot dated on or before this day


def _values(cuts: Sequence[RecordCut], columns: Sequence[str]) -> tuple[str, list]:
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    adapt = {
        "cut_at": connection.ops.adapt_datetimefield_value,
        "cut_day": connection.ops.adapt_datefield_value,
    }
    params = [adapt.get(name, lambda v: v)(getattr(cut, name)) for cut in cuts for name in columns]
    return f"chosen({', '.join(columns)}) AS (VALUES {', '.join([row] * len(cuts))})", params


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _chunks(cuts: Sequence[RecordCut]):
    for first in range(0, len(cuts), _CHUNK):
        yield cuts[first : first + _CHUNK]


def last_answers(cuts: Sequence[RecordCut], *, limit: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """({record: its account's last `limit` answers' ids}, {record: its last `limit` ids with a comment}), newest first.

    An answer is the account's when it names the account (`Response.account`, the customer's
    account when they answered) or names none and its customer is the account's today.
    """
    answers: dict[int, list[int]] = defaultdict(list)
    comments: dict[int, list[int]] = defaultdict(list)
    response, customer = Response._meta.db_table, Customer._meta.db_table
    for chunk in _chunks(cuts):
        chosen, params = _values(chunk, ("record_id", "external_id", "cut_at"))
        sql = (
            f"WITH {chosen}, matched AS ("
            f" SELECT ch.record_id, r.id, r.submitted_at, CASE WHEN r.comment <> '' THEN 1 ELSE 0 END AS said"
            f" FROM chosen ch JOIN {response} r ON r.account = ch.external_id AND r.submitted_at < ch.cut_at"
            f" UNION ALL"
            f" SELECT ch.record_id, r.id, r.submitted_at, CASE WHEN r.comment <> '' THEN 1 ELSE 0 END"
            f" FROM chosen ch JOIN {customer} c ON c.account = ch.external_id"
            f" JOIN {response} r ON r.customer_id = c.id AND r.account = '' AND r.submitted_at < ch.cut_at"
            f"), ranked AS ("
            f" SELECT record_id, id, said,"
            f"  ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY submitted_at DESC, id DESC) AS n,"
            f"  ROW_NUMBER() OVER (PARTITION BY record_id, said ORDER BY submitted_at DESC, id DESC) AS n_said"
            f" FROM matched"
            f") SELECT record_id, id, n, said, n_said FROM ranked WHERE n <= %s OR (said = 1 AND n_said <= %s)"
            f" ORDER BY record_id, n"
        )
        for record_id, response_id, n, said, n_said in _run(sql, [*params, limit, limit]):
            if n <= limit:
                answers[record_id].append(response_id)
            if said and n_said <= limit:
                comments[record_id].append(response_id)
    return dict(answers), dict(comments)


def snapshots_on_or_before(cuts: Sequence[RecordCut]) -> dict[int, int]:
    """{record: the id of its account's latest health snapshot dated on or before the record's `cut_day`}."""
    found: dict[int, int] = {}
    table = HealthSnapshot._meta.db_table
    for chunk in _chunks(cuts):
        chosen, params = _values(chunk, ("record_id", "account_id", "cut_day"))
        sql = (
            f"WITH {chosen}, ranked AS ("
            f" SELECT ch.record_id, s.id, ROW_NUMBER() OVER (PARTITION BY ch.record_id ORDER BY s.date DESC) AS n"
            f" FROM chosen ch JOIN {table} s ON s.account_id = ch.account_id AND s.date <= ch.cut_day"
            f") SELECT record_id, id FROM ranked WHERE n = 1"
        )
        found.update(_run(sql, params))
    return found


def cases_before(cuts: Sequence[RecordCut], *, limit: int) -> dict[int, tuple[list[int], int]]:
    """{record: (its account's last `limit` cases' ids opened before `cut_at`, newest first; how many in all)}.

    A case is the account's when its `account` is the account (an at-risk case) or its customer's
    account was the account (`customer_account`, the snapshot taken when it opened).
    """
    found: dict[int, tuple[list[int], int]] = {}
    table = Case._meta.db_table
    for chunk in _chunks(cuts):
        chosen, params = _values(chunk, ("record_id", "account_id", "external_id", "cut_at"))
        sql = (
            f"WITH {chosen}, matched AS ("
            f" SELECT ch.record_id, c.id, c.opened_at FROM chosen ch"
            f" JOIN {table} c ON c.account_id = ch.account_id AND c.opened_at < ch.cut_at"
            f" UNION"
            f" SELECT ch.record_id, c.id, c.opened_at FROM chosen ch"
            f" JOIN {table} c ON c.customer_account = ch.external_id AND c.opened_at < ch.cut_at"
            f"), ranked AS ("
            f" SELECT record_id, id, ROW_NUMBER() OVER (PARTITION BY record_id ORDER BY opened_at DESC, id DESC) AS n,"
            f"  COUNT(*) OVER (PARTITION BY record_id) AS total FROM matched"
            f") SELECT record_id, id, total FROM ranked WHERE n <= %s ORDER BY record_id, n"
        )
        for record_id, case_id, total in _run(sql, [*params, limit]):
            ids, _total = found.get(record_id, ([], total))
            ids.append(case_id)
            found[record_id] = (ids, total)
    return found
