"""Why accounts leave, counted (insights.churn_reasons, churn_reasons_report, GET /api/v1/metrics/churn-reasons/).

Hand-worked numbers: tests/insights/churn_example.py's docstring (and docs/retention.md).
"""

from decimal import Decimal

import pytest

from insights import churn_reasons as counting
from insights.churn_reasons_report import churn_reasons_report
from insights.retention_report import RetentionFilters
from tests.insights.churn_example import SINCE, UNTIL, why_fixture  # noqa: F401 (the fixture `why`)

URL = "/api/v1/metrics/churn-reasons/"


def fact(id, kind, lost, reasons=(), competitor="", segment=""):
    return counting.RecordFacts(id, kind, Decimal(lost), tuple(reasons), competitor, segment)


def test_a_record_with_several_reasons_counts_once_for_each_with_its_whole_mrr():
    records = [
        fact(1, "churn", 1000, ("price", "competitor")),
        fact(2, "downgrade", 200, ("price",)),
        fact(3, "churn", 300),
    ]
    rows = {row.key: row for row in counting.reason_table(records, order=("competitor", "price"))}
    assert rows["price"].tally == counting.Tally(2, Decimal(1200), 1, Decimal(1000), 1, Decimal(200))
    assert rows["competitor"].tally.records == 1
    assert rows["competitor"].tally.mrr_lost == Decimal(1000)
    assert rows[counting.NO_REASON].tally.records == 1
    assert rows["price"].share == pytest.approx(2 / 3)
    assert rows["price"].mrr_share == pytest.approx(1200 / 1500)
    assert sum(row.tally.records for row in rows.values()) == 4  # mentions, over 3 records


def test_the_reason_table_s_order_and_no_reason_last():
    records = [
        fact(1, "churn", 10),
        fact(2, "churn", 5, ("b",)),
        fact(3, "churn", 50, ("a",)),
        fact(4, "churn", 5, ("c",)),
    ]
    assert [row.key for row in counting.reason_table(records, order=("c", "b", "a"))] == ["a", "c", "b", ""]


def test_a_reason_named_twice_on_one_record_counts_once():
    (row,) = counting.reason_table([fact(1, "churn", 10, ("price", "price"))])
    assert row.tally.records == 1


def test_competitors_are_grouped_ignoring_case_and_spaces():
    rows = counting.competitor_table(
        [fact(1, "churn", 10, competitor="Rival"), fact(2, "churn", 5, competitor="  rival ")]
    )
    assert [(row.name, row.tally.records, row.tally.mrr_lost) for row in rows] == [("Rival", 2, Decimal(15))]


def test_no_record_no_share():
    assert counting.reason_table([]) == []
    assert counting.tally([]) == counting.Tally()


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_the_worked_example(why):
    report = churn_reasons_report(since=SINCE, until=UNTIL)
    assert report.totals == counting.Tally(4, Decimal(2000), 3, Decimal(1800), 1, Decimal(200))
    assert (report.accounts, report.without_reason, report.reason_mentions) == (4, 1, 5)
    assert [(line.reason.key, line.row.tally.records, line.row.tally.mrr_lost) for line in report.reasons] == [
        ("price", 2, Decimal(1200)),
        ("competitor", 1, Decimal(1000)),
        ("support", 1, Decimal(500)),
        ("", 1, Decimal(300)),
    ]
    price = report.reasons[0].row
    assert (price.share, price.mrr_share) == (0.5, 0.6)
    assert price.tally.churn_records == 1
    assert price.tally.downgrade_mrr_lost == Decimal(200)
    assert report.reasons[-1].reason.name == "No reason yet"
    assert [(row.name, row.tally.records, row.tally.mrr_lost) for row in report.competitors] == [
        ("Rival", 2, Decimal(1500))
    ]
    assert report.segments == []
    assert [account.external_id for account in report.churned] == ["C", "B", "A", "D"]
    assert report.churned_total == 4


@pytestmark_db
@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("plan", [("pro", "pro", 2, 1200), ("basic", "basic", 2, 800)]),
        ("csm", [("mei", "Mei Lin", 2, 1200), ("li", "li", 1, 500), ("", "No CSM", 1, 300)]),
        (
            "stage",  # on the record's date: A expansion, B adoption, C onboarding, D renewal (set)
            [
                ("expansion", "Expansion", 1, 1000),
                ("renewal", "Renewal", 1, 500),
                ("onboarding", "Onboarding", 1, 300),
                ("adoption", "Adoption", 1, 200),
            ],
        ),
    ],
)
def test_the_segment_split(why, segment, expected):
    report = churn_reasons_report(since=SINCE, until=UNTIL, segment=segment)
    got = [
        (line.segment.key, line.segment.name, line.row.tally.records, line.row.tally.mrr_lost)
        for line in report.segments
    ]
    assert got == [(key, name, n, Decimal(mrr)) for key, name, n, mrr in expected]


