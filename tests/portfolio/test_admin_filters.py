"""The one CSM filter (portfolio.admin_filters) on the accounts' list and, through `csm_path`, the churn records'."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Account, ChurnRecord
from portfolio.admin_filters import AccountCsmFilter, CsmFilter

pytestmark = pytest.mark.django_db


def _filtered(filter_class, model, value, user):
    request = RequestFactory().get("/", {"csm": value})
    request.user = user
    chosen = filter_class(request, {"csm": [value]}, model, admin.site._registry[model])
    return set(chosen.queryset(request, model.objects.all()))


@pytest.mark.parametrize("value", ["mine", "nobody", "id", "not-a-number", ""])
def test_both_lists_filter_by_the_accounts_csm_alike(django_user_model, value):
    mei = django_user_model.objects.create_user("mei")
    jun = django_user_model.objects.create_user("jun")
    accounts = {
        "mei": Account.objects.create(external_id="a", csm=mei),
        "jun": Account.objects.create(external_id="b", csm=jun),
        "nobody": Account.objects.create(external_id="c"),
    }
    records = {
        who: ChurnRecord.objects.create(account=a, kind="churn", date="2026-11-02", mrr_lost=1)
        for who, a in accounts.items()
    }
    value = str(jun.pk) if value == "id" else value
    expected = {"mine": {"mei"}, "nobody": {"nobody"}, str(jun.pk): {"jun"}}.get(value, set(accounts))
    assert _filtered(CsmFilter, Account, value, mei) == {accounts[who] for who in expected}
    assert _filtered(AccountCsmFilter, ChurnRecord, value, mei) == {records[who] for who in expected}
    assert admin.site._registry[ChurnRecord].list_filter[-1] is AccountCsmFilter
    assert CsmFilter in admin.site._registry[Account].list_filter
