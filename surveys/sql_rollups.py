"""The score rollups' SQL: an answer's +1 as a step of its statement, the fold, and INSERT … SELECT of cells.

Identifiers come from the models' metadata and the module's constants; values are bound parameters.
"""

from django.db import connection

from surveys.models import SCORE_COLUMNS, ScoreChange, ScoreRollup

KEY = ("survey_id", "touchpoint_id", "locale", "plan")
ROLLUP_COLUMNS = ("grain", "bucket", *KEY, *SCORE_COLUMNS)
# (grain, its bucket, kept per locale and plan)
GRAINS = (
    (ScoreRollup.Grain.DAY, "day", True),
    (ScoreRollup.Grain.MONTH, "month", True),
    (ScoreRollup.Grain.DAY_ALL, "day", False),
    (ScoreRollup.Grain.MONTH_ALL, "month", False),
)


def score_change_step_sql(*, answers: str) -> str:
    """The insert of an answer's +1 as a step of the answer's own PostgreSQL statement.

    `answers` names the step that returned the stored answer's survey_id, touchpoint_id, locale,
    plan, submitted_at and score.
    """
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(ScoreChange._meta.db_table)}"
        " (survey_id, touchpoint_id, locale, plan, submitted_at, score, change)"
        f" SELECT survey_id, COALESCE(touchpoint_id, 0), locale, plan, submitted_at, score, 1 FROM {quote(answers)}"
    )


def rollups_insert_select_sql(select_sql: str, *, add: bool) -> str:
    """INSERT INTO the rollups the rows of `select_sql` (a compiled queryset, in ROLLUP_COLUMNS' order).

    With `add`, a cell that exists has the new counts added to it. Any backend.
    """
    quote = connection.ops.quote_name
    table = quote(ScoreRollup._meta.db_table)
    columns = ", ".join(quote(column) for column in ROLLUP_COLUMNS)
    statement = f"INSERT INTO {table} ({columns}) SELECT * FROM ({select_sql}) AS cells"
    if add:
        conflict = ", ".join(quote(column) for column in ("grain", "bucket", *KEY))
        sums = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in SCORE_COLUMNS)
        # WHERE true: SQLite would otherwise read ON CONFLICT as a join's ON.
        statement += f" WHERE true ON CONFLICT ({conflict}) DO UPDATE SET {sums}"
    return statement


def fold_sql() -> str:
    """Move a batch of pending score changes into the rollups, in one statement; return how many (PostgreSQL).

    Parameters: the batch size and the time zone whose calendar days the rollups count. The
    batch's rows are deleted and added in the same statement, and rows another fold holds are
    skipped, so concurrent folds neither lose nor double-count a row.
    """
    quote = connection.ops.quote_name
    changes, rollups = quote(ScoreChange._meta.db_table), quote(ScoreRollup._meta.db_table)
    sums = ", ".join(f"COALESCE(SUM(change) FILTER (WHERE score = {n}), 0)" for n in range(len(SCORE_COLUMNS)))
    add = ", ".join(f"{c} = {rollups}.{c} + excluded.{c}" for c in SCORE_COLUMNS)
    columns = ", ".join(ROLLUP_COLUMNS)
    key = ", ".join(KEY)
    buckets = {"day": "day", "month": "date_trunc('month', day)::date"}
    steps = []
    for grain, bucket, segmented in GRAINS:
        segments = "locale, plan" if segmented else "'', ''"
        group = f"{buckets[bucket]}, survey_id, touchpoint_id" + (", locale, plan" if segmented else "")
        steps.append(
            f" {grain.value} AS (INSERT INTO {rollups} ({columns})"
            f"  SELECT '{grain.value}', {buckets[bucket]}, survey_id, touchpoint_id, {segments}, {sums} FROM moved"
            f"  GROUP BY {group} ON CONFLICT (grain, bucket, {key}) DO UPDATE SET {add})"
        )
    return (
        f"WITH moved AS (DELETE FROM {changes} WHERE id IN ("
        f"  SELECT id FROM {changes} ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)"
        f"  RETURNING (submitted_at AT TIME ZONE %s)::date AS day, {key}, score, change),"
        + ",".join(steps)
        + " SELECT count(*) FROM moved"
    )
