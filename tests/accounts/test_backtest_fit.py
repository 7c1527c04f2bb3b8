"""Suggested weights (accounts.backtest_fit): fitted to the recorded churn, compared out of sample, never applied."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.backtest_report import month_starts
from accounts.backtest_selectors import scorecard_suggestion
from accounts.models import Account, ChurnRecord, HealthSnapshot, Scorecard, ScorecardMeasure

pytestmark = pytest.mark.django_db
SINCE, UNTIL = date(2025, 1, 1), date(2026, 6, 30)


def card():
    scorecard = Scorecard.objects.create(kind="health", stage="adoption", name="fit")
    ScorecardMeasure.objects.create(scorecard=scorecard, key="logins", window="trend_30", bad=-30, good=0, weight=20)
    ScorecardMeasure.objects.create(scorecard=scorecard, key="nps", window="latest", bad=-50, good=30, weight=80)
    return scorecard


def history(accounts, churn_share, rng):
    """`logins` warns (a churning account's share falls to near nothing); `nps` is noise."""
    computed = datetime(2025, 1, 1, tzinfo=UTC)
    landmarks = month_starts(SINCE, UNTIL)
    snapshots, records = [], []
    for n in range(accounts):
        account = Account.objects.create(external_id=f"fit-{n}", name=f"fit {n}")
        leaves = None
        if rng.random() < churn_share:
            leaves = landmarks[rng.randrange(1, len(landmarks) - 3)] + timedelta(days=rng.randrange(5, 80))
            records.append(ChurnRecord(account=account, kind="churn", date=leaves, mrr_lost=1))
        for day in landmarks:
            if leaves and day >= leaves:
                break
            close = leaves is not None and (leaves - day).days <= 90
            logins = rng.uniform(0.0, 0.3) if close else rng.uniform(0.4, 1.0)
            nps = rng.uniform(0.0, 1.0)
            measures = [
                {"key": "logins", "window": "trend_30", "value": 0, "weight": 20, "points": round(20 * logins)},
                {"key": "nps", "window": "latest", "value": 0, "weight": 80, "points": round(80 * nps)},
            ]
            score = sum(m["points"] for m in measures)
            snapshots.append(
                HealthSnapshot(
                    account=account, date=day, health_score=score, health_measures=measures, computed_at=computed
                )
            )
    HealthSnapshot.objects.bulk_create(snapshots)
    ChurnRecord.objects.bulk_create(records)


def test_the_measure_that_warns_gets_the_weight_and_the_back_test_says_so():
    scorecard = card()
    history(400, 0.3, random.Random(4))
    suggestion = scorecard_suggestion(scorecard, since=SINCE, until=UNTIL)
    assert suggestion.enough
    assert suggestion.needed == 50
    weights = {w.source[0]: (w.current, w.suggested) for w in suggestion.weights}
    assert weights["logins"][0] == 20
    assert weights["nps"][0] == 80
    assert weights["logins"][1] > weights["nps"][1]
    assert sum(suggested for _current, suggested in weights.values()) == 100
    assert suggestion.suggested.auc.value > suggestion.current.auc.value + 0.1
    assert suggestion.suggested.auc.low > suggestion.current.auc.high  # out of sample, and clearly better
    # a suggestion only: the scorecard is unchanged
    assert sorted(scorecard.measures.values_list("weight", flat=True)) == [20, 80]


def test_too_few_churns_give_no_suggestion_and_say_how_many_are_needed():
    scorecard = card()
    history(60, 0.2, random.Random(5))
    suggestion = scorecard_suggestion(scorecard, since=SINCE, until=UNTIL)
    assert not suggestion.enough
    assert suggestion.weights == []
    assert suggestion.needed == 50
    assert 0 < suggestion.churned_accounts < 50


def test_no_suggested_weight_passes_the_largest_a_scorecard_takes():
    import numpy as np

    from accounts.backtest_fit import _fit

    rng = np.random.default_rng(1)
    features = rng.random((400, 2))
    churned = features[:, 0] < 0.2  # only the first measure warns
    weights = _fit(features, churned, np.ones(400), 1500)
    assert weights.max() <= 1000
    assert weights.sum() == 1000
    assert weights.min() >= 1
