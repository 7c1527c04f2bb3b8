"""accounts.sql_health against its plain-Python reference, and health_compute (both engines)."""

import random
from datetime import date, timedelta

import pytest

from accounts.health_selectors import scorecard_for, scorecards, window_values_reference
from accounts.models import Account, AccountSignal, HealthSnapshot, Scorecard, ScorecardMeasure
from accounts.scoring import score
from accounts.services.health import BandChange, health_compute
from accounts.sql_health import window_values
from tests.sql_paths import same_on_each_path

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)
KEYS = ("active_users", "logins", "features_used", "seats", "tickets_opened", "payment_overdue_days", "mrr", "nps")


def _signals(account, days, **series):
    """Rows for each key: a value per day back from AS_OF (None: no row that day)."""
    rows = []
    for key, values in series.items():
        for back, value in enumerate(values):
            if value is not None and back < days:
                rows.append(AccountSignal(account=account, date=AS_OF - timedelta(days=back), key=key, value=value))
    AccountSignal.objects.bulk_create(rows)


def _random_accounts(count, seed=20):
    rng = random.Random(seed)
    accounts = []
    for n in range(count):
        account = Account.objects.create(external_id=f"acct-{n}", contract_start=date(2025, 1, 1))
        rows = []
        for key in rng.sample(KEYS, rng.randint(0, len(KEYS))):
            level = rng.uniform(0, 100)
            for back in range(-3, 100):  # a few days after AS_OF, and some before the windows
                if rng.random() < 0.7:
                    day = AS_OF - timedelta(days=back)
                    rows.append(AccountSignal(account=account, date=day, key=key, value=round(rng.gauss(level, 10), 3)))
        AccountSignal.objects.bulk_create(rows)
        accounts.append(account)
    return accounts


def test_the_windows_as_the_issue_defines_them():
    account = Account.objects.create(external_id="a")
    _signals(
        account,
        120,
        active_users=[None, 20, *[20] * 28, *[10] * 60, 999],  # 30 days of 20 (one day missing), 60 of 10
        seats=[None] * 5 + [50],  # its latest is 5 days old
        logins=[None] * 30 + [7],  # only before the last 30 days: no latest, no mean
    )
    sources = [
        ("active_users", "latest", ""),
        ("active_users", "mean_30", ""),
        ("active_users", "trend_30", ""),
        ("active_users", "share", "seats"),
        ("logins", "latest", ""),
        ("logins", "mean_30", ""),
        ("logins", "trend_30", ""),
        ("mrr", "latest", ""),
    ]
    values = window_values(AS_OF, sources)[account.id]
    assert values == {
        ("active_users", "latest", ""): 20,
        ("active_users", "mean_30", ""): 20,
        ("active_users", "trend_30", ""): 100.0,
        ("active_users", "share", "seats"): 0.4,
        ("logins", "latest", ""): None,
        ("logins", "mean_30", ""): None,
        ("logins", "trend_30", ""): None,
        ("mrr", "latest", ""): None,
    }
    assert window_values_reference(account.id, AS_OF, sources) == values


def test_the_sql_gives_the_reference_s_values_and_scores():
    accounts = _random_accounts(25)
    cards = scorecards()
    sources = {s for card in cards.values() for s in card.sources} | {("logins", "share", "seats")}

    def run():
        return window_values(AS_OF, sources, [a.id for a in accounts[:20]])

    found = same_on_each_path(run)
    assert len(found) <= 20
    assert window_values(AS_OF, sources).keys() >= found.keys()
    card = scorecard_for(cards, "health", "")
    for account in accounts[:20]:
        reference = window_values_reference(account.id, AS_OF, sources)
        sql = found.get(account.id, dict.fromkeys(sources))
        assert sql.keys() == reference.keys()
        for source, value in reference.items():
            assert (sql[source] is None) == (value is None), (account.external_id, source)
            if value is not None:
                assert sql[source] == pytest.approx(value, rel=1e-9), (account.external_id, source)
        assert score(card, sql) == score(card, reference)


