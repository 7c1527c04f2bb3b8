"""accounts.sql_signals on PostgreSQL: monthly partitions made as rows arrive, and rows that arrived before them."""

from datetime import date

import pytest
from django.db import IntegrityError, connection

from accounts.models import Account, AccountSignal
from accounts.services.signals import signals_ingest
from accounts.sql_signals import DEFAULT_PARTITION, TABLE, partition_name, partitions_ensure

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        return {name for (name,) in cursor.fetchall()}


def _where() -> dict[tuple[date, str], str]:
    """Which partition holds each row: {(date, key): table}."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT date, key, tableoid::regclass::text FROM accounts_accountsignal")
        return {(day, key): table for day, key, table in cursor.fetchall()}


def test_a_batch_makes_the_months_it_needs():
    Account.objects.create(external_id="acme")
    signals_ingest(
        [
            {"account": "acme", "date": "2025-12-31", "key": "logins", "value": 1},
            {"account": "acme", "date": "2026-01-01", "key": "logins", "value": 2},
            {"account": "acme", "date": "2026-01-31", "key": "seats", "value": 3},
        ]
    )
    assert {"accounts_accountsignal_y2025m12", "accounts_accountsignal_y2026m01"} <= _partitions()
    assert _where() == {
        (date(2025, 12, 31), "logins"): "accounts_accountsignal_y2025m12",
        (date(2026, 1, 1), "logins"): "accounts_accountsignal_y2026m01",
        (date(2026, 1, 31), "seats"): "accounts_accountsignal_y2026m01",
    }


def test_rows_that_arrived_before_their_month_move_into_it():
    # given: rows written another way (the ORM) before their months had partitions: the default partition has them
    acme = Account.objects.create(external_id="acme")
    AccountSignal.objects.create(account=acme, date=date(2024, 3, 5), key="logins", value=1)
    AccountSignal.objects.create(account=acme, date=date(2024, 3, 6), key="logins", value=2)
    AccountSignal.objects.create(account=acme, date=date(2024, 4, 1), key="logins", value=3)
    assert set(_where().values()) == {DEFAULT_PARTITION}
    # when: a batch brings March, repeating one of its rows
    result = signals_ingest(
        [
            {"account": "acme", "date": "2024-03-05", "key": "logins", "value": 10},
            {"account": "acme", "date": "2024-03-07", "key": "logins", "value": 11},
        ]
    )
    # then: March is a partition holding its old and new rows, the repeat replaced; April stays in the default
    assert result.written == 2
    assert _where() == {
        (date(2024, 3, 5), "logins"): "accounts_accountsignal_y2024m03",
        (date(2024, 3, 6), "logins"): "accounts_accountsignal_y2024m03",
        (date(2024, 3, 7), "logins"): "accounts_accountsignal_y2024m03",
        (date(2024, 4, 1), "logins"): DEFAULT_PARTITION,
    }
    values = dict(AccountSignal.objects.values_list("date", "value"))
    assert values == {date(2024, 3, 5): 10.0, date(2024, 3, 6): 2.0, date(2024, 3, 7): 11.0, date(2024, 4, 1): 3.0}
    # the moved month keeps the table's rules: the primary key, and the account's foreign key
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_accountsignal_y2024m03 (account_id, date, key, value)"
            " VALUES (%s, '2024-03-06', 'logins', 0)",
            [acme.pk],
        )


def test_making_a_month_twice_is_harmless():
    assert partitions_ensure([(2023, 7)]) == [(2023, 7)]
    assert partitions_ensure([(2023, 7), (2023, 8)]) == [(2023, 8)]
    assert {partition_name((2023, 7)), partition_name((2023, 8))} <= _partitions()


def test_a_month_is_remembered_only_once_its_partition_committed(django_capture_on_commit_callbacks):
    from accounts import sql_signals

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partitions_ensure([(2022, 2)])
    assert (2022, 2) not in sql_signals._months_made
    for callback in callbacks:
        callback()
    assert (2022, 2) in sql_signals._months_made
    assert partitions_ensure([(2022, 2)]) == []  # known: not even asked of the database


@pytest.mark.django_db(transaction=True)
def test_two_batches_making_the_same_month_at_once_both_land():
    import threading

    Account.objects.create(external_id="acme")
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def push(key: str) -> None:
        try:
            start.wait()
            signals_ingest([{"account": "acme", "date": "2019-04-10", "key": key, "value": 1}])
        except Exception as exc:  # any failure fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(key,)) for key in ("logins", "seats")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert set(_where().items()) == {
            ((date(2019, 4, 10), "logins"), "accounts_accountsignal_y2019m04"),
            ((date(2019, 4, 10), "seats"), "accounts_accountsignal_y2019m04"),
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS accounts_accountsignal_y2019m04")
