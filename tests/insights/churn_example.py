"""The worked example of "why accounts leave" (docs/retention.md), 2026-01-01 .. 2026-06-30, in Asia/Shanghai.

Confirmed records in the period:
- A (pro, CSM mei): churn 2026-03-15, 1,000 lost, reasons price + competitor, competitor "Rival";
- B (pro, CSM mei): downgrade 2026-04-10, 200 lost, reason price;
- C (basic, no CSM): churn 2026-05-20, 300 lost, no reason yet;
- D (basic, CSM li, stage set to renewal): churn 2026-02-01, 500 lost, reason support, competitor " rival ".
Not counted: E's churn of 2026-03-03 (proposed only), F's of 2025-12-31 (before the period), G's
(dismissed). Totals: 4 records, 2,000 lost (churns 3 / 1,800, downgrades 1 / 200).
Reasons (5 mentions over 4 records): price 2 (1,200: 0.5 of the records, 0.6 of the MRR), competitor
1 (1,000), support 1 (500), no reason yet 1 (300). Competitors: Rival 2 (1,500).

A's context (its churn is dated 2026-03-15; that day ends at 16:00 UTC):
- answers naming A: 01-10 (3, "Too expensive"), 02-20 (6, no comment), 03-01 (2, "Switching to Rival"),
  03-15 15:30 UTC (1, "Bye": 23:30 in Shanghai, the churn's day), 03-15 16:30 UTC (0: the next day, not
  counted); answers of A's customer naming no account: 03-10 (5, no comment); of A's customer naming
  another account: 03-12 (not A's);
- last 3 answers: 03-15 "Bye", 03-10, 03-01; last 3 comments: "Bye", "Switching to Rival", "Too expensive";
- snapshots: 02-01 green 80, 02-13 yellow 55, 02-14 yellow 50, 03-14 red 30, 03-15 red 20: 30 days
  before is 02-13 (yellow 55), the last before the churn 03-14 (red 30);
- cases: an at-risk case (account A, and A as the customer's account) opened 03-01, a detractor case of
  A's customer opened 01-10, one opened 03-20 (after): 2 cases, newest first.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.models import Account, ChurnReason, ChurnRecord, HealthSnapshot
from closedloop.models import Case
from surveys.models import Response
from tests.closedloop.factories import CaseFactory
from tests.surveys.factories import CustomerFactory, SurveyFactory

SINCE, UNTIL = date(2026, 1, 1), date(2026, 6, 30)


def _record(account, kind, day, lost, reasons=(), competitor="", status="confirmed", note=""):
    record = ChurnRecord.objects.create(
        account=account,
        kind=kind,
        date=date.fromisoformat(day),
        mrr_lost=Decimal(lost),
        competitor=competitor,
        status=status,
        note=note,
    )
    record.reasons.set(ChurnReason.objects.filter(key__in=reasons))
    return record


def _answer(survey, at, score, comment="", account="", customer=None):
    return Response.objects.create(
        survey=survey,
        score=score,
        classification="detractor" if score <= 6 else "promoter",
        comment=comment,
        account=account,
        customer=customer,
        submitted_at=datetime.fromisoformat(at).replace(tzinfo=UTC),
    )


def _snapshot(account, day, score, band):
    return HealthSnapshot.objects.create(
        account=account,
        date=date.fromisoformat(day),
        health_score=score,
        health_band=band,
        computed_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
    )


@pytest.fixture(name="why")
def why_fixture(settings, django_user_model):
    """The worked example of the module's docstring: {name: object}."""
    settings.TIME_ZONE = "Asia/Shanghai"
    mei = django_user_model.objects.create(username="mei", first_name="Mei", last_name="Lin")
    li = django_user_model.objects.create(username="li")
    a = Account.objects.create(external_id="A", name="Acme", plan="pro", csm=mei, contract_start=date(2025, 1, 1))
    b = Account.objects.create(
        external_id="B", name="Birch 集团", plan="pro", csm=mei, contract_start=date(2025, 11, 1)
    )
    c = Account.objects.create(external_id="C", name="Cedar Ltd", plan="basic", contract_start=date(2026, 3, 1))
    d = Account.objects.create(external_id="D", name="Delta Co", plan="basic", csm=li, stage="renewal")
    e = Account.objects.create(external_id="E", plan="basic")
    f = Account.objects.create(external_id="F", plan="pro")
    g = Account.objects.create(external_id="G", plan="pro")
    made = {
        "A": _record(a, "churn", "2026-03-15", 1000, ("price", "competitor"), "Rival", note="Rival at half the price"),
        "B": _record(b, "downgrade", "2026-04-10", 200, ("price",)),
        "C": _record(c, "churn", "2026-05-20", 300),
        "D": _record(d, "churn", "2026-02-01", 500, ("support",), " rival "),
        "E": _record(e, "churn", "2026-03-03", 250, ("price",), status="proposed"),
        "F": _record(f, "churn", "2025-12-31", 400, ("price",)),
        "G": _record(g, "churn", "2026-02-02", 600, ("price",), status="dismissed"),
        "mei": mei,
        "li": li,
        "account": a,
    }
    survey, csat = SurveyFactory(kind="nps"), SurveyFactory(kind="csat")
    customer = CustomerFactory(external_id="a-user", account="A")
    made["answers"] = {
        "too_expensive": _answer(survey, "2026-01-10T02:00:00", 3, "Too expensive", account="A"),
        "no_comment": _answer(csat, "2026-02-20T02:00:00", 6, account="A"),
        "switching": _answer(survey, "2026-03-01T02:00:00", 2, "Switching to Rival", account="A"),
        "bye": _answer(survey, "2026-03-15T15:30:00", 1, "Bye", account="A"),
        "next_day": _answer(survey, "2026-03-15T16:30:00", 0, "Gone", account="A"),
        "customer": _answer(survey, "2026-03-10T02:00:00", 5, customer=customer),
        "elsewhere": _answer(survey, "2026-03-12T02:00:00", 4, "Not A's", account="B", customer=customer),
    }
    for day, score, band in (
        ("2026-02-01", 80, "green"),
        ("2026-02-13", 55, "yellow"),
        ("2026-02-14", 50, "yellow"),
        ("2026-03-14", 30, "red"),
        ("2026-03-15", 20, "red"),
    ):
        _snapshot(a, day, score, band)
    made["cases"] = {
        "risk": CaseFactory(
            account=a,
            customer_account="A",
            source="risk_red",
            source_id=a.pk,
            reason=Case.Reason.RISK_RED,
            opened_at=datetime(2026, 3, 1, 2, tzinfo=UTC),
            customer_id=None,
        ),
        "detractor": CaseFactory(customer_account="A", opened_at=datetime(2026, 1, 10, 3, tzinfo=UTC)),
        "after": CaseFactory(customer_account="A", opened_at=datetime(2026, 3, 20, 3, tzinfo=UTC)),
    }
    return made
