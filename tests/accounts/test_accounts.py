"""accounts.services.accounts: upsert by external id, and accounts made on first mention."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account
from accounts.services.accounts import accounts_ensure, accounts_ensure_counted, accounts_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def csm(django_user_model):
    return django_user_model.objects.create_user("mei", is_staff=True)


def test_upsert_creates_then_updates_only_the_fields_given(csm):
    (created,) = accounts_upsert(
        [{"external_id": "acme", "name": "Acme", "plan": "Growth", "mrr": Decimal("199.00"), "csm": "mei"}]
    )
    assert (created.name, created.plan, created.mrr, created.csm) == ("Acme", "Growth", Decimal("199.00"), csm)

    (updated,) = accounts_upsert([{"external_id": "acme", "plan": "Enterprise", "renewal_date": date(2027, 1, 1)}])
    assert updated.pk == created.pk
    assert (updated.name, updated.plan, updated.renewal_date, updated.csm) == (
        "Acme",
        "Enterprise",
        date(2027, 1, 1),
        csm,
    )
    assert updated.updated_at >= created.updated_at


def test_upsert_answers_in_the_order_given_and_merges_repeats(csm):
    accounts = accounts_upsert(
        [
            {"external_id": "b", "name": "B"},
            {"external_id": "a"},
            {"external_id": "b", "plan": "Pro", "name": "B2"},
        ]
    )
    assert [a.external_id for a in accounts] == ["b", "a"]
    assert (accounts[0].name, accounts[0].plan) == ("B2", "Pro")
    assert Account.objects.count() == 2


def test_csm_null_clears_it(csm):
    accounts_upsert([{"external_id": "acme", "csm": "mei"}])
    (account,) = accounts_upsert([{"external_id": "acme", "csm": None}])
    assert account.csm is None


def test_an_unknown_csm_is_named_and_nothing_is_written(csm, django_user_model):
    django_user_model.objects.create_user("not-staff")
    with pytest.raises(ValidationError) as caught:
        accounts_upsert(
            [
                {"external_id": "ok", "csm": "mei"},
                {"external_id": "x", "csm": "ghost"},
                {"external_id": "y", "csm": "not-staff"},
            ]
        )
    assert caught.value.message_dict == {
        "1.csm": ["No active staff user is named 'ghost'."],
        "2.csm": ["No active staff user is named 'not-staff'."],
    }
    assert not Account.objects.exists()


def test_a_bad_stage_or_external_id_is_named():
    with pytest.raises(ValidationError) as caught:
        accounts_upsert([{"external_id": "a\u202eb"}, {"external_id": "c", "stage": "churned"}])
    assert set(caught.value.message_dict) == {"0.external_id", "1.stage"}


def test_ensure_makes_only_the_missing_accounts():
    existing = Account.objects.create(external_id="acme", name="Acme")
    ids, created = accounts_ensure_counted(["acme", "globex", "globex"])
    assert created == 1
    assert ids["acme"] == existing.pk
    assert Account.objects.get(pk=ids["globex"]).name == ""
    assert accounts_ensure(["globex"]) == {"globex": ids["globex"]}
    assert Account.objects.get(pk=existing.pk).name == "Acme"


def test_ensure_refuses_a_bad_external_id():
    with pytest.raises(ValidationError):
        accounts_ensure(["ok", "bad\x00"])
    assert not Account.objects.exists()
