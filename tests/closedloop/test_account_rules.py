"""closedloop/account_rules.py: which reasons hold for an account's facts, without a database."""

from datetime import date
from decimal import Decimal

import pytest

from closedloop import account_rules as ar

TODAY = date(2026, 12, 7)
RULES = dict(ar.DEFAULT_RULES)


def facts(**changes) -> ar.Facts:
    base = {"band": "green", "band_before": "green", "health_score": 80, "today": TODAY}
    return ar.Facts(**{**base, **changes})


def reasons(found: list[ar.Risk]) -> list[str]:
    return [risk.reason for risk in found]


def test_a_healthy_account_is_not_at_risk():
    assert ar.risks(facts(usage={"logins": (100.0, 95.0)}, payment_overdue_days=0), RULES) == []


@pytest.mark.parametrize(
    ("before", "now", "holds"),
    [
        ("yellow", "red", True),
        ("green", "red", True),
        ("", "red", True),
        ("red", "red", False),
        ("red", "yellow", False),
    ],
)
def test_health_falling_to_red_holds_on_the_fall_only(before, now, holds):
    found = ar.risks(facts(band=now, band_before=before, health_score=31), RULES)
    assert (ar.RED in reasons(found)) is holds
    if holds:
        risk = next(r for r in found if r.reason == ar.RED)
        assert risk.params == {"score": 31, "band": before or "none"}
        assert risk.priority == 2


def test_usage_down_thirty_percent_holds_and_names_the_signal_that_fell_most():
    found = ar.risks(facts(usage={"active_users": (100.0, 75.0), "logins": (200.0, 120.0)}), RULES)
    assert reasons(found) == [ar.USAGE]
    assert found[0].params == {"key": "logins", "percent": 40, "before": 200.0, "after": 120.0}


@pytest.mark.parametrize(
    ("usage", "holds"),
    [
        ({"logins": (100.0, 70.0)}, True),  # exactly 30 %
        ({"logins": (100.0, 70.1)}, False),
        ({"logins": (0.0, 0.0)}, False),  # nothing to fall from
        ({"logins": (None, 10.0)}, False),  # no data before
        ({"active_users": (50.0, None)}, True),  # used, then nothing sent for 30 days: the quietest fall
        ({}, False),
    ],
)
def test_usage_fall_thresholds(usage, holds):
    assert (ar.USAGE in reasons(ar.risks(facts(usage=usage), RULES))) is holds


@pytest.mark.parametrize(("days", "holds"), [(29.0, False), (30.0, True), (45.0, True), (None, False)])
def test_payment_overdue_from_thirty_days(days, holds):
    assert (ar.PAYMENT in reasons(ar.risks(facts(payment_overdue_days=days), RULES))) is holds


@pytest.mark.parametrize(
    ("renewal", "band", "holds"),
    [
        (date(2027, 3, 7), "yellow", True),  # 90 days
        (date(2027, 3, 8), "yellow", False),  # 91 days
        (date(2026, 12, 7), "red", True),  # today
        (date(2026, 12, 6), "red", False),  # passed
        (date(2027, 1, 7), "green", False),
        (date(2027, 1, 7), "", False),  # no score yet: not known to be unhealthy
        (None, "red", False),
    ],
)
def test_renewal_within_ninety_days_while_not_green(renewal, band, holds):
    found = ar.risks(facts(band=band, band_before=band, renewal_date=renewal), RULES)
    assert (ar.RENEWAL in reasons(found)) is holds


def test_rules_are_configurable_per_reason():
    rules = {
        **RULES,
        ar.USAGE: ar.Rule(threshold=50, priority=1),
        ar.PAYMENT: ar.Rule(enabled=False, threshold=30),
        ar.RENEWAL: ar.Rule(threshold=30, priority=4),
    }
    account = facts(
        band="yellow", usage={"logins": (100.0, 60.0)}, payment_overdue_days=90, renewal_date=date(2027, 1, 1)
    )
    assert reasons(ar.risks(account, rules)) == [ar.RENEWAL]
    assert ar.risks(account, rules)[0].priority == 4
    rules[ar.USAGE] = ar.Rule(threshold=40, priority=1)
    assert [(r.reason, r.priority) for r in ar.risks(account, rules)] == [(ar.USAGE, 1), (ar.RENEWAL, 4)]


def test_a_missing_rule_has_the_shipped_default():
    assert reasons(ar.risks(facts(payment_overdue_days=31), {})) == [ar.PAYMENT]


@pytest.mark.parametrize(
    ("mrr", "holds"), [(Decimal("5000"), True), (Decimal("4999.99"), False), (Decimal("20000"), True), (None, False)]
)
def test_a_detractor_puts_an_account_at_risk_from_the_mrr_threshold(mrr, holds):
    risk = ar.detractor_risk(mrr=mrr, rule=RULES[ar.DETRACTOR], case_id=17, score=2)
    assert (risk is not None) is holds
    if holds:
        assert risk.params == {"case": 17, "score": 2, "mrr": str(mrr)}


def test_a_disabled_detractor_rule_opens_nothing():
    rule = ar.Rule(enabled=False, threshold=0)
    assert ar.detractor_risk(mrr=Decimal(10**6), rule=rule, case_id=1, score=0) is None


@pytest.mark.parametrize(
    ("reason", "threshold", "error"),
    [
        (ar.RED, None, None),
        (ar.USAGE, None, "required"),
        (ar.USAGE, 0, "percent"),
        (ar.USAGE, 101, "percent"),
        (ar.USAGE, 30, None),
        (ar.PAYMENT, -1, "negative"),
        (ar.DETRACTOR, 0, None),
    ],
)
def test_threshold_errors(reason, threshold, error):
    assert ar.threshold_error(reason, threshold) == error
