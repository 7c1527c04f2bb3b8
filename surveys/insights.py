"""Reads for insights: score series, period comparisons and breakdowns, counted in the database.

Every figure comes from the score rollups (surveys.services.rollups) plus the answers not yet
folded into them, added in the same statement, so it equals the aggregate over the responses
at any moment. A filter on account reads the responses themselves: accounts are too many to roll up.
Days are calendar days in TIME_ZONE; `since` and `until` are days, both included.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth, TruncWeek

from closedloop import selectors as closedloop_selectors
from feedback import selectors as feedback_selectors
from surveys import scoring
from surveys.models import SCORE_COLUMNS, Response, ScoreChange, ScoreRollup, Survey, Touchpoint
from surveys.selectors import ReferralKpis, ResponseRate, invitation_response_rates, referral_kpis

INTERVALS = ("day", "week", "month")
DIMENSIONS = ("touchpoint", "survey", "plan", "account", "language")
MAX_BUCKETS = 400


@dataclass(frozen=True, slots=True)
class ScoreFilters:
    """Which answers count: all of one survey kind, narrowed by any of the rest (empty: no narrowing)."""

    kind: str
    survey_ids: tuple[int, ...] = ()
    touchpoint_ids: tuple[int, ...] = ()  # 0: answers given at no touchpoint
    plans: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Figure:
    """A sample's headline score with its 95% interval, class counts and, for CES, the agreeing share."""

    n: int
    estimate: scoring.ScoreEstimate
    classes: dict[str, int]
    counts: dict[int, int]
    agree: scoring.ScoreEstimate | None = None  # CES only: % answering 5-7


@dataclass(frozen=True, slots=True)
class Bucket:
    start: date
    end: date  # the bucket's last day
    figure: Figure
    change: scoring.ChangeTest | None  # against the bucket before it


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    buckets: list[Bucket]


@dataclass(frozen=True, slots=True)
class SeriesResult:
    kind: str
    interval: str
    since: date
    until: date
    group_by: str | None
    series: list[Series]
    total: Figure
    previous: Figure  # as many buckets, just before the period
    change: scoring.ChangeTest
    source: str  # "rollups", or "responses" when an account filter reads them directly


@dataclass(frozen=True, slots=True)
class Segment:
    key: str
    label: str
    figure: Figure
    share: float  # of the period's answers
    contribution: float | None  # share × (segment score − overall score)
    versus_rest: scoring.ChangeTest  # the segment against all other answers


@dataclass(frozen=True, slots=True)
class Breakdown:
    kind: str
    by: str
    since: date
    until: date
    total: Figure
    segments: list[Segment] = field(default_factory=list)


def figure(kind: str, counts: dict[int, int]) -> Figure:
    """Score per-score counts as the kind's headline figure."""
    low, high = scoring.scale_for(kind)
    counts = {score: counts.get(score, 0) for score in range(low, high + 1)}
    classes = scoring.class_counts(kind, counts)
    n = sum(counts.values())
    if kind == scoring.SurveyKind.CES:
        estimates = scoring.ces(counts)
        estimate, agree = estimates.mean, estimates.agree  # CES shows the share who agree beside the mean
    else:
        estimate, agree = scoring.summarize(kind, counts), None
    return Figure(n=n, estimate=estimate, classes={str(c): k for c, k in classes.items()}, counts=counts, agree=agree)


def period_align(*, interval: str, since: date, until: date) -> tuple[date, date]:
    """Widen a period to whole buckets: weeks start on Monday, months on the 1st."""
    if interval == "week":
        return since - timedelta(days=since.weekday()), until + timedelta(days=6 - until.weekday())
    if interval == "month":
        return since.replace(day=1), until.replace(day=calendar.monthrange(until.year, until.month)[1])
    return since, until


def bucket_starts(*, interval: str, since: date, until: date) -> list[date]:
    """The first day of every bucket of an aligned period."""
    starts, day = [], since
    while day <= until:
        starts.append(day)
        if interval == "day":
            day += timedelta(days=1)
        elif interval == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


