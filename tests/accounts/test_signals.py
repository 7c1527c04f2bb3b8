"""accounts.services.signals: a batch is checked whole and written whole, or not at all; on both paths."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account, AccountSignal
from accounts.services.signals import signals_ingest
from tests.sql_paths import same_on_each_path

pytestmark = pytest.mark.django_db


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def _stored() -> list[tuple[str, date, str, float]]:
    return list(
        AccountSignal.objects.order_by("account__external_id", "date", "key").values_list(
            "account__external_id", "date", "key", "value"
        )
    )


def test_a_batch_is_upserted_and_a_repeat_replaces_on_each_path():
    acme = Account.objects.create(external_id="acme")
    globex = Account.objects.create(external_id="globex")

    def scenario():
        first = signals_ingest(
            [
                {"account": "acme", "date": _day(1), "key": "logins", "value": 10},
                {"account": "acme", "date": _day(1), "key": "seats", "value": 50},
                {"account": "globex", "date": _day(40), "key": "logins", "value": 3},
                {"account": "acme", "date": _day(1), "key": "logins", "value": 12},  # the last row wins
            ]
        )
        second = signals_ingest(
            [
                {"account": "acme", "date": _day(1), "key": "logins", "value": 7.25},  # replaces the stored 12
                {"account": "globex", "date": _day(400), "key": "custom_metric", "value": -1e300},
            ]
        )
        return first, second, _stored()

    first, second, stored = same_on_each_path(scenario)
    assert (first.received, first.written, first.accounts_created) == (4, 3, 0)
    assert first.account_ids == {acme.pk, globex.pk}
    assert (second.received, second.written) == (2, 2)
    today = timezone.localdate()
    assert stored == [
        ("acme", today - timedelta(days=1), "logins", 7.25),
        ("acme", today - timedelta(days=1), "seats", 50.0),
        ("globex", today - timedelta(days=400), "custom_metric", -1e300),
        ("globex", today - timedelta(days=40), "logins", 3.0),
    ]


def test_unknown_accounts_are_named_once_each_and_nothing_is_written():
    Account.objects.create(external_id="acme")
    rows = [
        {"account": "acme", "date": _day(1), "key": "logins", "value": 1},
        {"account": "ghost", "date": _day(1), "key": "logins", "value": 1},
        {"account": "ghost", "date": _day(2), "key": "logins", "value": 1},
        {"account": "phantom", "date": _day(1), "key": "logins", "value": 1},
    ]
    with pytest.raises(ValidationError) as caught:
        signals_ingest(rows)
    assert set(caught.value.message_dict) == {"1.account", "3.account"}
    assert "'ghost'" in caught.value.message_dict["1.account"][0]
    assert not AccountSignal.objects.exists()
    assert Account.objects.count() == 1


def test_create_accounts_makes_the_unknown_ones():
    Account.objects.create(external_id="acme")

    def scenario():
        result = signals_ingest(
            [
                {"account": "acme", "date": _day(1), "key": "logins", "value": 1},
                {"account": "新客户", "date": _day(1), "key": "logins", "value": 2},
            ],
            create_accounts=True,
        )
        return result.accounts_created, result.written, len(result.account_ids), _stored()

    created, written, touched, stored = same_on_each_path(scenario)
    assert (created, written, touched) == (1, 2, 2)
    assert [row[0] for row in stored] == ["acme", "新客户"]


def test_one_bad_row_refuses_the_whole_batch():
    Account.objects.create(external_id="acme")
    rows = [{"account": "acme", "date": _day(d), "key": "logins", "value": d} for d in range(1, 50)]
    rows[30]["value"] = float("nan")
    with pytest.raises(ValidationError) as caught:
        signals_ingest(rows, create_accounts=True)
    assert caught.value.message_dict == {"30.value": ["Must be a finite number."]}
    assert not AccountSignal.objects.exists()


def test_a_failure_while_writing_leaves_nothing_written(monkeypatch):
    from accounts import sql_signals

    def broken(rows):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(sql_signals, "signals_upsert_fast", broken)
    monkeypatch.setattr(sql_signals, "signals_upsert_portable", broken)
    with pytest.raises(RuntimeError):
        signals_ingest([{"account": "new", "date": _day(1), "key": "logins", "value": 1}], create_accounts=True)
    assert not Account.objects.exists()  # the account it made went with the batch


def test_a_batch_may_name_5000_accounts():
    rows = [{"account": f"acct-{n:04d}", "date": _day(1), "key": "seats", "value": n} for n in range(5000)]
    created = signals_ingest(rows[:2500], create_accounts=True)
    result = signals_ingest(rows, create_accounts=True)
    assert (created.accounts_created, result.accounts_created, result.written) == (2500, 2500, 5000)
    assert len(result.account_ids) == 5000
    assert signals_ingest(rows).written == 5000  # all known now


def test_signals_made_inside_are_stored_by_account_id_on_each_path():
    from accounts.services.signals import signals_store

    acme = Account.objects.create(external_id="acme")
    day = timezone.localdate() - timedelta(days=1)

    def scenario():
        first = signals_store([(acme.pk, day, "nps", -20), (acme.pk, day, "open_cases", 2)])
        second = signals_store([(acme.pk, day, "nps", 10), (acme.pk, day, "nps", 12.5)])
        return first, second, _stored()

    first, second, stored = same_on_each_path(scenario)
    assert (first, second) == (2, 1)
    assert stored == [("acme", day, "nps", 12.5), ("acme", day, "open_cases", 2.0)]
    assert signals_store([]) == 0
