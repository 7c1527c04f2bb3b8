"""The back-test's statistics (accounts.backtest): AUC, its bootstrap interval, band rates and lift, by hand."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from accounts import backtest


def sample(accounts, days, churn_days, weights=None):
    n = len(accounts)
    return backtest.Sample(
        account=np.asarray(accounts),
        day=np.asarray(days),
        churn_day=np.asarray(churn_days),
        weight=np.ones(n) if weights is None else np.asarray(weights, dtype=float),
        accounts=max(accounts) + 1,
    )


def test_auc_by_hand():
    """Left at 10 and 50, stayed at 50 and 90: of four pairs, three are won and one tied, so 3.5 / 4."""
    left, stayed = np.zeros(101), np.zeros(101)
    left[[10, 50]] = 1
    stayed[[50, 90]] = 1
    assert backtest.auc_of(left, stayed) == pytest.approx(0.875)
    assert np.isnan(backtest.auc_of(left, np.zeros(101)))


def test_auc_matches_scikit_learn_on_random_levels():
    rng = np.random.default_rng(3)
    levels = rng.integers(0, 101, 400)
    churned = rng.random(400) < 0.2 + 0.004 * (100 - levels)  # lower levels leave more often
    left = np.bincount(levels[churned], minlength=101)
    stayed = np.bincount(levels[~churned], minlength=101)
    expected = roc_auc_score(churned, -levels)  # a low level predicts churn
    assert backtest.auc_of(left.astype(float), stayed.astype(float)) == pytest.approx(expected)


def test_outcome_counts_a_churn_within_the_horizon_only():
    s = sample([0, 1, 2, 3], [100, 100, 100, 200], [130, 131, 10**9, 210])
    usable, churned = s.outcome(30, last_day=180)
    assert usable.tolist() == [True, True, True, False]  # day 200 + 30 is past the last day
    assert churned.tolist() == [True, False, False, True]  # day 130 is within (100, 130]; 131 is not


def test_the_interval_surrounds_the_value_and_is_the_same_every_time():
    rng = np.random.default_rng(5)
    accounts = np.repeat(np.arange(200), 6)
    levels = rng.integers(0, 101, accounts.size)
    churn_day = np.where(rng.random(accounts.size) < (100 - levels) / 300, 15, 10**9)
    s = sample(accounts.tolist(), [0] * accounts.size, churn_day.tolist())
    usable, churned = s.outcome(30, last_day=100)
    weights = backtest.rounds(s.accounts)
    first = backtest.marker_auc(s, levels, 101, usable=usable, churned=churned, weights=weights)
    again = backtest.marker_auc(s, levels, 101, usable=usable, churned=churned, weights=backtest.rounds(s.accounts))
    assert first == again
    assert first.auc.low < first.auc.value < first.auc.high
    assert 0.6 < first.auc.value < 0.9
    assert first.observations == accounts.size
    assert first.churned == int(churned.sum())


def test_fewer_accounts_give_a_wider_interval():
    rng = np.random.default_rng(8)

    def width(n):
        levels = rng.integers(0, 101, n)
        churn_day = np.where(rng.random(n) < (100 - levels) / 200, 15, 10**9)
        s = sample(list(range(n)), [0] * n, churn_day.tolist())
        usable, churned = s.outcome(30, last_day=100)
        auc = backtest.marker_auc(s, levels, 101, usable=usable, churned=churned, weights=backtest.rounds(n)).auc
        return auc.high - auc.low

    assert width(100) > width(2000)


def test_band_rates_and_the_lift_of_red_by_hand():
    """Red: 2 of 4 left (50%); yellow: 1 of 5 (20%); green: 1 of 10 (10%); red left 5 times as often as green."""
    bands = [0] * 4 + [1] * 5 + [2] * 10 + [-1]
    churned_at = [0, 1, 4, 9]  # the observation indexes that churn: two red, one yellow, one green
    churn_day = [15 if i in churned_at else 10**9 for i in range(len(bands))]
    s = sample(list(range(len(bands))), [0] * len(bands), churn_day)
    usable, churned = s.outcome(30, last_day=100)
    result = backtest.band_rates(
        s, np.asarray(bands), usable=usable, churned=churned, weights=backtest.rounds(s.accounts)
    )
    assert [(r.band, r.observations, r.churned) for r in result.rates] == [
        ("red", 4, 2),
        ("yellow", 5, 1),
        ("green", 10, 1),
    ]
    assert [r.rate.value for r in result.rates] == pytest.approx([0.5, 0.2, 0.1])
    assert result.red_lift.value == pytest.approx(5.0)


def test_weights_stand_for_the_observations_not_read():
    """An observation of weight 3 counts as three: one churned at 20 against stayers at 80 (x3) and 10."""
    s = sample([0, 1, 2], [0, 0, 0], [15, 10**9, 10**9], weights=[1, 3, 1])
    usable, churned = s.outcome(30, last_day=100)
    result = backtest.marker_auc(
        s, np.asarray([20, 80, 10]), 101, usable=usable, churned=churned, weights=backtest.rounds(3)
    )
    assert result.auc.value == pytest.approx(3 / 4)
