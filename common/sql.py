"""Database helpers the ORM lacks, and the one switch between PostgreSQL's fast paths and the portable ones.

A function that has a PostgreSQL fast path and a portable path (the ORM, or SQL every backend
reads) chooses with `postgresql_paths()`, never with `connection.vendor` itself. Tests run both
paths on the same data by wrapping the portable run in `portable_paths()`; see
tests/*/test_sql.py. PostgreSQL-only statements that have no portable twin (advisory locks,
LOCK TABLE, the planner's row estimate) still ask `connection.vendor`.
"""

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Lookup

_portable_only: ContextVar[bool] = ContextVar("portable_only", default=False)


def postgresql_paths() -> bool:
    """Whether to take the PostgreSQL fast paths: on PostgreSQL, unless `portable_paths()` is in force."""
    return connection.vendor == "postgresql" and not _portable_only.get()


@contextmanager
def portable_paths() -> Iterator[None]:
    """Take the portable paths inside this block, on PostgreSQL too (in this thread or task only).

    For tests that compare a fast path with its portable twin on the same rows; production code
    never uses it.
    """
    token = _portable_only.set(True)
    try:
        yield
    finally:
        _portable_only.reset(token)


def server_bound_cursor() -> CursorWrapper:
    """A cursor (PostgreSQL) that binds parameters on the server, so that psycopg prepares what it runs often.

    Django's cursors bind on the client: PostgreSQL parses and plans every statement anew. For a
    long statement run at every request that is most of its cost (the answer's statement: 0.4 ms
    of planning beside 0.5 ms of work; pgbench gave 2,900 statements/s unprepared, 5,300
    prepared). psycopg prepares a statement on a connection once it has run it
    DATABASES OPTIONS `prepare_threshold` times (DATABASE_PREPARED_STATEMENTS; off for a
    transaction-pooling PgBouncer older than 1.21). Use it like `connection.cursor()`.
    """
    import psycopg  # PostgreSQL only

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(connection.connection)
    # Django wraps a DB-API cursor; the stubs name only its own wrapper as the argument.
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    return wrap(raw)  # type: ignore[arg-type]


def _plain(value: object) -> str:
    """What json.dumps cannot write itself: dates and times in ISO 8601, decimals as exact text."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


def json_rows(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[object]]) -> tuple[str, str]:
    """Return a FROM source `(SELECT … ) AS u` over rows sent as one JSON parameter, in order, and that parameter.

    PostgreSQL only. The ORM's bulk_create would build a model instance and prepare every value
    of every row field by field, and even arrays per column cost psycopg a Python loop per value;
    json.dumps is C. Column names and types come from the caller's constants, never from input.
    """
    select = ", ".join(f"(r->>{i})::{pg_type} AS {name}" for i, (name, pg_type) in enumerate(columns))
    payload = json.dumps(rows, ensure_ascii=False, default=_plain)
    return f"(SELECT {select} FROM jsonb_array_elements(%s::jsonb) AS r) AS u", payload


class AnyOf(Lookup):
    """`field__any_of=values`: like `__in`, but one array parameter on PostgreSQL (`= ANY(%s::type[])`).

    `__in` with hundreds of values writes a statement with one placeholder per value, different for
    every count: psycopg parses each anew (it caches only short statements) and PostgreSQL plans
    each anew. Batches of 500 did this several times a request. Other databases get a plain IN.
    """

    lookup_name = "any_of"

    def get_prep_lookup(self):
        field = self.lhs.output_field
        return [field.get_prep_value(value) for value in self.rhs]

    def _values(self, connection) -> list:
        field = self.lhs.output_field
        return [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self._values(connection)]

    def as_postgresql(self, compiler, connection):
        if not postgresql_paths():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{array_type}[])", [*lhs_params, self._values(connection)]
