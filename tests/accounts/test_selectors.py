"""accounts.selectors.account_mrr: the accounts' current MRR by external id, for the reports that sum it."""

from decimal import Decimal

import pytest

from accounts.models import Account
from accounts.selectors import account_mrr

pytestmark = pytest.mark.django_db


def test_known_accounts_with_their_mrr_unknown_ids_left_out():
    Account.objects.create(external_id="acme", mrr=Decimal("1000.00"))
    Account.objects.create(external_id="initech", mrr=None)
    assert account_mrr(["acme", "acme", "initech", "umbrella", "", "bad\x00id"]) == {
        "acme": Decimal("1000.00"),
        "initech": None,
    }


def test_many_ids_are_read_a_thousand_at_a_time():
    Account.objects.bulk_create([Account(external_id=f"a{n:05}", mrr=Decimal(n)) for n in range(2500)])
    found = account_mrr(f"a{n:05}" for n in range(3000))
    assert len(found) == 2500
    assert found["a02499"] == Decimal(2499)
