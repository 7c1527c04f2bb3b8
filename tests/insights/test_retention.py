"""Retention metrics (insights.retention, sql_retention, GET /api/v1/metrics/retention/): hand-worked numbers.

The worked example, March 2026 (the bucket 2026-03-01 .. 2026-03-31; opening MRR at the end of Feb 28):
- A: `mrr` 1,000 since Feb 20; a confirmed churn on Mar 15 → in the cohort, churned: churned MRR 1,000.
- B: 500 on Feb 28, 300 from Mar 10, and a confirmed downgrade (200) on Mar 10 → contraction 200, downgraded.
- C: 200 since Feb 1, 300 from Mar 20 → expansion 100.
- D: 300 since Feb 15, nothing more → steady.
- F: no `mrr` signal at all; its MRR field says 100, its contract began in 2025 → opening 100 (the fallback), steady.
- E: contract from Mar 5, 400 from Mar 5 → new business, not in March's cohort.
- G: a proposed (unconfirmed) churn on Mar 3, 250 since Feb 1 → counts as steady: only confirmed records count.
Cohort: A, B, C, D, F, G = 6 accounts; mrr_start = 1,000 + 500 + 200 + 300 + 100 + 250 = 2,350.
logo churn = 1/6; GRR = (2,350 − 1,000 − 200) / 2,350 = 1,150 / 2,350; NRR = (1,150 + 100) / 2,350 = 1,250 / 2,350;
mrr_end = 1,250. In April A is gone (churned in March); E (400) joins the cohort: 5 + E = 6 accounts.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Account, AccountSignal, ChurnRecord
from insights import retention as arithmetic
from insights.retention_report import RetentionFilters, bucket_bounds, period_align, retention_series
from tests.sql_paths import same_on_each_path

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/retention/"
LONG_AGO = date(2025, 1, 1)


def account(external_id, *, mrr=None, start=LONG_AGO, **fields):
    return Account.objects.create(external_id=external_id, mrr=mrr, contract_start=start, **fields)


def signals(acc, *points):
    AccountSignal.objects.bulk_create(
        AccountSignal(account=acc, date=date.fromisoformat(day), key="mrr", value=value) for day, value in points
    )


def record(acc, kind, day, lost, status="confirmed"):
    return ChurnRecord.objects.create(
        account=acc, kind=kind, date=date.fromisoformat(day), mrr_lost=Decimal(lost), status=status
    )


@pytest.fixture
def example(django_user_model):
    """The worked example of the module's docstring."""
    mei = django_user_model.objects.create(username="mei")
    a = account("A", plan="pro", csm=mei)
    signals(a, ("2026-02-20", 1000), ("2026-03-10", 1000))
    record(a, "churn", "2026-03-15", 1000)
    b = account("B", plan="pro", csm=mei)
    signals(b, ("2026-02-28", 500), ("2026-03-10", 300))
    record(b, "downgrade", "2026-03-10", 200)
    c = account("C", plan="basic")
    signals(c, ("2026-02-01", 200), ("2026-03-20", 300))
    d = account("D", plan="basic", stage="renewal")
    signals(d, ("2026-02-15", 300))
    account("F", mrr=Decimal(100), plan="basic")
    e = account("E", plan="pro", start=date(2026, 3, 5))
    signals(e, ("2026-03-05", 400))
    g = account("G", plan="basic")
    signals(g, ("2026-02-01", 250))
    record(g, "churn", "2026-03-03", 250, status="proposed")
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "F": Account.objects.get(external_id="F"), "G": g}


def march_and_april(**filters):
    return same_on_each_path(
        lambda: retention_series(
            interval="month", since=date(2026, 3, 1), until=date(2026, 4, 30), filters=RetentionFilters(**filters)
        )
    ).buckets


