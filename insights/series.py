"""Score series, period comparisons and breakdowns, counted in the database.

Days are calendar days in TIME_ZONE; `since` and `until` are days, both included.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from insights.counting import counts, group_labels
from insights.figures import Figure, figure, sum_counts
from insights.filters import ScoreFilters, with_surveys
from insights.periods import bucket_starts, period_align, period_before, week_bucket
from surveys import scoring


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
    previous: Figure  # as many days (whole months for months), just before the period
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


def score_series(
    *, filters: ScoreFilters, interval: str, since: date, until: date, group_by: str | None = None, min_sample: int = 30
) -> SeriesResult:
    """The kind's score per bucket (and per group), each bucket tested against the one before it."""
    since, until = period_align(interval=interval, since=since, until=until)
    starts = bucket_starts(interval=interval, since=since, until=until)
    filters = with_surveys(filters)
    # The period before: as many days (whole months for months), just before, counted as one total.
    previous_since = period_before(interval=interval, since=since, until=until)
    previous_cells = counts(filters=filters, since=previous_since, until=since - timedelta(days=1))
    cells = counts(filters=filters, since=since, until=until, interval=interval, group_by=group_by)
    by_key: dict[str, dict[date, Counter]] = defaultdict(lambda: defaultdict(Counter))
    previous, total = Counter(), Counter()
    for bucket_counts in previous_cells.values():
        previous.update(bucket_counts)
    for (bucket, key), bucket_counts in cells.items():
        if interval == "week" and bucket is not None:
            bucket = week_bucket(bucket, since=since)  # the first week starts on `since`, not on its Monday
        by_key[key][bucket].update(bucket_counts)
        total.update(bucket_counts)
    previous_counts, total_counts = dict(previous), dict(total)
    labels = group_labels(group_by, by_key)
    series = []
    for key in sorted(by_key, key=lambda k: labels.get(k, k)):
        buckets, before = [], None
        for index, start in enumerate(starts):
            bucket_counts = dict(by_key[key].get(start, {}))
            end = (starts[index + 1] if index + 1 < len(starts) else until + timedelta(days=1)) - timedelta(days=1)
            change = None
            if before is not None:
                change = scoring.change_test(filters.kind, before, bucket_counts, min_sample=min_sample)
            buckets.append(Bucket(start=start, end=end, figure=figure(filters.kind, bucket_counts), change=change))
            before = bucket_counts
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


def score_breakdown(
    *, filters: ScoreFilters, by: str, since: date, until: date, min_sample: int = 30, limit: int = 100
) -> Breakdown:
    """The score per segment over a period, the segment that pulls the score down first."""
    cells = counts(filters=filters, since=since, until=until, group_by=by)
    per_key = {key: segment_counts for (_bucket, key), segment_counts in cells.items()}
    total_counts = sum_counts(per_key.values())
    total = figure(filters.kind, total_counts)
    labels = group_labels(by, per_key)
    segments = []
    for key, segment_counts in per_key.items():
        segment = figure(filters.kind, segment_counts)
        if not segment.n:
            continue
        rest = {score: total_counts.get(score, 0) - segment_counts.get(score, 0) for score in total_counts}
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
                versus_rest=scoring.change_test(filters.kind, rest, segment_counts, min_sample=min_sample),
            )
        )
    segments.sort(key=lambda s: (s.contribution if s.contribution is not None else 0.0, -s.figure.n, s.label))
    return Breakdown(kind=filters.kind, by=by, since=since, until=until, total=total, segments=segments[:limit])


def score_total(*, filters: ScoreFilters, since: date, until: date) -> Figure:
    """The kind's score over a whole period."""
    return figure(filters.kind, sum_counts(counts(filters=filters, since=since, until=until).values()))
