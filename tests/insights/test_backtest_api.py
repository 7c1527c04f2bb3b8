"""GET /api/v1/metrics/health-backtest/ and the dashboard's back-test section, on the worked example of
tests/accounts/test_backtest_report.py."""

from datetime import date

import pytest

from tests.accounts.test_backtest_report import history  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/health-backtest/"


def test_the_api_answers_the_worked_example(history, role_client):  # noqa: F811
    response = role_client("CX lead", "lead").get(URL, {"since": "2026-01-01", "until": "2026-06-30"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accounts"], body["churned_accounts"], body["measured_accounts"]) == (4, 2, 4)
    assert body["landmarks"][0] == "2026-01-01"
    assert len(body["landmarks"]) == 6
    month = body["horizons"][0]
    assert month["days"] == 30
    assert month["health"]["auc"]["value"] == pytest.approx(23 / 28)
    assert (month["health"]["observations"], month["health"]["churned"]) == (16, 2)
    assert month["usage_alone"]["auc"]["value"] == pytest.approx(23 / 28)
    assert {m["key"]: m["auc"]["value"] for m in month["measures"]} == pytest.approx(
        {"logins": 23 / 28, "nps": 19 / 28}
    )
    assert [(b["band"], b["observations"], b["churned"]) for b in month["bands"]] == [
        ("red", 7, 2),
        ("yellow", 4, 0),
        ("green", 5, 0),
    ]
    assert month["red_lift"] == {"value": None, "low": None, "high": None}
    assert [h["days"] for h in body["horizons"]] == [30, 60, 90]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "2026-05-01", "until": "2026-01-01"}, "until"),
        ({"since": "2000-01-01", "until": "2026-01-01"}, "since"),
        ({"until": "soon"}, "until"),
    ],
)
def test_bad_queries_are_a_400_naming_the_field(role_client, query, field):
    response = role_client("CX lead", "lead").get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_only_insights_readers_may_ask(role_client):
    assert role_client("Marketing", "m").get(URL).status_code == 403
    assert role_client("Customer success", "c").get(URL).status_code == 200


def test_the_dashboard_says_it_in_plain_words(history, client, user_with_role, settings):  # noqa: F811
    from django.core.cache import cache
    from django.utils import timezone

    cache.clear()
    client.force_login(user_with_role("CX lead", "lead"))
    today = timezone.localdate()
    assert today > date(2026, 6, 30)  # the example's churn lies within the dashboard's 24 months
    for language, words in (("en", "coin toss"), ("zh-hans", "抛硬币"), ("zh-hant", "擲硬幣")):
        cache.clear()
        response = client.get("/admin/insights/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="cx-backtest-words"' in page
        assert words in page
        assert "/admin/accounts/scorecard/" in page  # the lead may look at the suggested weights
