"""Keep the score rollups exact: each answer is counted as it is stored, and beat folds the counts in.

An answer writes one ScoreChange row (+1 for its score) in its own statement or transaction; a
changed answer writes -1 for the old score and +1 for the new. `score_rollups_fold` moves the
pending rows into ScoreRollup, one row per day and per month of each survey, touchpoint, locale
and plan. Reads (insights.counting) add whatever is still pending, so no figure is ever stale.
"""

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth

from common.sql import postgresql_paths
from surveys import locks
from surveys.models import SCORE_COLUMNS, Response, ScoreChange, ScoreRollup
from surveys.sql_rollups import GRAINS as _GRAINS
from surveys.sql_rollups import KEY as _KEY
from surveys.sql_rollups import fold_sql, rollups_insert_select_sql

FOLD_BATCH = 100_000  # pending rows folded per statement
_KEY_ALL = ("survey_id", "touchpoint_id", "blank_locale", "blank_plan")  # the *_all grains: segments left blank
_BLANK = {"blank_locale": Value(""), "blank_plan": Value("")}


def score_changes_record(*, changes: Iterable[tuple[Response, int]]) -> None:
    """Count stored answers in (+1) or out (-1) of the rollups, in the caller's transaction."""
    ScoreChange.objects.bulk_create(
        ScoreChange(
            survey_id=response.survey_id,
            touchpoint_id=response.touchpoint_id or 0,
            locale=response.locale,
            plan=response.plan,
            submitted_at=response.submitted_at,
            score=response.score,
            change=change,
        )
        for response, change in changes
    )


def score_rollups_fold() -> int:
    """Fold every pending ScoreChange into the rollups; return how many were folded (idempotent).

    On PostgreSQL one statement deletes a batch of pending rows and adds exactly those to the
    rollups, so a fold running beside answers, readers or another fold neither loses nor
    double-counts a row. Elsewhere the transaction holds the database's only write lock. Both
    fold to the same rollups (tests/surveys/test_sql.py).
    """
    folded = 0
    if postgresql_paths():
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(fold_sql(), [FOLD_BATCH, settings.TIME_ZONE])
                moved = cursor.fetchone()[0]
            folded += moved
            if moved < FOLD_BATCH:
                return folded
    with transaction.atomic():
        last = ScoreChange.objects.order_by("-id").values_list("id", flat=True).first()
        if last is None:
            return 0
        pending = ScoreChange.objects.filter(id__lte=last)
        counts = {column: Coalesce(Sum("change", filter=Q(score=n)), 0) for n, column in enumerate(SCORE_COLUMNS)}
        day = _local_day("submitted_at")
        month = Cast(TruncMonth(day), DateField())
        for grain, bucket_grain, segmented in _GRAINS:
            bucket = day if bucket_grain == "day" else month
            key = _KEY if segmented else _KEY_ALL
            rows = pending.annotate(grain=Value(grain.value), bucket=bucket, **_BLANK).values("grain", "bucket", *key)
            _insert_select(rows.annotate(**counts).values_list("grain", "bucket", *key, *SCORE_COLUMNS), add=True)
        folded, _ = pending.delete()
    return folded


@transaction.atomic
def score_rollups_rebuild() -> int:
    """Recount every rollup from the responses (after a bulk load or a restore); return the rows written.

    On PostgreSQL the pending table is locked for the rebuild, so answers arriving meanwhile wait
    for it to finish and are then counted as usual.
    """
    locks.score_changes_lock()
    ScoreChange.objects.all().delete()
    ScoreRollup.objects.all().delete()
    counts = {column: Count("id", filter=Q(score=n)) for n, column in enumerate(SCORE_COLUMNS)}
    days = (
        Response.objects.annotate(
            grain=Value(ScoreRollup.Grain.DAY.value),
            bucket=_local_day("submitted_at"),
            tp=Coalesce("touchpoint_id", 0),
        )
        .values("grain", "bucket", "survey_id", "tp", "locale", "plan")
        .annotate(**counts)
        .values_list("grain", "bucket", "survey_id", "tp", "locale", "plan", *SCORE_COLUMNS)
        .order_by()
    )
    _insert_select(days)
    sums = {f"{column}_sum": Sum(column) for column in SCORE_COLUMNS}
    for grain, source, month, segmented in (
        (ScoreRollup.Grain.MONTH, ScoreRollup.Grain.DAY, True, True),
        (ScoreRollup.Grain.DAY_ALL, ScoreRollup.Grain.DAY, False, False),
        (ScoreRollup.Grain.MONTH_ALL, ScoreRollup.Grain.DAY_ALL, True, False),
    ):
        bucket = Cast(TruncMonth("bucket"), DateField()) if month else F("bucket")
        key = _KEY if segmented else _KEY_ALL
        rows = (
            ScoreRollup.objects.filter(grain=source)
            .annotate(new_grain=Value(grain.value), new_bucket=bucket, **_blank_as("new"))
            .values("new_grain", "new_bucket", *(k if k in key else f"new_{k}" for k in _KEY))
            .annotate(**sums)
            .values_list("new_grain", "new_bucket", *(k if k in key else f"new_{k}" for k in _KEY), *sums)
            .order_by()
        )
        _insert_select(rows)
    return ScoreRollup.objects.count()


def _blank_as(prefix: str) -> dict:
    return {f"{prefix}_locale": Value(""), f"{prefix}_plan": Value("")}


def _local_day(field: str):
    """The calendar day of a moment in TIME_ZONE, as the rollups and the series count days."""
    return TruncDate(field, tzinfo=_zone())


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _insert_select(rows: QuerySet, *, add: bool = False) -> None:
    """INSERT INTO score rollups the rows of a values_list queryset in ROLLUP_COLUMNS' order (`add`: sum into cells)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(rollups_insert_select_sql(sql, add=add), params)
