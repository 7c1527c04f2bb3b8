"""The health refresh end to end: signals and answers in, scores and snapshots out, risks acted on."""

import io
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, AccountSignal, HealthSnapshot
from closedloop.models import Case
from portfolio.services.refresh import accounts_refresh, accounts_refresh_due
from surveys.models import Survey
from tests.surveys.factories import ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 9, tzinfo=UTC)


def _usage(account: Account, *, fading: bool) -> None:
    """90 days of active users and logins: steady, or falling by half over the last 30 days."""
    rows = []
    for days_ago in range(90):
        level = 50 if days_ago >= 30 or not fading else 20
        for key in ("active_users", "logins"):
            rows.append(AccountSignal(account=account, date=TODAY - timedelta(days=days_ago), key=key, value=level))
    AccountSignal.objects.bulk_create(rows)


@pytest.fixture
def accounts():
    steady, fading = Account.objects.create(external_id="steady"), Account.objects.create(external_id="fading")
    _usage(steady, fading=False)
    _usage(fading, fading=True)
    nps = SurveyFactory(kind=Survey.Kind.NPS)
    for score in (10, 9, 9):
        ResponseFactory(survey=nps, score=score, account="steady", submitted_at=NOW - timedelta(days=3))
    return steady, fading


def test_a_refresh_derives_the_experience_scores_snapshots_and_opens_the_risk(accounts):
    steady, fading = accounts

    summary = accounts_refresh(as_of=TODAY, now=NOW)

    assert summary.accounts == 2
    steady.refresh_from_db()
    fading.refresh_from_db()
    nps = next(m for m in steady.health_measures if m["key"] == "nps")
    assert nps["value"] == 100.0  # the experience signal, derived
    assert nps["points"] > 0  # and scored
    assert AccountSignal.objects.get(account=steady, date=TODAY, key="nps").value == 100.0
    assert sum(m["points"] for m in steady.health_measures) == steady.health_score
    assert HealthSnapshot.objects.filter(date=TODAY).count() == 2
    usage = Case.objects.get(account=fading, reason="risk_usage")
    assert usage.is_open
    assert not Case.objects.filter(account=steady).exists()
    assert fading.health_score < steady.health_score


def test_refreshing_again_the_same_day_changes_nothing(accounts):
    accounts_refresh(as_of=TODAY, now=NOW)
    before = (list(HealthSnapshot.objects.values_list("account", "health_score")), Case.objects.count())

    assert accounts_refresh(as_of=TODAY, now=NOW).band_changes == 0
    assert (list(HealthSnapshot.objects.values_list("account", "health_score")), Case.objects.count()) == before


def test_rebuilding_history_does_not_act_on_risks(accounts):
    accounts_refresh(as_of=TODAY, now=NOW, plays=False)

    assert HealthSnapshot.objects.count() == 2
    assert not Case.objects.exists()


def test_the_daily_refresh_waits_for_its_hour_and_skips_the_accounts_done_today(accounts, settings):
    settings.CX_HEALTH_REFRESH_HOUR = 5
    settings.TIME_ZONE = "UTC"
    early = datetime(2026, 6, 30, 4, 59, tzinfo=UTC)
    assert accounts_refresh_due(now=early).accounts == 0

    with mock.patch("django.utils.timezone.now", return_value=NOW):  # the scores are stamped with it
        assert accounts_refresh_due(now=NOW).accounts == 2
        assert accounts_refresh_due(now=NOW + timedelta(hours=1)).accounts == 0


def test_the_command_refreshes_every_account_or_those_named(accounts):
    out = io.StringIO()
    call_command("health_refresh", "fading", stdout=out)

    assert "1 accounts" in out.getvalue()
    assert list(HealthSnapshot.objects.values_list("account__external_id", flat=True)) == ["fading"]
    with pytest.raises(CommandError, match="nobody"):
        call_command("health_refresh", "nobody")
    for wrong in ("yesterday", "0001-01-01", "2999-01-01"):
        with pytest.raises(CommandError, match="--as-of"):
            call_command("health_refresh", "--as-of", wrong)


def test_rebuilding_a_past_day_keeps_todays_scores_and_opens_nothing(accounts):
    _steady, fading = accounts
    call_command("health_refresh", stdout=io.StringIO())
    today = (Account.objects.get(pk=fading.pk).health_score, Case.objects.count())
    past = date.today() - timedelta(days=40)

    call_command("health_refresh", "--as-of", past.isoformat(), stdout=io.StringIO())

    assert HealthSnapshot.objects.filter(date=past).count() == 2
    assert (Account.objects.get(pk=fading.pk).health_score, Case.objects.count()) == today
