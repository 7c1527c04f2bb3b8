"""account.health_changed (a band change, not a score's wiggle), at-risk case.opened, and account.churned."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountSignal, ChurnRecord
from accounts.services.churn import churn_proposals, churn_record, churn_status_set
from accounts.services.health import health_compute
from closedloop import services
from closedloop.models import Case
from tests.webhooks.events import data, events

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 6, 30)


def _signals(account, **series):
    AccountSignal.objects.bulk_create(
        AccountSignal(account=account, date=AS_OF - timedelta(days=back), key=key, value=value)
        for key, values in series.items()
        for back, value in enumerate(values)
    )


def _fading(account):
    _signals(account, active_users=[10] * 30 + [50] * 60, logins=[5] * 30 + [50] * 60, payment_overdue_days=[45])


def test_a_band_change_writes_one_event_and_a_score_s_wiggle_none():
    acme = Account.objects.create(external_id="acme", name="Acme 华东", health_band="yellow", health_score=50)
    _fading(acme)

    changes = health_compute(AS_OF)
    again = health_compute(AS_OF)  # the same band: nothing to tell
    AccountSignal.objects.filter(account=acme, key="payment_overdue_days").update(value=46)
    wiggled = health_compute(AS_OF)

    acme.refresh_from_db()
    assert (len(changes), again, wiggled, acme.health_band) == (1, [], [], "red")
    (event,) = events()
    assert (event.type, event.object_id) == ("account.health_changed", acme.pk)
    shown = data(event)
    measures = shown.pop("measures")  # as computed then: the overdue days 45, not the 46 that came after
    assert [m["key"] for m in measures] == [m["key"] for m in acme.health_measures]
    assert [m["value"] for m in measures if m["key"] == "payment_overdue_days"] == [45]
    assert shown == {
        "id": "acme",
        "name": "Acme 华东",
        "band_before": "yellow",
        "band": "red",
        "score": acme.health_score,
        "scorecard": {"kind": "health", "stage": shown["scorecard"]["stage"]},
        "as_of": "2026-06-30",
    }
    assert shown["scorecard"]["stage"] in {"", "onboarding", "adoption", "renewal", "mature", "expansion"}


def test_a_first_band_is_a_change_from_none_and_a_rolled_back_computation_writes_none():
    acme = Account.objects.create(external_id="acme")
    _fading(acme)
    with transaction.atomic():
        health_compute(AS_OF)
        assert len(events()) == 1
        transaction.set_rollback(True)  # the change fails after it was made
    assert events() == []

    health_compute(AS_OF)

    (event,) = events()
    assert (data(event)["band_before"], data(event)["band"]) == (None, "red")


def test_an_account_at_risk_opens_a_case_with_its_event():
    acme = Account.objects.create(
        external_id="acme", name="Acme", plan="enterprise", mrr=Decimal("8000.00"), health_band="red", health_score=30
    )

    services.account_risks_apply([acme.pk], now=timezone.now())

    (event,) = events()
    case = Case.objects.get()
    shown = data(event)
    assert (event.type, shown["id"], shown["reason"], shown["source"]) == (
        "case.opened",
        case.pk,
        "risk_red",
        "risk_red",
    )
    assert (shown["account"], shown["customer"], shown["response_id"], shown["comment"]) == ("acme", None, None, "")


def test_a_churn_recorded_confirmed_writes_account_churned(django_user_model):
    acme = Account.objects.create(external_id="acme", name="Acme", mrr=Decimal("5000.00"))
    day = timezone.localdate() - timedelta(days=2)

    recorded = churn_record(
        acme, kind="churn", date=day, mrr_lost="5000", reasons=["price", "competitor"], competitor="Rival"
    )
    churn_record(acme, kind="churn", date=day, mrr_lost="5000", reasons=["price"])  # recorded again: no news

    (event,) = events()
    assert (event.type, event.object_id) == ("account.churned", recorded.record.pk)
    assert data(event) == {
        "id": "acme",
        "record_id": recorded.record.pk,
        "kind": "churn",
        "date": day.isoformat(),
        "mrr_lost": "5000.00",
        "reasons": ["competitor", "price"],  # in the taxonomy's order
        "competitor": "Rival",
    }


def test_a_proposal_writes_nothing_until_it_is_confirmed():
    acme = Account.objects.create(external_id="acme", mrr=Decimal("900.00"), renewal_date=date(2026, 1, 1))
    churn_proposals(as_of=date(2026, 3, 1))
    record = ChurnRecord.objects.get(account=acme)
    assert (record.status, events()) == (ChurnRecord.Status.PROPOSED, [])

    churn_status_set(record, status=ChurnRecord.Status.DISMISSED)
    assert events() == []
    churn_status_set(record, status=ChurnRecord.Status.CONFIRMED)

    (event,) = events()
    assert (data(event)["record_id"], data(event)["kind"], data(event)["reasons"]) == (record.pk, "churn", [])


def test_rebuilding_past_days_writes_no_band_change():
    from portfolio.services.refresh import accounts_refresh

    acme = Account.objects.create(external_id="acme", health_band="green", health_score=90)
    _fading(acme)

    summary = accounts_refresh([acme.pk], as_of=AS_OF, plays=False)

    acme.refresh_from_db()
    assert (summary.band_changes, acme.health_band, events()) == (1, "red", [])