def test_health_compute_writes_scores_snapshots_and_reports_band_changes():
    healthy, fading, silent = (Account.objects.create(external_id=x) for x in ("healthy", "fading", "silent"))
    flat = [50] * 90
    _signals(healthy, 90, active_users=flat, logins=flat, features_used=[6] * 90, payment_overdue_days=[0], nps=[40])
    _signals(fading, 90, active_users=[10] * 30 + [50] * 60, logins=[5] * 30 + [50] * 60, payment_overdue_days=[45])
    changes = health_compute(AS_OF)
    assert sorted(changes, key=lambda c: c.account_id) == [
        BandChange(healthy.id, "", "green"),
        BandChange(fading.id, "", "red"),
    ]
    healthy.refresh_from_db()
    assert healthy.health_score == 100
    assert healthy.health_band == "green"
    assert sum(m["points"] for m in healthy.health_measures) == 100
    assert {m["key"] for m in healthy.health_measures if m.get("missing")} >= {"mrr", "open_cases"}
    assert healthy.health_computed_at is not None
    silent.refresh_from_db()
    assert (silent.health_score, silent.health_band, silent.temperature) == (None, "", None)
    snapshot = HealthSnapshot.objects.get(account=healthy, date=AS_OF)
    assert (snapshot.health_score, snapshot.health_band) == (100, "green")
    assert snapshot.health_measures == healthy.health_measures
    assert snapshot.temperature == healthy.temperature
    # then: a second run the same day changes nothing and reports nothing
    before = list(HealthSnapshot.objects.order_by("id").values_list("id", "account", "date", "health_score"))
    assert health_compute(AS_OF) == []
    after = list(HealthSnapshot.objects.order_by("id").values_list("id", "account", "date", "health_score"))
    assert after == before


def test_health_compute_for_some_accounts_and_a_stage_scorecard():
    onboarding = Account.objects.create(external_id="new", contract_start=AS_OF - timedelta(days=10))
    adopted = Account.objects.create(external_id="old", contract_start=AS_OF - timedelta(days=200))
    other = Account.objects.create(external_id="other")
    for account in (onboarding, adopted, other):
        _signals(account, 30, features_used=[5] * 30, active_users=[5] * 30, seats=[10])
    health_compute(AS_OF, [onboarding.id, adopted.id])
    onboarding.refresh_from_db()
    adopted.refresh_from_db()
    other.refresh_from_db()
    assert other.health_computed_at is None
    assert not HealthSnapshot.objects.filter(account=other).exists()
    # onboarding reads the share of seats, the default scorecard does not
    assert ("active_users", "share") in {(m["key"], m["window"]) for m in onboarding.health_measures}
    assert ("active_users", "share") not in {(m["key"], m["window"]) for m in adopted.health_measures}
    assert onboarding.temperature_measures[0] == {
        "key": "active_users",
        "window": "share",
        "per_key": "seats",
        "value": 0.5,
        "weight": 64,  # 35 of the 55 that have data
        "points": 0,
    }


def test_an_account_s_own_stage_wins_and_a_missing_scorecard_leaves_no_score():
    account = Account.objects.create(external_id="a", stage="onboarding", contract_start=AS_OF - timedelta(days=900))
    _signals(account, 30, features_used=[5] * 30)
    health_compute(AS_OF)
    account.refresh_from_db()
    assert account.health_score == 100
    Scorecard.objects.filter(kind="temperature").delete()
    health_compute(AS_OF)
    account.refresh_from_db()
    assert (account.temperature, account.temperature_band, account.temperature_measures) == (None, "", [])


def test_the_default_scorecards_are_installed():
    assert set(Scorecard.objects.values_list("kind", "stage")) == {
        ("health", ""),
        ("health", "onboarding"),
        ("temperature", ""),
    }
    for card in Scorecard.objects.all():
        assert sum(card.measures.values_list("weight", flat=True)) == 100
    assert ScorecardMeasure.objects.filter(window="share").exclude(per_key="").count() == 2


def test_each_path_stores_the_same_rows():
    accounts = _random_accounts(12, seed=3)
    Account.objects.filter(id=accounts[0].id).update(health_band="green", stage="renewal")
    HealthSnapshot.objects.create(account=accounts[1], date=AS_OF, health_score=3, computed_at="2026-06-30T00:00Z")

    def run():
        changes = health_compute(AS_OF)
        stored = list(
            Account.objects.order_by("id").values_list(
                "id", "health_score", "health_band", "health_measures", "temperature", "temperature_band"
            )
        )
        snapshots = list(
            HealthSnapshot.objects.order_by("account").values_list(
                "account", "date", "health_score", "health_measures", "temperature", "temperature_measures"
            )
        )
        return changes, stored, snapshots

    changes, stored, snapshots = same_on_each_path(run)
    assert len(snapshots) == 12
    assert any(score is not None for _id, score, *_rest in stored)
    assert changes
