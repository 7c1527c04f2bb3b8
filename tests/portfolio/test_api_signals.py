"""POST /api/v1/account-signals/: a batch of up to 5,000 rows, all or nothing, and the health refresh after commit."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import Account, AccountSignal
from portfolio.api.signals import SIGNALS_MAX

pytestmark = pytest.mark.django_db
URL = "/api/v1/account-signals/"


def _day(days_ago: int = 1) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def _row(account="acme", days_ago=1, key="logins", value=1):
    return {"account": account, "date": _day(days_ago), "key": key, "value": value}


def post(client, body, query=""):
    data = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
    return client.post(URL + query, data=data, content_type="application/json")


@pytest.fixture
def acme():
    return Account.objects.create(external_id="acme")


@pytest.fixture
def pusher(role_client, django_user_model):
    """An integration account that may push signals (and, here, create accounts)."""
    from django.contrib.auth.models import Permission

    client = role_client(None, "integration")
    user = django_user_model.objects.get(username="integration")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["add_accountsignal", "add_account"]
        )
    )
    return client


def test_a_batch_is_written_and_the_touched_accounts_refreshed_after_commit(
    pusher, acme, django_capture_on_commit_callbacks
):
    globex = Account.objects.create(external_id="globex")
    rows = [_row(), _row(key="seats", value=50), _row("globex", value=2.5), _row(value=3)]
    with (
        mock.patch("portfolio.tasks.health_refresh_accounts.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post(pusher, rows)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": 4, "written": 3, "accounts_created": 0, "accounts": 2}
    delay.assert_called_once_with(sorted([acme.pk, globex.pk]))
    assert AccountSignal.objects.get(account=acme, key="logins").value == 3.0


def test_nothing_is_enqueued_before_commit(pusher, acme, django_capture_on_commit_callbacks):
    with mock.patch("portfolio.tasks.health_refresh_accounts.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert post(pusher, [_row()]).status_code == 200
        delay.assert_not_called()
        for callback in callbacks:  # the commit
            callback()
    delay.assert_called_once_with([acme.pk])


def test_the_refresh_task_calls_the_refresh_service():
    from portfolio import tasks

    with mock.patch("portfolio.services.refresh.accounts_refresh") as refresh:
        tasks.health_refresh_accounts.delay([3, 1])
    refresh.assert_called_once_with([3, 1])


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (_row(value="12"), "0.value"),
        (_row(value=None), "0.value"),
        ({**_row(), "date": "2026-13-01"}, "0.date"),
        ({**_row(), "date": "yesterday"}, "0.date"),
        (_row(key="Logins"), "0.key"),
        (_row(key="nps"), "0.key"),  # derived by the platform, not sent
        (_row(account="ac\u202eme"), "0.account"),
        (_row(account=7), "0.account"),
        ({**_row(), "unit": "count"}, "0.unit"),
        ({"account": "acme", "date": _day(), "key": "logins"}, "0.value"),
        ("a row", "0"),
    ],
)
def test_bad_rows_are_a_400_naming_the_row_and_field(pusher, acme, row, field):
    response = post(pusher, [row])
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not AccountSignal.objects.exists()


@pytest.mark.parametrize("text", ["1e400", "-1e400", "NaN", "Infinity"])
def test_non_finite_numbers_are_refused(pusher, acme, text):
    body = f'[{{"account": "acme", "date": "{_day()}", "key": "logins", "value": {text}}}]'
    response = post(pusher, body)
    assert response.status_code == 400, response.content
    assert not AccountSignal.objects.exists()


def test_a_nul_in_an_account_is_named(pusher, acme):
    response = post(pusher, [_row(account="ac\x00me")])
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["fields"]["0.account"][0]


def test_unknown_accounts_are_named_and_nothing_of_the_batch_is_written(pusher, acme):
    response = post(pusher, [_row(), _row("ghost"), _row("ghost", days_ago=2)])
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["1.account"]
    assert "'ghost'" in fields["1.account"][0]
    assert not AccountSignal.objects.exists()


def test_create_accounts_true_creates_them(pusher, acme):
    response = post(pusher, [_row(), _row("新客户")], "?create_accounts=true")
    assert response.status_code == 200, response.content
    assert response.json()["accounts_created"] == 1
    assert Account.objects.filter(external_id="新客户").exists()


@pytest.mark.parametrize("given", ["yes", "1", "True", ""])
def test_create_accounts_takes_only_true_or_false(pusher, acme, given):
    response = post(pusher, [_row()], f"?create_accounts={given}")
    assert response.status_code == 400
    assert "create_accounts" in response.json()["error"]["fields"]


def test_create_accounts_needs_the_permission_to_add_accounts(role_client, django_user_model, acme):
    from django.contrib.auth.models import Permission

    client = role_client(None, "signals-only")
    django_user_model.objects.get(username="signals-only").user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="add_accountsignal")
    )
    assert post(client, [_row()]).status_code == 200
    assert post(client, [_row("new")], "?create_accounts=true").status_code == 403
    assert not Account.objects.filter(external_id="new").exists()


@pytest.mark.parametrize("body", [[], {"signals": []}, None, "x"])
def test_the_body_must_be_a_list_of_rows(pusher, body):
    response = post(pusher, body)
    assert response.status_code == 400


def test_more_than_5000_rows_are_refused(pusher, acme):
    response = post(pusher, [_row()] * (SIGNALS_MAX + 1))
    assert response.status_code == 400
    assert "5,000" in response.json()["error"]["message"]


def test_5000_rows_are_taken(pusher, acme):
    rows = [_row(days_ago=1 + i % 100, key=f"k{i // 100}", value=i) for i in range(SIGNALS_MAX)]
    response = post(pusher, rows)
    assert response.status_code == 200, response.content
    assert response.json()["written"] == SIGNALS_MAX
    assert AccountSignal.objects.count() == SIGNALS_MAX


def test_staff_without_the_permission_are_refused(role_client, acme):
    assert post(role_client("CX lead"), [_row()]).status_code == 403
    assert post(role_client(None), [_row()]).status_code == 403


def test_a_body_over_the_size_limit_is_a_413(pusher):
    rows = [_row(account="客" * 200, key=f"k{i}") for i in range(SIGNALS_MAX)]  # about 3.4 MB
    response = post(pusher, rows)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
