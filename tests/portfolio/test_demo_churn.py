"""The demo's year of churn (portfolio.demo_churn): reasons, proposals, and a back-test with something to say."""

import random
from datetime import date

import pytest

from accounts.backtest_report import default_since, health_backtest
from accounts.models import Account, ChurnRecord
from portfolio.demo_churn import PREFIX, demo_churn

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


def test_a_year_of_churn_that_the_back_test_can_read(django_user_model):
    csms = [django_user_model.objects.create_user(username=name, is_staff=True) for name in ("csm.a", "csm.b")]
    made = demo_churn(today=TODAY, csms=csms, rng=random.Random(20), count=60)
    assert made == 60
    assert demo_churn(today=TODAY, csms=csms, rng=random.Random(20), count=60) == 60  # idempotent
    assert Account.objects.filter(external_id__startswith=PREFIX).count() == 60
    records = ChurnRecord.objects.filter(account__external_id__startswith=PREFIX)
    confirmed = records.filter(status="confirmed")
    assert confirmed.filter(kind="churn").count() >= 10
    assert confirmed.filter(kind="downgrade").exists()
    assert all(TODAY.replace(year=TODAY.year - 1) <= r.date <= TODAY for r in confirmed)
    # older records carry reasons and a note; last month's wait for the CSM's review
    for record in confirmed:
        recent = (TODAY - record.date).days <= 30
        assert record.reasons.exists() != recent
        assert record.recorded_by in csms
    # the lapsed renewals are proposed as churn by the refresh, as for any account
    assert records.filter(status="proposed", kind="churn").count() == 2
    result = health_backtest(since=default_since(TODAY), until=TODAY)
    assert result.churned_accounts >= 10
    assert result.main.health.auc.value is not None
    assert result.main.health.auc.low is not None