def test_the_worked_example(example):
    march, april = march_and_april()
    assert (march.start, march.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert march.accounts_start == 6
    assert march.churned_accounts == 1
    assert march.downgraded_accounts == 1
    assert march.expanded_accounts == 1
    assert march.mrr_start == Decimal(2350)
    assert march.churned_mrr == Decimal(1000)
    assert march.contraction_mrr == Decimal(200)
    assert march.expansion_mrr == Decimal(100)
    assert march.recorded_downgrade_mrr == Decimal(200)
    assert march.mrr_end == Decimal(1250)
    assert march.logo_churn == pytest.approx(1 / 6)
    assert march.grr == pytest.approx(1150 / 2350)
    assert march.nrr == pytest.approx(1250 / 2350)
    assert march.revenue_churn == pytest.approx(1200 / 2350)
    # April: A gone, E in; B 300, C 300, D 300, F 100, G 250, E 400
    assert april.accounts_start == 6
    assert april.mrr_start == Decimal(1650)
    assert april.churned_accounts == 0
    assert (april.grr, april.nrr) == (1.0, 1.0)


def test_the_api_answers_the_worked_example(example, role_client):
    response = role_client("CX lead", "lead").get(URL, {"since": "2026-03-10", "until": "2026-03-20"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["since"], body["until"], body["interval"]) == ("2026-03-01", "2026-03-31", "month")
    (march,) = body["buckets"]
    assert march["accounts_start"] == 6
    assert march["churned_accounts"] == 1
    assert march["mrr_start"] == "2350.00"
    assert march["churned_mrr"] == "1000.00"
    assert march["contraction_mrr"] == "200.00"
    assert march["expansion_mrr"] == "100.00"
    assert march["mrr_end"] == "1250.00"
    assert march["logo_churn"] == pytest.approx(1 / 6)
    assert march["grr"] == pytest.approx(1150 / 2350)
    assert march["nrr"] == pytest.approx(1250 / 2350)


@pytest.mark.parametrize("day", ["2026-03-01", "2026-03-31"])
def test_a_churn_on_the_first_or_last_day_counts_in_the_bucket(day):
    acc = account("X")
    signals(acc, ("2026-01-10", 700))
    record(acc, "churn", day, 700)
    march, april = march_and_april()
    assert (march.accounts_start, march.churned_accounts, march.churned_mrr) == (1, 1, Decimal(700))
    assert march.grr == march.nrr == 0.0
    assert april.accounts_start == 0
    assert april.grr is None
    assert april.nrr is None
    assert april.logo_churn is None


def test_a_churn_the_day_after_belongs_to_the_next_bucket():
    acc = account("X")
    signals(acc, ("2026-01-10", 700))
    record(acc, "churn", "2026-04-01", 700)
    march, april = march_and_april()
    assert (march.churned_accounts, april.churned_accounts, april.accounts_start) == (0, 1, 1)


def test_an_account_created_mid_bucket_is_new_business_not_in_the_cohort():
    acc = account("X", mrr=Decimal(900), start=None)
    Account.objects.filter(pk=acc.pk).update(created_at=datetime(2026, 3, 15, 4, tzinfo=UTC))
    march, april = march_and_april()
    assert march.accounts_start == 0
    assert march.mrr_start == 0
    assert (april.accounts_start, april.mrr_start) == (1, Decimal(900))


def test_an_account_without_signals_falls_back_to_its_mrr_or_what_its_churn_lost():
    account("steady", mrr=Decimal(120))
    gone = account("gone", mrr=None)  # its MRR field cleared when it left: the churn record's MRR lost stands in
    record(gone, "churn", "2026-03-20", 80)
    downgraded = account("down", mrr=Decimal(100))
    record(downgraded, "downgrade", "2026-03-02", 30)  # no signal in the bucket: the record is the contraction
    account("never", mrr=None)  # nothing at all: not in the cohort
    march, april = march_and_april()
    assert march.accounts_start == 3
    assert march.mrr_start == Decimal(300)
    assert (march.churned_accounts, march.churned_mrr) == (1, Decimal(80))
    assert march.contraction_mrr == Decimal(30)
    assert april.accounts_start == 2
    assert april.mrr_start == Decimal(220)


def test_signals_decide_over_a_downgrade_record_when_they_measure_the_bucket():
    acc = account("X")
    signals(acc, ("2026-02-01", 1000), ("2026-03-15", 900))
    record(acc, "downgrade", "2026-03-15", 250)  # says 250, the billing system says 100
    (march, _april) = march_and_april()
    assert march.contraction_mrr == Decimal(100)
    assert march.recorded_downgrade_mrr == Decimal(250)
    assert march.downgraded_accounts == 1


def test_an_account_that_comes_back_after_a_churn_counts_again():
    acc = account("X")
    signals(acc, ("2026-01-01", 500), ("2026-03-20", 600))
    record(acc, "churn", "2026-02-10", 500)
    march, april = march_and_april()
    assert march.accounts_start == 0  # churned in February, no signal since by the end of February
    assert (april.accounts_start, april.mrr_start) == (1, Decimal(600))


def test_filters_choose_accounts_by_plan_stage_and_csm(example):
    (pro, _april) = march_and_april(plans=("pro",))
    assert (pro.accounts_start, pro.mrr_start, pro.churned_accounts) == (2, Decimal(1500), 1)
    (mei, _april) = march_and_april(csms=("mei",))
    assert mei.accounts_start == 2
    assert mei.grr == pytest.approx(300 / 1500)
    (renewal, _april) = march_and_april(stages=("renewal",))
    assert (renewal.accounts_start, renewal.mrr_start) == (1, Decimal(300))


def test_filters_through_the_api(example, role_client):
    client = role_client("CX staff", "staff")
    body = client.get(URL, {"since": "2026-03-01", "until": "2026-03-31", "plan": "basic", "stage": "renewal"}).json()
    assert [b["mrr_start"] for b in body["buckets"]] == ["300.00"]
    body = client.get(URL, {"since": "2026-03-01", "until": "2026-03-31", "csm": "mei"}).json()
    assert body["buckets"][0]["accounts_start"] == 2


def test_quarter_buckets_follow_the_cohort_of_each_quarter():
    """Q1 2026: X (600 since Dec) expands to 800 in Feb, Y (400 since Dec) churns in Mar, Z joins in Feb (new).

    Q1: accounts 2, mrr_start 1,000, churned 400, expansion 200: GRR 0.6, NRR 0.8, logo churn 0.5.
    Q2: X 800 and Z 300: accounts 2, mrr_start 1,100; nothing moves: GRR = NRR = 1.
    """
    x, y, z = account("X"), account("Y"), account("Z", start=date(2026, 2, 1))
    signals(x, ("2025-12-01", 600), ("2026-02-01", 800))
    signals(y, ("2025-12-01", 400))
    signals(z, ("2026-02-01", 300))
    record(y, "churn", "2026-03-31", 400)
    result = same_on_each_path(
        lambda: retention_series(interval="quarter", since=date(2026, 2, 14), until=date(2026, 5, 1))
    )
    q1, q2 = result.buckets
    assert (result.since, result.until) == (date(2026, 1, 1), date(2026, 6, 30))
    assert (q1.start, q1.end, q2.start, q2.end) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 6, 30),
    )
    assert (q1.accounts_start, q1.mrr_start, q1.churned_mrr, q1.expansion_mrr) == (2, 1000, 400, 200)
    assert (q1.grr, q1.nrr, q1.logo_churn) == (pytest.approx(0.6), pytest.approx(0.8), 0.5)
    assert (q2.accounts_start, q2.mrr_start, q2.grr, q2.nrr) == (2, 1100, 1.0, 1.0)


