"""The insights' raw SQL: one statement that adds up the counting's querysets cell by cell."""

from datetime import date

from django.db import connection
from django.db.models import QuerySet


def cells_sum(parts: list[QuerySet], score_columns: tuple[str, ...]) -> list[tuple]:
    """Rows (bucket_start, group_key, one sum per score column) of the parts' cells added together, in one statement.

    Each part selects `bucket_start`, `group_key` and the score columns `n<score>`, in that order:
    the rollups' cells and the pending answers' cells are summed where they meet.
    """
    compiled = [part.query.sql_with_params() for part in parts]
    sums = ", ".join(f"SUM(n{column})" for column in score_columns)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part{n}" for n, (sql, _params) in enumerate(compiled))
    sql = f"SELECT bucket_start, group_key, {sums} FROM ({union}) AS cells GROUP BY bucket_start, group_key"
    params = [param for _sql, part_params in compiled for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def bucket_day(value: object) -> date:
    """A bucket's start as the database returns it (a date, a datetime or ISO text) as a day."""
    return date.fromisoformat(str(value)[:10])