def score_series(
    *, filters: ScoreFilters, interval: str, since: date, until: date, group_by: str | None = None, min_sample: int = 30
) -> SeriesResult:
    """The kind's score per bucket (and per group), each bucket tested against the one before it."""
    since, until = period_align(interval=interval, since=since, until=until)
    starts = bucket_starts(interval=interval, since=since, until=until)
    # One statement counts this period and the one before it (as many buckets, just before).
    previous_since = buckets_before(interval=interval, since=since, count=len(starts))
    filters = _with_surveys(filters)
    cells = _counts(filters=filters, since=previous_since, until=until, interval=interval, group_by=group_by)
    by_key: dict[str, dict[date, dict[int, int]]] = defaultdict(dict)
    previous, total = Counter(), Counter()
    for (bucket, key), counts in cells.items():
        if bucket < since:
            previous.update(counts)
            continue
        by_key[key][bucket] = counts
        total.update(counts)
    previous_counts, total_counts = dict(previous), dict(total)
    labels = _labels(group_by, by_key)
    series = []
    for key in sorted(by_key, key=lambda k: labels.get(k, k)):
        buckets, before = [], None
        for index, start in enumerate(starts):
            counts = by_key[key].get(start, {})
            end = (starts[index + 1] if index + 1 < len(starts) else until + timedelta(days=1)) - timedelta(days=1)
            change = None
            if before is not None:
                change = scoring.change_test(filters.kind, before, counts, min_sample=min_sample)
            buckets.append(Bucket(start=start, end=end, figure=figure(filters.kind, counts), change=change))
            before = counts
        series.append(Series(key=key, label=labels.get(key, key), buckets=buckets))
    return SeriesResult(
        kind=filters.kind,
        interval=interval,
        since=since,
        until=until,
        group_by=group_by,
        series=series,
        total=figure(filters.kind, total_counts),
        previous=figure(filters.kind, previous_counts),
        change=scoring.change_test(filters.kind, previous_counts, total_counts, min_sample=min_sample),
        source="responses" if filters.accounts or group_by == "account" else "rollups",
    )


