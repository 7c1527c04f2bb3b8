"""Suggested scorecard weights, fitted to the recorded churn, with their back-test beside the current weights'.

Nothing changes on its own: a CX lead reads the suggestion and accepts it or not
(accounts.services.scorecards.scorecard_weights_accept).

The fit: an L2-regularised logistic regression of "churned within 90 days" on the share of its weight each
measure of the scorecard earned at each landmark (accounts.backtest_report's measured observations,
weighted as they are). A measure whose coefficient says "more of it, less churn" gets a weight in
proportion to that coefficient; one that does not warn keeps a weight of 1 (removing it is a person's
call). The suggested weights share the same total as the current weights of the measures fitted (at most
MAX_WEIGHT), so measures without enough data keep their share.

The comparison is out of sample: five folds of accounts, each scored by weights fitted on the other four,
against the current weights on the same observations, both with the bootstrap interval.

Enough churn: ten churned accounts for each measure fitted, and never fewer than fifty, counted among
the accounts read (backtest_report reads at most MEASURE_SAMPLE of those that churned) — the usual rule
for a logistic regression's events per variable (Peduzzi et al., 1996), below which its coefficients
are too unstable to act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accounts import backtest
from accounts.backtest_report import MAIN_HORIZON, Measured
from accounts.scoring import MAX_WEIGHT, Source, largest_remainder

EVENTS_PER_MEASURE = 10
MIN_CHURNS = 50
MIN_PRESENT = 0.5  # a measure is fitted when at least half the observations have it
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Weighting:
    source: Source
    current: int
    suggested: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    churned_accounts: int  # churned within the horizon after a landmark, among the accounts read (sampled)
    needed: int  # churned accounts needed for the measures fitted
    measures: int = 0  # the measures with data on at least half the observations; fewer than two: nothing to weigh
    weights: list[Weighting] = field(default_factory=list)  # empty without enough churn, or when nothing warns
    current: backtest.Marker | None = None  # the current weights, out of sample on the same observations
    suggested: backtest.Marker | None = None

    @property
    def enough(self) -> bool:
        return self.churned_accounts >= self.needed


def _score(fractions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """0..100 per observation: the weighted share earned over the measures it has (as accounts.scoring does)."""
    present = ~np.isnan(fractions)
    earned = np.where(present, fractions, 0.0) @ weights
    total = present.astype(float) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.rint(100 * earned / np.where(total > 0, total, 1)), -1).astype(np.int64)


def _fit(features: np.ndarray, churned: np.ndarray, weights: np.ndarray, total: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    means = np.nanmean(features, axis=0)
    filled = np.where(np.isnan(features), means, features)
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(filled, churned, sample_weight=weights)
    warns = np.maximum(0.0, -model.coef_[0])  # more of the measure, less churn
    if not warns.sum():
        return np.zeros(features.shape[1])
    total = min(total, MAX_WEIGHT)  # no single weight may pass the scorecard's largest
    spare = total - len(warns)  # every measure keeps 1: only a person removes one, in the scorecard
    exact = warns / warns.sum() * spare
    return np.asarray(largest_remainder(list(exact), spare), dtype=float) + 1


def weights_suggest(measured: Measured, current: dict[Source, int], *, last_day: int) -> Suggestion:
    """Suggest weights for the scorecard measures in `current` (source -> weight) from the measured history."""
    sample = measured.sample
    usable, churned = sample.outcome(MAIN_HORIZON, last_day=last_day)
    churned_accounts = int(np.unique(sample.account[usable & churned]).size)
    fitted = [
        source
        for source in current
        if source in measured.fractions
        and usable.any()
        and (~np.isnan(measured.fractions[source][usable])).mean() >= MIN_PRESENT
        and current[source] > 0
    ]
    needed = max(MIN_CHURNS, EVENTS_PER_MEASURE * len(fitted))
    if len(fitted) < 2 or sum(current[source] for source in fitted) <= len(fitted) or churned_accounts < needed:
        return Suggestion(churned_accounts, needed, len(fitted))  # not enough churn, or nothing to share out
    features = np.column_stack([measured.fractions[source][usable] for source in fitted])
    labels, obs_weights = churned[usable], sample.weight[usable]
    accounts = sample.account[usable]
    total = sum(current[source] for source in fitted)
    suggested = _fit(features, labels, obs_weights, total)
    if not suggested.sum():
        return Suggestion(churned_accounts, needed, len(fitted))
    out_of_fold = np.full(labels.size, -1, dtype=np.int64)
    fold_of = np.random.default_rng(backtest.SEED).integers(0, FOLDS, sample.accounts)[accounts]
    for fold in range(FOLDS):
        train = fold_of != fold
        if len(np.unique(labels[train])) < 2:
            continue
        fold_weights = _fit(features[train], labels[train], obs_weights[train], total)
        out_of_fold[~train] = _score(features[~train], fold_weights)
    current_scores = _score(features, np.asarray([current[source] for source in fitted], dtype=float))
    rounds = backtest.rounds(sample.accounts)
    sub = backtest.Sample(accounts, sample.day[usable], sample.churn_day[usable], obs_weights, sample.accounts)
    mask = out_of_fold >= 0  # both on the observations the folds could score

    def marker(scores: np.ndarray) -> backtest.Marker:
        known = mask & (scores >= 0)
        return backtest.marker_auc(sub, np.maximum(scores, 0), 101, usable=known, churned=labels, weights=rounds)

    return Suggestion(
        churned_accounts,
        needed,
        len(fitted),
        [Weighting(s, current[s], int(w)) for s, w in zip(fitted, suggested, strict=True)],
        current=marker(current_scores),
        suggested=marker(out_of_fold),
    )
