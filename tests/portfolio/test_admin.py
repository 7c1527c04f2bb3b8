"""The CSM console in the admin: the portfolio list, its filters and views, and the account's page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account
from portfolio import selectors
from tests.portfolio.data import portfolio

pytestmark = pytest.mark.django_db
LIST = "/admin/accounts/account/"


@pytest.fixture
def csm(django_user_model):
    return django_user_model.objects.create_superuser("mei", "mei@example.com", "pw", first_name="Mei", last_name="Lin")


@pytest.fixture
def client(csm) -> Client:
    client = Client()
    client.force_login(csm)
    return client


def _rows(response) -> list[str]:
    return re.findall(r'<span class="cx-quiet">([\w-]+)</span></a></th>', response.content.decode())


def test_the_portfolio_lists_red_first_with_its_columns(client, csm):
    portfolio(csm=csm)
    response = client.get(LIST)
    html = response.content.decode()
    assert _rows(response) == ["acme", "globex", "initech"]
    assert '<span class="cx-chip cx-red"><b>31</b> Red</span>' in html  # the band's word, not only its colour
    assert "CN¥14,779.00" in html
    assert "in 23 days" in html
    assert "Mei Lin" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?csm=mine", ["acme"]),
        ("?csm=nobody", ["globex", "initech"]),
        ("?band=green", ["globex"]),
        ("?band=none", ["initech"]),
        ("?plan=team", ["globex", "initech"]),
        ("?stage__exact=adoption", ["globex"]),
        ("?renewal=30", ["acme", "globex"]),
        ("?q=glob", ["globex"]),
        ("?q=initech", ["initech"]),
    ],
)
def test_filters_and_search(client, csm, query, expected):
    portfolio(csm=csm)
    assert _rows(client.get(LIST + query)) == expected


@pytest.mark.parametrize("value", ["²", "١", "x"])
def test_a_csm_that_is_not_an_id_filters_nothing_and_is_no_error(client, csm, value):
    portfolio(csm=csm)
    assert client.get(LIST, {"csm": value}).status_code == 200


def test_the_one_click_views_mark_the_one_shown(client, csm):
    portfolio(csm=csm)
    html = client.get(LIST + "?csm=mine").content.decode()
    assert '<a href="?csm=mine" aria-current="page">Mine</a>' in html
    assert '<a href="?band=red">Red</a>' in html


def test_the_list_reads_a_bounded_number_of_queries_however_many_accounts(client, csm):
    portfolio(csm=csm)

    def more(count: int) -> int:
        Account.objects.bulk_create(
            Account(external_id=f"more-{count}-{n}-{band}", health_band=band, health_score=50, csm=csm)
            for n in range(count)
            for band in ("red", "yellow", "green", "")
        )
        with CaptureQueriesContext(connection) as captured:
            client.get(LIST)
        return len(captured)

    assert more(60) == more(120)  # a page reads its own rows band by band, and counts a band only to skip it


def test_the_account_page_explains_the_scores_and_shows_trend_usage_and_timeline(client, csm):
    accounts = portfolio(csm=csm)
    html = client.get(f"{LIST}{accounts['acme'].pk}/change/").content.decode()
    health = html[html.index('id="cx-health"') : html.index('id="cx-temperature"')]
    points = [float(p) for p in re.findall(r'data-points="([\d.]+)"', health)]
    assert sum(points) == 31
    assert len(points) == 6
    assert 'data-missing="true"' in health
    assert "no data" in health
    assert "left out" in health
    assert "Days a payment is overdue · latest" in health
    assert 'id="cx-trend"' in html
    assert html.count('class="cx-spark"') == 4
    assert "审批同步到OA一直失败" in html
    assert "Negative 87%" in html
    assert re.search(r'href="/admin/closedloop/case/\d+/change/">Case #\d+, P2: NPS detractor · New</a>', html)
    assert "<b>in 23 days</b>" in html
    assert "<script>" not in html.split("</head>", 1)[1].replace("<script src", "")  # the charts are drawn here


def test_the_account_page_in_traditional_chinese(client, csm):
    accounts = portfolio(csm=csm)
    client.cookies["django_language"] = "zh-hant"
    html = client.get(f"{LIST}{accounts['acme'].pk}/change/").content.decode()
    assert "活躍使用者" in html
    assert "無資料" in html
    assert "23 天後" in html
    assert "健康度" in html


def test_a_csm_edits_the_account_s_own_fields_and_the_scores_stay(client, csm, django_user_model):
    accounts = portfolio(csm=csm)
    acme = accounts["acme"]
    other = django_user_model.objects.create_user("li", "li@example.com", "pw", is_staff=True)
    renewal = timezone.localdate() + timedelta(days=60)
    response = client.post(
        f"{LIST}{acme.pk}/change/",
        {
            "name": "Acme Group",
            "plan": "enterprise-plus",
            "mrr": "15000",
            "stage": "expansion",
            "contract_start": "",
            "renewal_date": renewal.isoformat(),
            "csm": other.pk,
            "external_id": "changed",  # read-only here: ignored
        },
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.plan, acme.mrr, acme.stage, acme.renewal_date, acme.csm) == (
        "Acme Group",
        "enterprise-plus",
        Decimal("15000"),
        "expansion",
        renewal,
        other,
    )
    assert (acme.external_id, acme.health_score, acme.health_band) == ("acme", 31, "red")


def test_an_unknown_filter_value_is_not_an_error(client, csm):
    portfolio(csm=csm)
    assert client.get(LIST + "?csm=nobody-known").status_code == 200
    assert client.get(LIST + "?band=purple").status_code == 200
    assert client.get(LIST + "?renewal=7").status_code == 200


def test_every_page_of_the_list_and_a_column_s_own_order(client, csm):
    today = timezone.localdate()
    Account.objects.bulk_create(
        Account(
            external_id=f"a-{n:03d}",
            health_band=("red", "yellow", "green", "")[n % 4],
            health_score=(20, 50, 80, None)[n % 4],
            renewal_date=today + timedelta(days=n % 40) if n % 9 else None,
        )
        for n in range(120)
    )
    ordered = [a.external_id for a in Account.objects.order_by(*selectors.portfolio_order())]
    shown = []
    for page in (1, 2, 3):
        html = client.get(f"{LIST}?p={page}").content.decode()
        shown += re.findall(r'<a href="/admin/accounts/account/\d+/change/[^"]*">([\w-]+)</a>', html)
    assert shown == ordered
    by_score = client.get(f"{LIST}?o=2").content.decode()  # the health column's own order: lowest first
    scores = [int(s) for s in re.findall(r'<span class="cx-chip cx-\w+"><b>(\d+)</b>', by_score)]
    assert scores == sorted(scores)
    assert scores


def test_mrr_is_in_the_configured_currency_as_each_language_writes_it(client, csm, settings):
    settings.CX_CURRENCY = "USD"
    portfolio(csm=csm)
    assert "$14,779.00" in client.get(LIST).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "US$14,779.00" in client.get(LIST).content.decode()