def test_the_default_is_the_twelve_months_to_this_one(root):
    body = root.get(URL).json()
    assert len(body["buckets"]) == 12
    today = timezone.localdate()
    assert body["buckets"][-1]["start"] == today.replace(day=1).isoformat()
    assert body["buckets"][0]["accounts_start"] == 0
    assert body["buckets"][0]["grr"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"interval": "week"}, "interval"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": ""}, "since"),
        ({"since": "2026-05-01", "until": "2026-04-01"}, "until"),
        ({"since": "1990-01-01", "until": "2026-01-01"}, "since"),
        ({"stage": "sleeping"}, "stage"),
        ({"csm": "nobody"}, "csm"),
        ({"until": "0001-01-01"}, "until"),
    ],
)
def test_bad_parameters_are_400s_naming_them(root, query, field):
    response = root.get(URL, query)
    assert response.status_code == 400
    assert field in str(response.json()), response.json()


def test_only_insights_readers_may_ask(role_client):
    assert role_client("Marketing", "m").get(URL).status_code == 403
    assert role_client("CX lead", "l").get(URL).status_code == 200


def test_periods_align_to_whole_months_and_quarters():
    assert period_align(interval="quarter", since=date(2026, 5, 9), until=date(2026, 11, 2)) == (
        date(2026, 4, 1),
        date(2026, 12, 31),
    )
    assert bucket_bounds(interval="month", since=date(2024, 1, 1), until=date(2024, 2, 29)) == [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
    ]


