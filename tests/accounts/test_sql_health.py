"""accounts.sql_health on PostgreSQL: the statement reads only the monthly partitions its windows cover."""

from datetime import date

import pytest
from django.db import connection

from accounts.sql_health import _parameters, window_values, window_values_sql
from common.sql import portable_paths

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
AS_OF = date(2026, 6, 30)
KEYS = ["active_users", "seats"]


@pytest.fixture
def months():
    with connection.cursor() as cursor:
        for month in range(1, 8):
            cursor.execute(
                f"CREATE TABLE accounts_accountsignal_2026_{month:02} PARTITION OF accounts_accountsignal"
                f" FOR VALUES FROM ('2026-{month:02}-01') TO ('2026-{month + 1:02}-01')"
            )


def _plan(fast: bool, accounts: str = "", ids=()) -> str:
    statement = window_values_sql(keys=len(KEYS), accounts=accounts, fast=fast)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement, _parameters(AS_OF, KEYS, list(ids), fast=fast))
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("fast", "accounts", "ids"), [(True, "", ()), (True, "any", ([1, 2],)), (False, "", ())])
def test_only_the_months_of_the_windows_are_read(months, fast, accounts, ids):
    plan = _plan(fast, accounts, ids)
    # (as_of - 90 days, as_of] = (2026-04-01, 2026-06-30]: April, May and June
    assert "accounts_accountsignal_2026_04" in plan
    assert "accounts_accountsignal_2026_06" in plan
    for month in ("01", "02", "03", "07"):
        assert f"accounts_accountsignal_2026_{month}" not in plan, plan
    assert "accounts_accountsignal_default" not in plan, plan


def test_both_paths_read_the_same_values_from_partitions(months):
    from accounts.models import Account, AccountSignal

    account = Account.objects.create(external_id="a")
    AccountSignal.objects.bulk_create(
        AccountSignal(account=account, date=date(2026, month, 15), key=key, value=month * 10 + len(key))
        for month in range(1, 8)
        for key in KEYS
    )
    sources = [("active_users", "latest", ""), ("active_users", "trend_30", ""), ("active_users", "share", "seats")]
    fast = window_values(AS_OF, sources)
    with portable_paths():
        assert window_values(AS_OF, sources) == fast
    assert fast[account.id] == {
        ("active_users", "latest", ""): 72.0,
        ("active_users", "trend_30", ""): pytest.approx((72 - 57) / 57 * 100),
        ("active_users", "share", "seats"): 72 / 65,
    }