@pytestmark_db
def test_each_segment_has_its_own_reason_table(why):
    pro, basic = churn_reasons_report(since=SINCE, until=UNTIL, segment="plan").segments
    assert [(line.reason.key, line.row.tally.records, line.row.share) for line in pro.reasons] == [
        ("price", 2, 1.0),
        ("competitor", 1, 0.5),
    ]
    assert [(line.reason.key, line.row.tally.records) for line in basic.reasons] == [("support", 1), ("", 1)]


@pytestmark_db
@pytest.mark.parametrize(
    ("query", "records", "mrr"),
    [
        ({"kind": "churn"}, ["C", "A", "D"], 1800),
        ({"kind": "downgrade"}, ["B"], 200),
        ({"filters": RetentionFilters(plans=("basic",))}, ["C", "D"], 800),
        ({"filters": RetentionFilters(csms=("mei",))}, ["B", "A"], 1200),
        ({"filters": RetentionFilters(stages=("onboarding", "renewal"))}, ["C", "D"], 800),
        ({"since": SINCE.replace(month=3), "until": SINCE.replace(month=3, day=15)}, ["A"], 1000),
    ],
)
def test_the_filters(why, query, records, mrr):
    report = churn_reasons_report(**{"since": SINCE, "until": UNTIL, **query})
    assert [account.external_id for account in report.churned] == records
    assert report.totals.mrr_lost == Decimal(mrr)


@pytestmark_db
def test_the_api_answers_the_worked_example(why, user_with_role, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user_with_role("Customer success", "csm"))
    response = api.get(URL, {"since": "2026-01-01", "until": "2026-06-30", "segment": "plan"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["totals"] == {
        "records": 4,
        "mrr_lost": "2000.00",
        "churn_records": 3,
        "churn_mrr_lost": "1800.00",
        "downgrade_records": 1,
        "downgrade_mrr_lost": "200.00",
    }
    assert (body["accounts"], body["without_reason"], body["reason_mentions"]) == (4, 1, 5)
    assert [
        (r["key"], r["name"], r["tally"]["records"], r["tally"]["mrr_lost"], r["share"], r["mrr_share"])
        for r in body["reasons"]
    ] == [
        ("price", "Price", 2, "1200.00", 0.5, 0.6),
        ("competitor", "Switched to a competitor", 1, "1000.00", 0.25, 0.5),
        ("support", "Support", 1, "500.00", 0.25, 0.25),
        (None, "No reason yet", 1, "300.00", 0.25, 0.15),
    ]
    assert body["competitors"] == [
        {
            "name": "Rival",
            "tally": {
                **body["totals"],
                "records": 2,
                "mrr_lost": "1500.00",
                "churn_records": 2,
                "churn_mrr_lost": "1500.00",
                "downgrade_records": 0,
                "downgrade_mrr_lost": "0.00",
            },
        }
    ]
    assert [(s["key"], s["tally"]["records"]) for s in body["segments"]] == [("pro", 2), ("basic", 2)]
    assert [a["external_id"] for a in body["churned"]] == ["C", "B", "A", "D"]


@pytestmark_db
@pytest.mark.parametrize(
    ("language", "price", "none"), [("zh-hans", "价格", "尚无原因"), ("zh-hant", "價格", "尚無原因")]
)
def test_the_reasons_are_named_in_the_reader_s_language(why, superuser_api_client, language, price, none):
    body = superuser_api_client.get(
        URL, {"since": "2026-01-01", "until": "2026-06-30"}, HTTP_ACCEPT_LANGUAGE=language
    ).json()
    names = {r["key"]: r["name"] for r in body["reasons"]}
    assert (names["price"], names[None]) == (price, none)


@pytestmark_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "2026-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2026-06-01", "until": "2026-05-01"}, "until"),
        ({"kind": "pause"}, "kind"),
        ({"stage": "churned"}, "stage"),
        ({"csm": "nobody-here"}, "csm"),
        ({"segment": "region"}, "segment"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"plan": ""}, "plan"),
        ({"since": "0001-01-01"}, "since"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(superuser_api_client, query, field):
    response = superuser_api_client.get(URL, query)
    assert response.status_code == 400, response.content
    assert field in {name.split(".")[0] for name in response.json()["error"]["fields"]}, response.json()


@pytestmark_db
def test_cx_leads_and_customer_success_may_read_it_cx_staff_may_not(user_with_role):
    from rest_framework.test import APIClient

    for role, allowed in (("CX lead", True), ("Customer success", True), ("CX staff", False), ("Marketing", False)):
        api = APIClient()
        api.force_authenticate(user_with_role(role))
        assert (api.get(URL).status_code == 200) == allowed, role