def test_the_arithmetic_alone():
    """One account, 100 → 150 within the bucket: expansion 50, NRR 1.5, GRR 1; its boundary days."""
    bucket = [(date(2026, 1, 1), date(2026, 1, 31))]
    assert arithmetic.boundaries(bucket) == [date(2025, 12, 31), date(2026, 1, 31)]
    facts = arithmetic.AccountFacts(id=1, mrr=None, started=LONG_AGO)
    readings = {1: [arithmetic.Reading(date(2025, 12, 1), 100.0), arithmetic.Reading(date(2026, 1, 9), 150.0)]}
    (figures,) = arithmetic.retention(bucket, [facts], readings)
    assert (figures.expansion_mrr, figures.grr, figures.nrr, figures.mrr_end) == (50, 1.0, 1.5, 150)
    assert arithmetic.reading_at([(date(2026, 1, 1), 1.0), (date(2026, 1, 5), 2.0)], date(2026, 1, 4)).value == 1.0
    assert arithmetic.reading_at([(date(2026, 1, 1), 1.0)], date(2025, 1, 4)).date is None


def test_the_dashboard_shows_the_last_twelve_months_of_retention(client, user_with_role):
    """Last month: two accounts of 1,000 and 500 at its start; the 500 one churns: logo churn 50%, GRR 66.7%."""
    today = timezone.localdate()
    last_month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    before = last_month_start - timedelta(days=3)
    big, small = account("big"), account("small")
    signals(big, (before.isoformat(), 1000))
    signals(small, (before.isoformat(), 500))
    record(small, "churn", (last_month_start + timedelta(days=2)).isoformat(), 500)
    client.force_login(user_with_role("CX lead", "lead"))
    for language, word in (("en", "Retention"), ("zh-hans", "留存"), ("zh-hant", "留存")):
        response = client.get("/admin/insights/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert word in response.content.decode()
    rows = response.context["board"].retention.buckets
    assert len(rows) == 12
    last = rows[-2]
    assert last.start == last_month_start
    assert (last.accounts_start, last.logo_churn, last.grr) == (2, 0.5, pytest.approx(1000 / 1500))
    html = response.content.decode()
    assert f'data-start="{last_month_start.isoformat()}"' in html
    assert "66.7 %" in html


def test_an_old_signal_still_stands_and_carries_across_buckets():
    """The latest signal counts however old: 400 since June 2025 (beyond the first probe's 92 days) opens March."""
    acc = account("X")
    signals(acc, ("2025-06-01", 400), ("2026-04-10", 450))
    march, april = march_and_april()
    assert (march.accounts_start, march.mrr_start, march.expansion_mrr) == (1, Decimal(400), Decimal(0))
    assert (april.mrr_start, april.expansion_mrr, april.nrr) == (Decimal(400), Decimal(50), 1.125)


def test_an_absurd_mrr_signal_is_counted_not_a_500(root):
    acc = account("X")
    signals(acc, ("2026-02-01", 1.5e300))
    response = root.get(URL, {"since": "2026-03-01", "until": "2026-03-31"})
    assert response.status_code == 200, response.content
    (march,) = response.json()["buckets"]
    assert march["accounts_start"] == 1
    assert march["grr"] == 1.0
    assert march["mrr_start"].startswith("15000000000")
