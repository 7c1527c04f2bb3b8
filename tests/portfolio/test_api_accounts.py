"""The accounts API: upsert, the portfolio list with its filters and ordering, one account, its health history."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Account, HealthSnapshot
from portfolio.api.accounts import ACCOUNTS_MAX

pytestmark = pytest.mark.django_db
URL = "/api/v1/accounts/"
MEASURES = [
    {"key": "logins", "window": "trend_30", "value": -35.0, "weight": 60, "points": 10},
    {"key": "nps", "window": "latest", "value": None, "weight": 0, "points": 0, "missing": True},
]


def post(client, body):
    return client.post(URL, data=json.dumps(body, ensure_ascii=False), content_type="application/json")


@pytest.fixture
def mei(user_with_role):
    return user_with_role("CX staff", "mei")


@pytest.fixture
def pusher(role_client, django_user_model):
    from django.contrib.auth.models import Permission

    client = role_client(None, "integration")
    django_user_model.objects.get(username="integration").user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=["add_account", "view_account"])
    )
    return client


def test_one_account_is_created_then_updated(pusher, mei):
    body = {
        "external_id": "acme",
        "name": "艾克米",
        "plan": "Enterprise",
        "mrr": "12000.00",
        "stage": "adoption",
        "contract_start": "2026-01-15",
        "renewal_date": "2027-01-14",
        "csm": "mei",
    }
    response = post(pusher, body)
    assert response.status_code == 200, response.content
    created = response.json()
    assert {key: created[key] for key in body} == body
    assert created["health"] == {"score": None, "band": "", "measures": [], "computed_at": None}

    response = post(pusher, {"external_id": "acme", "mrr": 9000, "csm": None})
    assert response.status_code == 200, response.content
    assert (response.json()["mrr"], response.json()["csm"], response.json()["name"]) == ("9000.00", None, "艾克米")


def test_a_list_is_upserted_and_answered_in_order(pusher):
    response = post(pusher, [{"external_id": "b"}, {"external_id": "a", "plan": "Growth"}])
    assert response.status_code == 200
    assert [a["external_id"] for a in response.json()] == ["b", "a"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"external_id": "a", "csm": "ghost"}, "csm"),
        ({"external_id": "a", "mrr": "lots"}, "mrr"),
        ({"external_id": "a", "mrr": -1}, "mrr"),
        ({"external_id": "a", "mrr": True}, "mrr"),
        ({"external_id": "a", "renewal_date": "14/01/2027"}, "renewal_date"),
        ({"external_id": "a", "renewal_date": 20270114}, "renewal_date"),
        ({"external_id": "a", "stage": "churned"}, "stage"),
        ({"external_id": "a", "name": 5}, "name"),
        ({"external_id": "a\u202e"}, "external_id"),
        ({"external_id": "a\x00"}, "external_id"),
        ({"external_id": "a", "nmae": "typo"}, "nmae"),
        ({"name": "no id"}, "external_id"),
    ],
)
def test_a_bad_account_is_a_400_naming_the_field(pusher, mei, body, field):
    response = post(pusher, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert not Account.objects.exists()


def test_in_a_list_each_problem_is_named_by_index_and_nothing_is_written(pusher, mei):
    response = post(pusher, [{"external_id": "ok", "csm": "mei"}, {"external_id": "x", "csm": "ghost"}])
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"1.csm": ["No active staff user is named 'ghost'."]}
    response = post(pusher, [{"external_id": "ok"}, {"external_id": "y", "mrr": "x"}, {"external_id": 3}])
    assert set(response.json()["error"]["fields"]) == {"1.mrr", "2.external_id"}
    assert not Account.objects.exists()


@pytest.mark.parametrize("body", [[], [{"external_id": "a"}] * (ACCOUNTS_MAX + 1), "acme", None])
def test_the_body_is_one_account_or_a_list_of_up_to_500(pusher, body):
    assert post(pusher, body).status_code == 400


def test_reading_needs_view_account_and_writing_add_account(role_client):
    assert role_client("CX staff").get(URL).status_code == 403
    assert role_client("Customer success", "csm-reads").get(URL).status_code == 200
    assert post(role_client("Customer success", "csm-writes"), {"external_id": "a"}).status_code == 403
    assert post(role_client(None), {"external_id": "a"}).status_code == 403


@pytest.fixture
def portfolio(mei):
    today = timezone.localdate()
    make = Account.objects.create
    return {
        "red": make(
            external_id="red",
            name="Red Co",
            plan="Enterprise",
            mrr=9000,
            stage="renewal",
            renewal_date=today + timedelta(days=30),
            csm=mei,
            health_score=20,
            health_band="red",
            health_measures=MEASURES,
            health_computed_at=timezone.now(),
            temperature=55,
            temperature_band="yellow",
        ),
        "green": make(
            external_id="green",
            name="Green Co",
            plan="Growth",
            mrr=500,
            stage="adoption",
            renewal_date=today + timedelta(days=200),
            health_score=85,
            health_band="green",
        ),
        "new": make(external_id="new", name="Aaa New"),
    }


def _ids(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    return [a["external_id"] for a in response.json()["results"]]


def test_the_list_filters(root, portfolio):
    soon = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert _ids(root) == ["green", "new", "red"]
    assert _ids(root, "?csm=mei") == ["red"]
    assert _ids(root, "?band=green") == ["green"]
    assert _ids(root, "?stage=renewal") == ["red"]
    assert _ids(root, "?plan=Growth") == ["green"]
    assert _ids(root, f"?renewal_before={soon}") == ["red"]
    assert _ids(root, f"?renewal_after={soon}") == ["green"]


def test_the_list_orders_with_the_accounts_without_a_value_last(root, portfolio):
    assert _ids(root, "?ordering=health_score") == ["red", "green", "new"]
    assert _ids(root, "?ordering=-health_score") == ["green", "red", "new"]
    assert _ids(root, "?ordering=renewal_date") == ["red", "green", "new"]
    assert _ids(root, "?ordering=-mrr") == ["red", "green", "new"]
    assert _ids(root, "?ordering=name") == ["new", "green", "red"]


@pytest.mark.parametrize(
    "query",
    [
        "?band=blue",
        "?band=",
        "?stage=",
        "?csm=",
        "?renewal_before=soon",
        "?renewal_after=2027-02-30",
        "?ordering=id",
        "?page=x",
        "?page_size=0",
    ],
)
def test_a_bad_filter_is_a_400_naming_it(root, portfolio, query):
    response = root.get(URL + query)
    assert response.status_code == 400, response.content
    name = query[1:].split("=")[0]
    assert name in response.json()["error"]["fields"]


def test_the_list_is_paginated(root, portfolio):
    body = root.get(URL + "?page_size=2").json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_one_account_with_its_health_explained(root, portfolio):
    body = root.get(URL + "red/").json()
    assert body["health"]["score"] == 20
    assert body["health"]["band"] == "red"
    assert body["health"]["measures"] == MEASURES
    assert body["health"]["computed_at"]
    assert body["temperature"]["score"] == 55
    assert body["csm"] == "mei"


def test_an_external_id_with_a_slash_or_chinese_is_found(root):
    Account.objects.create(external_id="org/客户-1")
    assert root.get(URL + "org/客户-1/").json()["external_id"] == "org/客户-1"
    assert root.get(URL + "org/客户-1/health-history/").status_code == 200


def test_an_unknown_account_is_a_404(root):
    assert root.get(URL + "ghost/").status_code == 404
    assert root.get(URL + "ghost/health-history/").status_code == 404


def test_the_health_history_defaults_to_the_last_180_days(root, portfolio):
    today = timezone.localdate()
    for days_ago in (0, 1, 180, 181):
        HealthSnapshot.objects.create(
            account=portfolio["red"],
            date=today - timedelta(days=days_ago),
            health_score=30 + days_ago % 50,
            health_band="red",
            health_measures=MEASURES,
            computed_at=timezone.now(),
        )
    body = root.get(URL + "red/health-history/").json()
    assert [row["date"] for row in body] == [(today - timedelta(days=d)).isoformat() for d in (180, 1, 0)]
    assert body[-1]["health"] == {
        "score": 30,
        "band": "red",
        "measures": MEASURES,
        "computed_at": body[-1]["computed_at"],
    }
    since, until = (today - timedelta(days=181)).isoformat(), (today - timedelta(days=100)).isoformat()
    body = root.get(URL + f"red/health-history/?since={since}&until={until}").json()
    assert [row["date"] for row in body] == [(today - timedelta(days=d)).isoformat() for d in (181, 180)]


@pytest.mark.parametrize(
    "query",
    [
        "?since=",
        "?since=yesterday",
        "?since=2026-02-30",
        "?since=2026-06-01&until=2026-05-01",
        "?since=2000-01-01&until=2026-01-01",
    ],
)
def test_a_bad_period_is_a_400(root, portfolio, query):
    response = root.get(URL + "red/health-history/" + query)
    assert response.status_code == 400, response.content
    assert "since" in response.json()["error"]["fields"]


@pytest.mark.parametrize("query", ["?until=0001-01-01", "?since=0001-01-01&until=0001-02-01", "?until=1999-12-31"])
def test_a_period_before_2000_is_a_400_not_an_error(root, portfolio, query):
    response = root.get(URL + "red/health-history/" + query)
    assert response.status_code == 400, response.content


def test_a_date_in_the_history_is_a_date(root, portfolio):
    HealthSnapshot.objects.create(account=portfolio["red"], date=date(2026, 12, 1), computed_at=timezone.now())
    body = root.get(URL + "red/health-history/?since=2026-11-30&until=2026-12-02").json()
    assert body[0]["date"] == "2026-12-01"
    assert body[0]["temperature"]["score"] is None
