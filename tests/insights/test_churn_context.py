"""Each churned account in context (insights.churn_context, sql_churn_context): answers, comments, health, cases.

Hand-worked: tests/insights/churn_example.py's docstring. Run on SQLite and on PostgreSQL.
"""

from datetime import date

import pytest

from insights.churn_reasons_report import churn_reasons_report
from tests.insights.churn_example import SINCE, UNTIL, why_fixture  # noqa: F401 (the fixture `why`)

pytestmark = pytest.mark.django_db


def _acme(**query):
    report = churn_reasons_report(since=SINCE, until=UNTIL, **query)
    return next(account for account in report.churned if account.external_id == "A")


def test_the_last_answers_up_to_the_end_of_the_churn_s_day(why):
    acme = _acme()
    answers = why["answers"]
    assert [a.response_id for a in acme.answers] == [answers[k].pk for k in ("bye", "customer", "switching")]
    assert [(a.survey_kind, a.score) for a in acme.answers] == [("nps", 1), ("nps", 5), ("nps", 2)]
    assert acme.answers[0].url == f"/admin/surveys/response/{answers['bye'].pk}/change/"


def test_the_last_comments_skip_answers_without_one(why):
    acme = _acme()
    assert [c.comment for c in acme.comments] == ["Bye", "Switching to Rival", "Too expensive"]


def test_how_many_answers_and_comments_is_a_parameter(why):
    acme = _acme(context=1)
    assert [a.comment for a in acme.answers] == ["Bye"]
    assert [c.comment for c in acme.comments] == ["Bye"]
    assert len(acme.cases) == 1
    assert acme.cases_total == 2


def test_health_a_month_ahead_and_the_last_before_leaving(why):
    acme = _acme()
    assert (acme.health_before.date, acme.health_before.score, acme.health_before.band) == (
        date(2026, 2, 13),
        55,
        "yellow",
    )
    assert (acme.health_last.date, acme.health_last.score, acme.health_last.band) == (date(2026, 3, 14), 30, "red")
    assert acme.health_last.url.startswith("/admin/accounts/healthsnapshot/")


def test_an_account_never_scored_has_no_health(why):
    report = churn_reasons_report(since=SINCE, until=UNTIL)
    c = next(account for account in report.churned if account.external_id == "C")
    assert (c.health_before, c.health_last, c.answers, c.comments, c.cases, c.cases_total) == (
        None,
        None,
        [],
        [],
        [],
        0,
    )
    b = next(account for account in report.churned if account.external_id == "B")  # A's customer, answering for B
    assert [a.response_id for a in b.answers] == [why["answers"]["elsewhere"].pk]


def test_the_cases_by_account_or_customer_account_once_each_newest_first(why):
    acme = _acme()
    cases = why["cases"]
    assert [c.case_id for c in acme.cases] == [cases["risk"].pk, cases["detractor"].pk]
    assert acme.cases_total == 2
    assert acme.cases[0].url == f"/admin/closedloop/case/{cases['risk'].pk}/change/"
    assert acme.cases[0].reason == "Account at risk: health fell to red"


def test_the_record_and_account_links(why):
    acme = _acme()
    assert acme.record_url == f"/admin/accounts/churnrecord/{why['A'].pk}/change/"
    assert acme.account_url == f"/admin/accounts/account/{why['account'].pk}/change/"
    assert [(r.key, r.name) for r in acme.reasons] == [("competitor", "Switched to a competitor"), ("price", "Price")]
    assert (acme.competitor, acme.note, acme.csm, acme.plan) == ("Rival", "Rival at half the price", "mei", "pro")


def test_the_list_is_cut_at_the_limit_but_counts_every_record(why):
    report = churn_reasons_report(since=SINCE, until=UNTIL, limit=2)
    assert [account.external_id for account in report.churned] == ["C", "B"]
    assert report.churned_total == 4
    assert churn_reasons_report(since=SINCE, until=UNTIL, limit=0).churned == []


def test_the_api_links_each_account(why, superuser_api_client):
    body = superuser_api_client.get(
        "/api/v1/metrics/churn-reasons/", {"since": "2026-03-15", "until": "2026-03-15"}
    ).json()
    (acme,) = body["churned"]
    assert [a["comment"] for a in acme["comments"]] == ["Bye", "Switching to Rival", "Too expensive"]
    assert acme["health_before"]["band"] == "yellow"
    assert acme["health_last"]["band"] == "red"
    assert acme["health_before"]["date"] == "2026-02-13"
    assert [c["case_id"] for c in acme["cases"]] == [why["cases"]["risk"].pk, why["cases"]["detractor"].pk]
    assert acme["answers"][0]["submitted_at"] == "2026-03-15T23:30:00+08:00"
    assert acme["reasons"] == [
        {"key": "competitor", "name": "Switched to a competitor"},
        {"key": "price", "name": "Price"},
    ]


def test_the_reads_do_not_grow_with_the_records(why):
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account, ChurnRecord

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            churn_reasons_report(since=SINCE, until=UNTIL, segment="csm")
        return len(captured)

    before = queries()
    for n in range(30):
        account = Account.objects.create(external_id=f"more-{n}", plan="pro")
        ChurnRecord.objects.create(
            account=account, kind="churn", date=SINCE + timedelta(days=n), mrr_lost=Decimal(10), status="confirmed"
        )
    assert queries() == before
