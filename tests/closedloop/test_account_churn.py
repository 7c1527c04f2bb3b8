from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import ChurnRecord
from closedloop.activity_texts import render
from closedloop.models import Case, CaseActivity
from closedloop.services.account_churn import account_cases_close_for_churn
from closedloop.services.account_risk import account_risks_apply
from tests.closedloop.test_account_risk import account, csm, now  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_an_account_that_churned_has_its_open_at_risk_cases_closed_and_logged(csm, now):  # noqa: F811
    acme = account(csm, now=now, renewal_date=timezone.localdate(now) + timedelta(days=20))
    other = account(csm, now=now, external_id="other")
    account_risks_apply([acme.pk, other.pk], now=now)
    assert Case.objects.filter(account=acme, status=Case.Status.ASSIGNED).count() == 2
    day = timezone.localdate(now) - timedelta(days=1)
    record = ChurnRecord.objects.create(account=acme, kind="churn", date=day, mrr_lost=8000)

    closed = account_cases_close_for_churn(acme.pk, record.pk, csm)

    assert sorted(closed) == sorted(Case.objects.filter(account=acme).values_list("pk", flat=True))
    assert set(Case.objects.filter(account=acme).values_list("status", flat=True)) == {"closed"}
    assert Case.objects.get(account=other).status == Case.Status.ASSIGNED
    entry = CaseActivity.objects.filter(code="churn_closed").first()
    assert entry.actor == csm
    assert entry.message == f"Closed: the account churned on {day.isoformat()}."
    with translation.override("zh-hant"):
        shown = render(entry.code, entry.params, entry.message)
    assert day.isoformat() in shown
    assert "Closed" not in shown
    assert account_cases_close_for_churn(acme.pk, record.pk, csm) == []  # again: nothing more


def test_an_account_that_churned_gets_no_new_risk_case():
    from datetime import date

    from accounts.models import Account, AccountSignal

    moment = timezone.now()
    today = timezone.localdate(moment)
    gone = Account.objects.create(external_id="gone", contract_start=date(2024, 1, 1))
    for days_ago in range(60):  # usage fell by 60 %: a risk, were the account still a customer
        value = 100 if days_ago >= 30 else 40
        AccountSignal.objects.create(account=gone, date=today - timedelta(days=days_ago), key="logins", value=value)
    ChurnRecord.objects.create(account=gone, kind="churn", status="confirmed", date=today, mrr_lost=100)

    account_risks_apply([gone.pk], now=moment)

    assert not Case.objects.filter(account=gone).exists()
    ChurnRecord.objects.update(status="dismissed")  # it did not leave after all
    account_risks_apply([gone.pk], now=moment)
    assert Case.objects.filter(account=gone, reason="risk_usage").exists()
