"""The health back-test over the recorded churn: the snapshots and churn records read, the statistics applied.

The statistics are accounts.backtest's (pure); this module chooses the observations. On the first day of
each month from `since` to `until`, every account with a health score that day and no confirmed churn
on or before it is one observation. Its outcome at a horizon (30, 60, 90 days) is whether its first
confirmed churn fell within that many days; landmarks whose horizon ends after `until` are not used.

A landmark with no snapshot at all (before health was first computed here, or a history imported
since) is scored from the signals as they were that day by today's scorecards (health_as_of), and said so
in the docs: slower, as it reads the signals, and today's weights rather than those of the day.

Markers, each a level where higher is healthier:
- the health score (0..100) as it was that day;
- each measure alone: the share of its weight it earned that day (points over weight, in twentieths);
- usage and billing alone: the same share over the measures of signals the customer's systems send, that
  is without what the account's people say and its cases (the experience signals, DERIVED_KEYS): would
  usage alone have warned us?
The measures are read from the snapshots' explanations of a random `MEASURE_SAMPLE` of the accounts that
churned and as many of the others (each weighted to stand for all of its kind; every account when there
are fewer), so the read stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from accounts import backtest
from accounts.health_selectors import health_as_of
from accounts.models import ChurnRecord
from accounts.scoring import Result, Source
from accounts.signal_rows import DERIVED_KEYS
from accounts.sql_backtest import landmark_measures, landmark_scores

HORIZONS = (30, 60, 90)
MAIN_HORIZON = 90
DEFAULT_MONTHS = 24
MEASURE_SAMPLE = 250  # accounts of each kind (churned, stayed) whose measures are read; more stand for the rest
MEASURE_LEVELS = 21  # twentieths of a measure's weight
_NO_CHURN = 10**9
_DAYS = 10**7  # day numbers (proleptic ordinals) are below this: (account, day) as one integer
_BAND_CODES = {band: code for code, band in enumerate(backtest.BANDS)}


@dataclass(frozen=True, slots=True)
class MeasureResult:
    source: Source
    result: backtest.Marker


@dataclass(frozen=True, slots=True)
class HorizonResult:
    horizon: int
    health: backtest.Marker
    bands: backtest.Bands
    usage: backtest.Marker | None
    measures: list[MeasureResult]

    @property
    def measures_ranked(self) -> list[MeasureResult]:
        """The measures, the best warning first (those without an AUC last)."""
        return sorted(self.measures, key=lambda m: -(m.result.auc.value if m.result.auc.value is not None else -1))


@dataclass(frozen=True, slots=True)
class Backtest:
    since: date
    until: date
    landmarks: list[date]
    accounts: int  # accounts with at least one observation
    churned_accounts: int  # of them, those whose churn falls after one of their observations
    measured_accounts: int  # accounts whose measures were read (all churned ones and a sample of the others)
    horizons: list[HorizonResult] = field(default_factory=list)

    def at(self, horizon: int) -> HorizonResult | None:
        return next((h for h in self.horizons if h.horizon == horizon), None)

    @property
    def main(self) -> HorizonResult | None:
        """The horizon the dashboard's sentences speak of (90 days: a quarter's warning)."""
        return self.at(MAIN_HORIZON)


def month_starts(since: date, until: date) -> list[date]:
    """The first day of each month from since (on or after it) to until."""
    first = date(since.year, since.month, 1)
    if first < since:
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    days = []
    while first <= until:
        days.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return days


def default_since(until: date) -> date:
    """The first day of the month DEFAULT_MONTHS months before until's."""
    months = until.year * 12 + until.month - 1 - DEFAULT_MONTHS
    return date(months // 12, months % 12 + 1, 1)


def first_churns() -> dict[int, int]:
    """Each account's first confirmed churn, as a day number."""
    confirmed = ChurnRecord.objects.filter(kind=ChurnRecord.Kind.CHURN, status=ChurnRecord.Status.CONFIRMED)
    first: dict[int, int] = {}
    for account_id, day in confirmed.order_by("date").values_list("account_id", "date"):
        first.setdefault(account_id, day.toordinal())
    return first


def _day_number(landmarks: list[date]) -> dict:
    numbers: dict = {}
    for day in landmarks:
        numbers[day] = numbers[day.isoformat()] = day.toordinal()
    return numbers


@dataclass(slots=True)
class _Read:
    """Observations as arrays: the account id, the landmark's day number, the score and the band code."""

    ids: np.ndarray
    days: np.ndarray
    scores: np.ndarray
    bands: np.ndarray


def _churn_days(ids: np.ndarray, churns: dict[int, int]) -> np.ndarray:
    unique, inverse = np.unique(ids, return_inverse=True)
    return np.asarray([churns.get(int(a), _NO_CHURN) for a in unique], dtype=np.int64)[inverse]


def _scores(landmarks: list[date], churns: dict[int, int], rows: list) -> _Read:
    numbers = _day_number(landmarks)
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return _Read(empty, empty, empty, empty)
    ids, days, scores, bands = zip(*rows, strict=True)
    read = _Read(
        np.asarray(ids, dtype=np.int64),
        np.asarray([numbers[day] for day in days], dtype=np.int64),
        np.clip(np.asarray(scores, dtype=np.int64), 0, 100),
        np.asarray([_BAND_CODES.get(band, -1) for band in bands], dtype=np.int64),
    )
    customer = _churn_days(read.ids, churns) > read.days  # still a customer that day
    return _Read(read.ids[customer], read.days[customer], read.scores[customer], read.bands[customer])


def _sample(ids: np.ndarray, days: np.ndarray, churns: dict[int, int], weights: dict[int, float]) -> backtest.Sample:
    unique, inverse = np.unique(ids, return_inverse=True)
    stand_for = np.asarray([weights.get(int(a), 1.0) for a in unique], dtype=np.float64)
    return backtest.Sample(
        account=inverse.astype(np.int64),
        day=days,
        churn_day=_churn_days(ids, churns),
        weight=stand_for[inverse] if unique.size else np.zeros(0),
        accounts=int(unique.size),
    )


@dataclass(slots=True)
class Measured:
    """The measured observations: their sample, each source's level (-1 without data), and usage alone's."""

    sample: backtest.Sample
    levels: dict[Source, np.ndarray]
    usage: np.ndarray
    fractions: dict[Source, np.ndarray]  # the exact share of its weight each measure earned (NaN without data)


@dataclass(slots=True)
class History:
    """What the back-test reads: every account's scores, and the measures of the sampled accounts."""

    landmarks: list[date]
    last_day: int
    read: _Read
    sample: backtest.Sample
    churned_ids: set[int]
    measured: Measured


def _unsnapshotted(landmarks: list[date], rows: list) -> dict[date, dict[int, Result]]:
    """The landmarks without any snapshot, scored from the signals by today's scorecards (health_as_of)."""
    numbers = _day_number(landmarks)
    seen = {numbers[row[1]] for row in rows}
    return {day: health_as_of(day) for day in landmarks if day.toordinal() not in seen}


def history_read(*, since: date, until: date) -> History:
    landmarks = month_starts(since, until)
    churns = first_churns()
    rows = landmark_scores(landmarks)
    scored = _unsnapshotted(landmarks, rows)
    rows += [
        (a, day, r.score, r.band) for day, results in scored.items() for a, r in results.items() if r.score is not None
    ]
    read = _scores(landmarks, churns, rows)
    last_day = until.toordinal()
    churn_days = _churn_days(read.ids, churns)
    churned_ids = {int(a) for a in np.unique(read.ids[churn_days <= last_day])}  # (after a landmark: see _scores)
    measured = _measures(landmarks, read, churns, churned_ids, scored)
    return History(landmarks, last_day, read, _sample(read.ids, read.days, churns, {}), churned_ids, measured)


def health_backtest(*, since: date, until: date, horizons: tuple[int, ...] = HORIZONS) -> Backtest:
    """The back-test of the health score (and of each measure, and of usage alone) over since..until."""
    history = history_read(since=since, until=until)
    sample, measures, last_day = history.sample, history.measured, history.last_day
    weights = backtest.rounds(sample.accounts)
    measure_weights = backtest.rounds(measures.sample.accounts) if measures.sample.accounts else None
    scores, bands = history.read.scores, history.read.bands
    results = []
    for horizon in horizons:
        usable, churned = sample.outcome(horizon, last_day=last_day)
        health = backtest.marker_auc(sample, scores, 101, usable=usable, churned=churned, weights=weights)
        banded = backtest.band_rates(sample, bands, usable=usable, churned=churned, weights=weights)
        markers = _measure_markers(measures, horizon, measure_weights, last_day=last_day)
        results.append(HorizonResult(horizon, health, banded, *markers))
    return Backtest(
        since=since,
        until=until,
        landmarks=history.landmarks,
        accounts=sample.accounts,
        churned_accounts=len(history.churned_ids),
        measured_accounts=measures.sample.accounts,
        horizons=results,
    )


def _sampled(ids: list[int], rng: np.random.Generator) -> tuple[list[int], float]:
    """At most MEASURE_SAMPLE of the accounts, at random, and how many accounts each stands for."""
    if len(ids) <= MEASURE_SAMPLE:
        return ids, 1.0
    picked = rng.choice(len(ids), size=MEASURE_SAMPLE, replace=False)
    return [ids[i] for i in sorted(picked)], len(ids) / MEASURE_SAMPLE


def _measures(
    landmarks: list[date], read: _Read, churns: dict[int, int], churned_ids: set[int], scored: dict[date, dict]
) -> Measured:
    rng = np.random.default_rng(backtest.SEED)
    weights: dict[int, float] = {}
    for group in (sorted(churned_ids), sorted({int(a) for a in np.unique(read.ids)} - churned_ids)):
        chosen, stand_for = _sampled(group, rng)
        weights.update(dict.fromkeys(chosen, stand_for))
    numbers = _day_number(landmarks)
    rows = landmark_measures([day for day in landmarks if day not in scored], sorted(weights))
    rows += [
        (account_id, day, m["key"], m["window"], m.get("per_key", ""), float(m["points"]), float(m["weight"]))
        for day, results in scored.items()
        for account_id, result in results.items()
        if account_id in weights and result.score is not None
        for m in result.measures
        if m["weight"] > 0 and not m.get("missing")
    ]
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return Measured(_sample(empty, empty, churns, weights), {}, empty, {})
    ids, days, keys, windows, per_keys, points, totals = zip(*rows, strict=True)
    # one observation per (account, landmark): its rows are its measures
    day_numbers = np.asarray([numbers[day] for day in days], dtype=np.int64)
    observations, row_of = np.unique(np.asarray(ids, dtype=np.int64) * _DAYS + day_numbers, return_inverse=True)
    ids_of, days_of = observations // _DAYS, observations % _DAYS
    sources = [f"{k}\x1f{w}\x1f{p}" for k, w, p in zip(keys, windows, per_keys, strict=True)]
    named, source_of = np.unique(sources, return_inverse=True)
    earned, weight = np.asarray(points, dtype=np.float64), np.asarray(totals, dtype=np.float64)
    table = np.full((observations.size, named.size), np.nan)
    table[row_of, source_of] = np.clip(earned / weight, 0.0, 1.0)
    usage_rows = ~np.isin(np.asarray(keys), DERIVED_KEYS)
    usage_points = np.bincount(row_of[usage_rows], weights=earned[usage_rows], minlength=observations.size)
    usage_weight = np.bincount(row_of[usage_rows], weights=weight[usage_rows], minlength=observations.size)
    customer = _churn_days(ids_of, churns) > days_of
    ids, days, table = ids_of[customer], days_of[customer], table[customer]
    usage_points, usage_weight = usage_points[customer], usage_weight[customer]
    fractions: dict[Source, np.ndarray] = {}
    for column, name in enumerate(named):
        key, window, per_key = str(name).split("\x1f")
        fractions[(key, window, per_key)] = table[:, column]
    with np.errstate(invalid="ignore", divide="ignore"):
        # points and weights are each rounded in the explanation: their ratio may pass 100 by a little
        usage = np.where(
            usage_weight > 0, np.clip(np.rint(100 * usage_points / np.maximum(usage_weight, 1)), 0, 100), -1
        )
    levels = {
        source: np.where(np.isnan(values), -1, np.rint(values * (MEASURE_LEVELS - 1))).astype(np.int64)
        for source, values in sorted(fractions.items())
    }
    return Measured(_sample(ids, days, churns, weights), levels, usage.astype(np.int64), fractions)


def _measure_markers(
    measured: Measured, horizon: int, weights: np.ndarray | None, *, last_day: int
) -> tuple[backtest.Marker | None, list[MeasureResult]]:
    if weights is None:
        return None, []
    sample = measured.sample
    usable, churned = sample.outcome(horizon, last_day=last_day)
    usage = backtest.marker_auc(
        sample,
        np.maximum(measured.usage, 0),
        101,
        usable=usable & (measured.usage >= 0),
        churned=churned,
        weights=weights,
    )
    results = []
    for source, levels in measured.levels.items():
        marker = backtest.marker_auc(
            sample,
            np.maximum(levels, 0),
            MEASURE_LEVELS,
            usable=usable & (levels >= 0),
            churned=churned,
            weights=weights,
        )
        results.append(MeasureResult(source, marker))
    return usage, results
