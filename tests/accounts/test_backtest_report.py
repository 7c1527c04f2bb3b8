"""The health back-test over stored snapshots and churn records (accounts.backtest_report), by hand.

Landmarks January 1 to June 1 2026, until June 30. Scores on each landmark (and the measures behind
them: `logins` earns score − 25 of its 50, `nps` 25 of its 50, B's 30):
- A: 60 on Jan 1, 30 on Feb 1; churned Feb 20 (so not observed from Mar 1).
- B: 80 throughout; stays.
- C: 70 on Jan 1 to Mar 1, 40 on Apr 1; churned Apr 10.
- D: 35 throughout (red); stays.
- E: churned in 2025, before the first landmark: never observed.
At 30 days (landmarks Jan 1 to May 1 have their 30 days): churned A30 (Feb 1) and C40 (Apr 1); stayed
A60, B80 x5, C70 x3, D35 x5 = 14. AUC: A30 is beaten by all 14; C40 by 9 (not D's five 35s): 23 / 28.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.backtest_report import health_backtest, month_starts
from accounts.models import Account, ChurnRecord, HealthSnapshot

pytestmark = pytest.mark.django_db
LANDMARKS = month_starts(date(2026, 1, 1), date(2026, 6, 30))


def explained(score, nps_points=25):
    logins = score - nps_points
    return [
        {"key": "logins", "window": "trend_30", "value": 1.0, "weight": 50, "points": logins},
        {"key": "nps", "window": "latest", "value": 10.0, "weight": 50, "points": nps_points},
    ]


def band(score):
    return "red" if score < 50 else "green" if score >= 75 else "yellow"


@pytest.fixture
def history():
    scores = {
        "A": {date(2026, 1, 1): 60, date(2026, 2, 1): 30},
        "B": dict.fromkeys(LANDMARKS, 80),
        "C": {**dict.fromkeys(LANDMARKS[:3], 70), date(2026, 4, 1): 40},
        "D": dict.fromkeys(LANDMARKS, 35),
        "E": dict.fromkeys(LANDMARKS, 20),
    }
    churns = {"A": date(2026, 2, 20), "C": date(2026, 4, 10), "E": date(2025, 11, 3)}
    computed = datetime(2026, 1, 1, tzinfo=UTC)
    for external_id, days in scores.items():
        account = Account.objects.create(external_id=external_id, name=external_id)
        for day, score in days.items():
            HealthSnapshot.objects.create(
                account=account,
                date=day,
                health_score=score,
                health_band=band(score),
                health_measures=explained(score, 30 if external_id == "B" else 25),
                computed_at=computed,
            )
        if external_id in churns:
            ChurnRecord.objects.create(account=account, kind="churn", date=churns[external_id], mrr_lost=Decimal(10))
    # a downgrade and a proposed churn are not churn
    ChurnRecord.objects.create(
        account=Account.objects.get(external_id="B"), kind="downgrade", date=date(2026, 3, 5), mrr_lost=1
    )
    ChurnRecord.objects.create(
        account=Account.objects.get(external_id="D"), kind="churn", date=date(2026, 3, 5), mrr_lost=1, status="proposed"
    )


def test_the_worked_example(history):
    result = health_backtest(since=date(2026, 1, 1), until=date(2026, 6, 30))
    assert result.landmarks == LANDMARKS
    assert (result.accounts, result.churned_accounts, result.measured_accounts) == (4, 2, 4)
    month = result.at(30)
    assert (month.health.observations, month.health.churned) == (16, 2)
    assert month.health.auc.value == pytest.approx(23 / 28)
    assert month.usage.auc.value == pytest.approx(23 / 28)  # logins alone, in the same order as the score
    measures = {m.source: m.result for m in month.measures}
    assert measures[("logins", "trend_30", "")].auc.value == pytest.approx(23 / 28)
    # nps: both churned earned 25; stayers above them are B's five 30s, the other nine tie: (5 + 4.5) x 2 / 28
    assert measures[("nps", "latest", "")].auc.value == pytest.approx(19 / 28)
    rates = {r.band: (r.observations, r.churned) for r in month.bands.rates}
    assert rates == {"red": (7, 2), "yellow": (4, 0), "green": (5, 0)}
    assert month.bands.red_lift.value is None  # green never left: no ratio to give


def test_a_longer_horizon_sees_further_and_uses_fewer_landmarks(history):
    quarter = health_backtest(since=date(2026, 1, 1), until=date(2026, 6, 30)).at(90)
    # landmarks Jan 1 to Apr 1 have their 90 days (4 + 4 + 3 + 3 observations); churned: A on Jan 1 and
    # Feb 1, C on Feb 1, Mar 1 and Apr 1 (from Jan 1, Apr 10 is 99 days away)
    assert (quarter.health.observations, quarter.health.churned) == (14, 5)


def test_no_churn_gives_no_auc_and_says_so(db):
    account = Account.objects.create(external_id="calm", name="calm")
    HealthSnapshot.objects.create(
        account=account, date=date(2026, 1, 1), health_score=70, health_band="yellow", computed_at=datetime.now(UTC)
    )
    result = health_backtest(since=date(2026, 1, 1), until=date(2026, 6, 30)).at(30)
    assert result.health.auc.value is None
    assert result.health.observations == 1
    assert result.health.churned == 0


def test_month_starts():
    assert month_starts(date(2025, 11, 15), date(2026, 2, 1)) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert month_starts(date(2026, 3, 1), date(2026, 2, 1)) == []


def test_a_usage_share_rounded_past_its_weight_stays_within_the_levels(history):
    """Points and weights are rounded apart in an explanation: 52 points of a 50 weight is read as all of it."""
    account = Account.objects.get(external_id="B")
    HealthSnapshot.objects.filter(account=account, date=LANDMARKS[0]).update(health_measures=explained(82, 30))
    result = health_backtest(since=date(2026, 1, 1), until=date(2026, 6, 30))
    assert result.at(30).usage.observations == 16


def test_history_imported_without_snapshots_is_scored_from_its_signals():
    """Signals pushed for past days, no snapshot ever computed: the landmarks are scored from the signals by
    today's scorecards, so the churn recorded is tested all the same."""
    from datetime import timedelta

    from accounts.models import AccountSignal

    landmarks = month_starts(date(2026, 1, 1), date(2026, 6, 30))
    rows, first = [], date(2025, 9, 1)
    for n in range(12):
        account = Account.objects.create(external_id=f"imported-{n}", name=f"imported {n}")
        leaves = date(2026, 4, 20) if n < 4 else None
        for week in range(0, 44):
            day = first + timedelta(days=7 * week)
            if leaves and day >= leaves:
                break
            fading = leaves is not None and (leaves - day).days < 80
            rows += [
                AccountSignal(account=account, date=day, key="active_users", value=2 if fading else 10 + n % 3),
                AccountSignal(account=account, date=day, key="features_used", value=1 if fading else 6),
                AccountSignal(account=account, date=day, key="logins", value=5 if fading else 30),
            ]
        if leaves:
            ChurnRecord.objects.create(account=account, kind="churn", date=leaves, mrr_lost=Decimal(10))
    AccountSignal.objects.bulk_create(rows)
    assert not HealthSnapshot.objects.exists()
    result = health_backtest(since=date(2026, 1, 1), until=date(2026, 6, 30))
    assert result.landmarks == landmarks
    assert (result.accounts, result.churned_accounts) == (12, 4)
    month = result.at(30)
    assert month.health.churned == 4  # each leaver seen from Apr 1, 19 days before it left
    assert month.health.auc.value > 0.9  # their fading usage scored them low (a fading leaver stays at 30 days in Feb)
    assert not HealthSnapshot.objects.exists()  # read, never written
