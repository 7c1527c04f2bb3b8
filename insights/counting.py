"""Counting answers per score in the database, per bucket and group, from the rollups plus what is pending.

Every count comes from the score rollups (surveys.services.rollups) plus the answers not yet
folded into them, added in the same statement, so it equals the aggregate over the responses
at any moment. A filter on account reads the responses themselves: accounts are too many to roll up.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, DateField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth, TruncWeek

from insights.filters import ScoreFilters, with_surveys
from insights.periods import day_after, day_start, zone
from insights.sql import bucket_day, cells_sum
from surveys.models import SCORE_COLUMNS, Response, ScoreChange, ScoreRollup, Survey, Touchpoint


def counts(
    *, filters: ScoreFilters, since: date, until: date, interval: str | None = None, group_by: str | None = None
) -> dict[tuple[date | None, str], dict[int, int]]:
    """{(bucket start or None, group key): {score: answers}} over since..until, in one statement."""
    filters = with_surveys(filters)
    if not filters.survey_ids:
        return {}
    if filters.accounts or group_by == "account":
        parts = [_raw_cells(filters, since, until, interval, group_by)]
    else:
        parts = [
            _rollup_cells(filters, since, until, interval, group_by),
            _pending_cells(filters, since, until, interval, group_by),
        ]
    result: dict[tuple[date | None, str], dict[int, int]] = {}
    for bucket, key, *counted in cells_sum(parts, SCORE_COLUMNS):
        start = bucket_day(bucket) if interval else None
        result[(start, "" if key is None else str(key))] = {
            score: int(count or 0) for score, count in enumerate(counted) if count
        }
    return result


def group_labels(group_by: str | None, keys: Iterable[str]) -> dict[str, str]:
    """What to call each group key: touchpoints and surveys by name, the rest as they are ("—" for none)."""
    keys = list(keys)
    if group_by == "touchpoint":
        names = dict(
            Touchpoint.objects.filter(id__in=[int(k) for k in keys if k not in ("", "0")]).values_list("id", "name")
        )
        return {key: names.get(int(key), "—") if key not in ("", "0") else "—" for key in keys}
    if group_by == "survey":
        names = dict(Survey.objects.filter(id__in=[int(k) for k in keys if k]).values_list("id", "name"))
        return {key: names.get(int(key), key) for key in keys}
    return {key: key or "—" for key in keys}


_GROUP_FIELD = {"survey": "survey_id", "plan": "plan", "account": "account", "language": "locale"}


def _group(group_by: str | None, *, raw: bool = False):
    if group_by is None:
        return Value("")
    if group_by == "touchpoint":
        return Coalesce("touchpoint_id", 0) if raw else F("touchpoint_id")
    return F(_GROUP_FIELD[group_by])


def _bucket(interval: str | None, day):
    if interval is None:
        return Value(0, output_field=IntegerField())
    if interval == "week":
        return Cast(TruncWeek(day), DateField())
    if interval == "month":
        return Cast(TruncMonth(day), DateField())
    return Cast(day, DateField())


def _narrow(queryset: QuerySet, filters: ScoreFilters, *, raw: bool = False) -> QuerySet:
    queryset = queryset.filter(survey_id__in=filters.survey_ids)
    if filters.touchpoint_ids:
        touchpoints = Q(touchpoint_id__in=[t for t in filters.touchpoint_ids if t])
        if 0 in filters.touchpoint_ids:
            touchpoints |= Q(touchpoint_id__isnull=True) if raw else Q(touchpoint_id=0)
        queryset = queryset.filter(touchpoints)
    if filters.plans:
        queryset = queryset.filter(plan__in=filters.plans)
    if filters.locales:
        queryset = queryset.filter(locale__in=filters.locales)
    if filters.accounts:
        queryset = queryset.filter(account__in=filters.accounts)
    return queryset


def _rollup_cells(filters, since, until, interval, group_by) -> QuerySet:
    # Rows kept across locales and plans serve every question that neither narrows nor groups by them.
    segmented = bool(filters.plans or filters.locales) or group_by in ("plan", "language")
    G = ScoreRollup.Grain
    day, month = (G.DAY, G.MONTH) if segmented else (G.DAY_ALL, G.MONTH_ALL)
    if interval == "month":
        cover = Q(grain=month, bucket__gte=since, bucket__lte=until)
    elif interval is not None:
        cover = Q(grain=day, bucket__gte=since, bucket__lte=until)
    else:
        cover = _cover(since, until, day=day, month=month)
    sums = {column: Sum(column) for column in SCORE_COLUMNS}
    return (
        _narrow(ScoreRollup.objects.filter(cover), filters)
        .annotate(
            bucket_start=_bucket("day" if interval == "month" else interval, "bucket"),  # month rows start on the 1st
            group_key=_group(group_by),
        )
        .values("bucket_start", "group_key")
        .annotate(**{f"n{column}": total for column, total in sums.items()})
        .values_list("bucket_start", "group_key", *(f"n{column}" for column in SCORE_COLUMNS))
        .order_by()
    )


def _pending_cells(filters, since, until, interval, group_by) -> QuerySet:
    day = TruncDate("submitted_at", tzinfo=zone())
    counted = {f"n{column}": Coalesce(Sum("change", filter=Q(score=n)), 0) for n, column in enumerate(SCORE_COLUMNS)}
    return (
        _narrow(
            ScoreChange.objects.filter(submitted_at__gte=day_start(since), submitted_at__lt=day_after(until)), filters
        )
        .annotate(bucket_start=_bucket(interval, day), group_key=_group(group_by))
        .values("bucket_start", "group_key")
        .annotate(**counted)
        .values_list("bucket_start", "group_key", *counted)
        .order_by()
    )


def responses_in(filters: ScoreFilters, *, since: date, until: date) -> QuerySet[Response]:
    """The responses the filters count over the days since..until (the filters' surveys must be named)."""
    return _narrow(
        Response.objects.filter(submitted_at__gte=day_start(since), submitted_at__lt=day_after(until)),
        filters,
        raw=True,
    )


def _raw_cells(filters, since, until, interval, group_by) -> QuerySet:
    day = TruncDate("submitted_at", tzinfo=zone())
    counted = {f"n{column}": Count("id", filter=Q(score=n)) for n, column in enumerate(SCORE_COLUMNS)}
    return (
        responses_in(filters, since=since, until=until)
        .annotate(bucket_start=_bucket(interval, day), group_key=_group(group_by, raw=True))
        .values("bucket_start", "group_key")
        .annotate(**counted)
        .values_list("bucket_start", "group_key", *counted)
        .order_by()
    )


def _cover(since: date, until: date, *, day: str, month: str) -> Q:
    """The rollup rows that count since..until exactly: whole months as months, the days at either end as days."""
    first_full = since if since.day == 1 else (since.replace(day=28) + timedelta(days=4)).replace(day=1)
    after = until + timedelta(days=1)
    end_full = after.replace(day=1)  # months before this one end inside the period
    if first_full >= end_full:
        return Q(grain=day, bucket__gte=since, bucket__lte=until)
    return (
        Q(grain=month, bucket__gte=first_full, bucket__lt=end_full)
        | Q(grain=day, bucket__gte=since, bucket__lt=first_full)
        | Q(grain=day, bucket__gte=end_full, bucket__lte=until)
    )