def buckets_before(*, interval: str, since: date, count: int) -> date:
    """The first day of the `count` buckets just before an aligned `since`."""
    if interval == "day":
        return since - timedelta(days=count)
    if interval == "week":
        return since - timedelta(weeks=count)
    months = since.year * 12 + since.month - 1 - count
    return date(months // 12, months % 12 + 1, 1)


def score_breakdown(
    *, filters: ScoreFilters, by: str, since: date, until: date, min_sample: int = 30, limit: int = 100
) -> Breakdown:
    """The score per segment over a period, the segment that pulls the score down first."""
    cells = _counts(filters=filters, since=since, until=until, group_by=by)
    per_key = {key: counts for (_bucket, key), counts in cells.items()}
    total_counts = _sum_counts(per_key.values())
    total = figure(filters.kind, total_counts)
    labels = _labels(by, per_key)
    segments = []
    for key, counts in per_key.items():
        segment = figure(filters.kind, counts)
        if not segment.n:
            continue
        rest = {score: total_counts.get(score, 0) - counts.get(score, 0) for score in total_counts}
        share = segment.n / total.n
        segments.append(
            Segment(
                key=key,
                label=labels.get(key, key),
                figure=segment,
                share=share,
                contribution=scoring.contribution(
                    share=share, segment_score=segment.estimate.value, overall_score=total.estimate.value
                ),
                versus_rest=scoring.change_test(filters.kind, rest, counts, min_sample=min_sample),
            )
        )
    segments.sort(key=lambda s: (s.contribution if s.contribution is not None else 0.0, -s.figure.n, s.label))
    return Breakdown(kind=filters.kind, by=by, since=since, until=until, total=total, segments=segments[:limit])


def score_total(*, filters: ScoreFilters, since: date, until: date) -> Figure:
    """The kind's score over a whole period."""
    return figure(filters.kind, _sum_counts(_counts(filters=filters, since=since, until=until).values()))


@dataclass(frozen=True, slots=True)
class Driver:
    key: str
    name_en: str
    name_zh: str
    figure: Figure  # the answers whose comment mentions it
    negative_share: float | None  # of the commented detractors (or dissatisfied, hard), how many mention it
    positive_share: float | None  # of the commented promoters (or satisfied, easy)
    lift: float | None  # its detractors' rate among its mentions ÷ the rate among all commented answers
    impact: float | None  # the score of its mentions minus the score of the other commented answers
    contribution: float | None  # share of commented answers × (its score − their score)
    versus_rest: scoring.ChangeTest  # its mentions against the other commented answers


@dataclass(frozen=True, slots=True)
class DriverReport:
    kind: str
    since: date
    until: date
    commented: Figure
    drivers: list[Driver]


def score_drivers(
    *,
    filters: ScoreFilters,
    since: date,
    until: date,
    comment_languages: Sequence[str] = (),
    min_mentions: int = 3,
    min_sample: int = 30,
    limit: int = 30,
) -> DriverReport:
    """Themes and keywords in the comments, those that pull the score down first.

    Reads feedback's counts (analysed comments of the period) and scores them here.
    """
    kind = scoring.SurveyKind(filters.kind)
    keys = list(Touchpoint.objects.filter(id__in=filters.touchpoint_ids).values_list("key", flat=True))
    counts = feedback_selectors.driver_counts(
        survey_kind=kind.value,
        since=_start(since),
        before=_after(until),
        survey_ids=filters.survey_ids,
        touchpoint_keys=keys,
        languages=comment_languages,
        locales=filters.locales,
        plans=filters.plans,
        accounts=filters.accounts,
    )
    commented = figure(kind, counts.commented)
    negative, positive = str(scoring.NEGATIVE_CLASS[kind]), str(scoring.POSITIVE_CLASS[kind])
    drivers = []
    for key, mention_counts in counts.drivers.items():
        mentions = figure(kind, mention_counts)
        if mentions.n < min_mentions:
            continue
        rest_counts = {s: commented.counts[s] - mentions.counts[s] for s in commented.counts}
        rest = figure(kind, rest_counts)
        overall_rate = _rate(commented.classes[negative], commented.n)
        mention_rate = _rate(mentions.classes[negative], mentions.n)
        value, rest_value = mentions.estimate.value, rest.estimate.value
        drivers.append(
            Driver(
                key=key,
                name_en=counts.labels[key][0],
                name_zh=counts.labels[key][1] or counts.labels[key][0],
                figure=mentions,
                negative_share=_rate(mentions.classes[negative], commented.classes[negative]),
                positive_share=_rate(mentions.classes[positive], commented.classes[positive]),
                lift=mention_rate / overall_rate if overall_rate else None,
                impact=value - rest_value if value is not None and rest_value is not None else None,
                contribution=scoring.contribution(
                    share=mentions.n / commented.n, segment_score=value, overall_score=commented.estimate.value
                ),
                versus_rest=scoring.change_test(kind, rest_counts, mentions.counts, min_sample=min_sample),
            )
        )
    drivers.sort(key=lambda d: (d.contribution if d.contribution is not None else 0.0, -d.figure.n, d.key))
    return DriverReport(kind=kind.value, since=since, until=until, commented=commented, drivers=drivers[:limit])


def loop_kpis(*, filters: ScoreFilters, since: date, until: date) -> closedloop_selectors.LoopKpis:
    """How fast the loop closed for the cases of these surveys and touchpoints, over the days since..until."""
    keys = list(Touchpoint.objects.filter(id__in=filters.touchpoint_ids).values_list("key", flat=True))
    return closedloop_selectors.loop_kpis(
        since=_start(since),
        until=_after(until),
        survey_ids=_with_surveys(filters).survey_ids or (0,),  # no survey of the kind: no case
        touchpoint_keys=keys,
        plans=filters.plans,
        accounts=filters.accounts,
        locales=filters.locales,
    )


def response_rates(*, filters: ScoreFilters, since: date, until: date) -> list[ResponseRate]:
    """Invitations sent, opened and answered by survey, touchpoint and channel, made over since..until."""
    return invitation_response_rates(
        since=_start(since),
        before=_after(until),
        survey_ids=_with_surveys(filters).survey_ids or (0,),  # no survey of the kind: no invitation
        touchpoint_ids=filters.touchpoint_ids,
        plans=filters.plans,
        accounts=filters.accounts,
        locales=filters.locales,
    )


@dataclass(frozen=True, slots=True)
class Dashboard:
    series: SeriesResult
    touchpoints: Breakdown
    plans: Breakdown
    drivers: DriverReport
    loop: closedloop_selectors.LoopKpis
    response_rates: list[ResponseRate]
    advocacy: ReferralKpis


def dashboard(
    *,
    filters: ScoreFilters,
    interval: str,
    since: date,
    until: date,
    min_sample: int = 30,
    reward_cost: Decimal = Decimal(0),
) -> Dashboard:
    """Everything the insights dashboard shows, for one set of filters."""
    series = score_series(filters=filters, interval=interval, since=since, until=until, min_sample=min_sample)
    since, until = series.since, series.until  # whole buckets, for every figure on the page
    period = {"filters": filters, "since": since, "until": until}
    return Dashboard(
        series=series,
        touchpoints=score_breakdown(**period, by="touchpoint", min_sample=min_sample),
        plans=score_breakdown(**period, by="plan", min_sample=min_sample),
        drivers=score_drivers(**period, min_sample=min_sample, limit=15),
        loop=loop_kpis(**period),
        response_rates=response_rates(**period),
        advocacy=referral_kpis(since=_start(since), until=_after(until), reward_cost=reward_cost),
    )


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def segment_values(dimension: str) -> list[str]:
    """The plans (or languages) answers were given in, for a filter's choices (off the rollups, not the answers)."""
    column = {"plan": "plan", "language": "locale"}[dimension]
    return [
        v
        for v in ScoreRollup.objects.filter(grain=ScoreRollup.Grain.MONTH)
        .order_by(column)
        .values_list(column, flat=True)
        .distinct()
        if v
    ]


def survey_ids_of_kind(kind: str) -> list[int]:
    return list(Survey.objects.filter(kind=kind).values_list("id", flat=True))


# --- counting ------------------------------------------------------------------------------------


def _counts(
    *, filters: ScoreFilters, since: date, until: date, interval: str | None = None, group_by: str | None = None
) -> dict[tuple[date | None, str], dict[int, int]]:
    """{(bucket start or None, group key): {score: answers}} over since..until, in one statement."""
    filters = _with_surveys(filters)
    if not filters.survey_ids:
        return {}
    if filters.accounts or group_by == "account":
        parts = [_raw_cells(filters, since, until, interval, group_by)]
    else:
        parts = [
            _rollup_cells(filters, since, until, interval, group_by),
            _pending_cells(filters, since, until, interval, group_by),
        ]
    compiled = [part.query.sql_with_params() for part in parts]
    sums = ", ".join(f"SUM(n{column})" for column in SCORE_COLUMNS)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part{n}" for n, (sql, _params) in enumerate(compiled))  # noqa: S608
    sql = f"SELECT bucket_start, group_key, {sums} FROM ({union}) AS cells GROUP BY bucket_start, group_key"  # noqa: S608 - ours
    params = [param for _sql, part_params in compiled for param in part_params]
    result: dict[tuple[date | None, str], dict[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, key, *counts in cursor.fetchall():
            start = date.fromisoformat(str(bucket)[:10]) if interval else None
            result[(start, "" if key is None else str(key))] = {
                score: int(count or 0) for score, count in enumerate(counts) if count
            }
    return result


def _with_surveys(filters: ScoreFilters) -> ScoreFilters:
    """The filters with the surveys named: all of the kind when none were chosen."""
    if filters.survey_ids:
        return filters
    fields = {name: getattr(filters, name) for name in ScoreFilters.__slots__}
    return ScoreFilters(**{**fields, "survey_ids": tuple(survey_ids_of_kind(filters.kind))})


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
    day = TruncDate("submitted_at", tzinfo=_zone())
    counts = {f"n{column}": Coalesce(Sum("change", filter=Q(score=n)), 0) for n, column in enumerate(SCORE_COLUMNS)}
    return (
        _narrow(ScoreChange.objects.filter(submitted_at__gte=_start(since), submitted_at__lt=_after(until)), filters)
        .annotate(bucket_start=_bucket(interval, day), group_key=_group(group_by))
        .values("bucket_start", "group_key")
        .annotate(**counts)
        .values_list("bucket_start", "group_key", *counts)
        .order_by()
    )


def _raw_cells(filters, since, until, interval, group_by) -> QuerySet:
    day = TruncDate("submitted_at", tzinfo=_zone())
    counts = {f"n{column}": Count("id", filter=Q(score=n)) for n, column in enumerate(SCORE_COLUMNS)}
    return (
        _narrow(
            Response.objects.filter(submitted_at__gte=_start(since), submitted_at__lt=_after(until)), filters, raw=True
        )
        .annotate(bucket_start=_bucket(interval, day), group_key=_group(group_by, raw=True))
        .values("bucket_start", "group_key")
        .annotate(**counts)
        .values_list("bucket_start", "group_key", *counts)
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


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_zone())


def _after(day: date) -> datetime:
    return _start(day + timedelta(days=1))


def _sum_counts(many: Iterable[dict[int, int]]) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for counts in many:
        for score, count in counts.items():
            total[score] += count
    return dict(total)


def _labels(group_by: str | None, keys: Iterable[str]) -> dict[str, str]:
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


def survey_kinds(survey_ids: Sequence[int]) -> dict[int, str]:
    """Map survey ids to their kinds (unknown ids are left out)."""
    return dict(Survey.objects.filter(id__in=survey_ids).values_list("id", "kind"))


def touchpoint_ids_for(keys: Sequence[str]) -> dict[str, int]:
    """Map touchpoint keys to ids (unknown keys are left out)."""
    return dict(Touchpoint.objects.filter(key__in=keys).values_list("key", "id"))
