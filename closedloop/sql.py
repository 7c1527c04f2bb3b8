"""closedloop's raw SQL (PostgreSQL): the statements and expressions the ORM does not write.

Identifiers come from the models' metadata; values are bound parameters.
"""

from django.db import connection
from django.db.models import Aggregate, CharField, Func


def loose_index_scan_sql(model, field_name: str) -> str:
    """A column's distinct non-null values, in order, one index probe per value (a recursive CTE)."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(field_name).column)
    return f"""
        WITH RECURSIVE keys(k) AS (
            (SELECT {column} FROM {table} ORDER BY 1 LIMIT 1)
            UNION ALL
            SELECT (SELECT {column} FROM {table} WHERE {column} > keys.k ORDER BY 1 LIMIT 1)
            FROM keys WHERE keys.k IS NOT NULL
        )
        SELECT k FROM keys WHERE k IS NOT NULL
    """


# The planner's row count of a table (parameter: its name), without counting: rows per page at the
# last ANALYZE times the table's pages now; NULL before any ANALYZE.
ROW_ESTIMATE_SQL = (
    "SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN NULL"
    " ELSE (c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int))::bigint"
    " END FROM pg_class c WHERE c.oid = %s::regclass"
)


class Percentile(Aggregate):
    """`percentile_cont(p) WITHIN GROUP (ORDER BY expression)`: the continuous percentile p of the group."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"


class UtcText(Func):
    """A timestamp as the export writes it: UTC, to the second, ISO 8601 with a Z."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    output_field = CharField()


def copy_csv_sql(select_sql: str) -> str:
    """COPY a compiled query's rows out as CSV (its parameters go with it)."""
    return f"COPY ({select_sql}) TO STDOUT (FORMAT csv)"
