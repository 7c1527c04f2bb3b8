"""Reading the portfolio: its order, an account's trend, usage and experience."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Account, AccountSignal
from portfolio import selectors
from tests.portfolio.data import portfolio

pytestmark = pytest.mark.django_db


def test_red_comes_first_then_the_soonest_renewal_then_the_unscored():
    today = timezone.localdate()
    portfolio(today=today)
    Account.objects.create(external_id="hooli", health_band="red", health_score=20, renewal_date=today)
    Account.objects.create(external_id="umbrella", health_band="yellow", health_score=50, renewal_date=None)
    Account.objects.create(external_id="soylent", health_band="yellow", health_score=55, renewal_date=today)
    order = list(selectors.account_portfolio().values_list("external_id", flat=True))
    assert order == ["hooli", "acme", "soylent", "umbrella", "globex", "initech"]


def test_the_trend_has_one_day_each_with_none_where_no_snapshot_was_taken():
    today = timezone.localdate()
    acme = portfolio(today=today)["acme"]
    days = selectors.account_health_trend(account_id=acme.pk, today=today)
    assert len(days) == 180
    assert (days[0].day, days[-1].day) == (today - timedelta(days=179), today)
    assert days[-1].score == 31
    assert all(day.score is None for day in days[180 - 70 : 180 - 60])


def test_signal_series_are_by_day_only_for_the_keys_asked_and_sent():
    today = timezone.localdate()
    acme = portfolio(today=today)["acme"]
    AccountSignal.objects.create(account=acme, date=today - timedelta(days=200), key="mrr", value=1)  # too old
    series = selectors.account_signal_series(account_id=acme.pk, keys=("logins", "mrr", "seats"), today=today)
    assert list(series) == ["logins", "seats"]
    assert len(series["logins"]) == 90
    assert series["logins"][0] == 900
    assert series["logins"][-1] == 900 - 89 * 4


def test_the_timeline_joins_answers_their_sentiment_and_cases_of_this_account_only():
    acme = portfolio()["acme"]
    events = selectors.account_timeline(external_id=acme.external_id)
    assert [type(e).__name__ for e in events] == ["CaseEvent", "AnswerEvent", "AnswerEvent"]
    case, angry, happy = events
    assert (case.is_open, case.priority) == (True, 2)
    assert (angry.score, angry.sentiment, angry.touchpoint, angry.survey_kind) == (2, "neg", "OA sync", "nps")
    assert (happy.score, happy.sentiment, happy.comment) == (9, "", "")
    assert selectors.account_timeline(external_id="acme", limit=2) == events[:2]


def test_a_slice_read_band_by_band_is_the_slice_of_the_sorted_portfolio():
    today = timezone.localdate()
    bands = ("red", "yellow", "green", "", "green", "yellow")
    Account.objects.bulk_create(
        Account(
            external_id=f"a-{n:02d}",
            health_band=bands[n % 6],
            renewal_date=None if n % 5 == 0 else today + timedelta(days=(n * 7) % 30),
            plan="team" if n % 2 else "starter",
        )
        for n in range(40)
    )
    for accounts in (selectors.account_portfolio(), selectors.account_portfolio().filter(plan="team")):
        assert selectors.in_portfolio_order(accounts)
        ordered = list(accounts)
        for start in range(0, len(ordered) + 3, 3):
            for stop in (start, start + 1, start + 7, start + 25, len(ordered) + 5):
                assert selectors.portfolio_slice(accounts, start, stop) == ordered[start:stop], (start, stop)
    assert not selectors.in_portfolio_order(selectors.account_portfolio().order_by("name"))
    assert not selectors.in_portfolio_order(selectors.account_portfolio().order_by(selectors.BandRank().desc()))
