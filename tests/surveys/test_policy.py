"""The contact policy, without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from surveys.policy import CustomerFacts, PastInvitation, Reason, Rule, decide, sampled, sampling_period

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
RULE = Rule(survey_id=1, touchpoint_id=10, touchpoint_key="support-ticket", channel="email")
CUSTOMER = CustomerFacts(external_id="c-1", has_email=True)


def run(rule=RULE, customer=CUSTOMER, history=(), occurred_at=NOW):
    return decide(rule=rule, customer=customer, history=history, occurred_at=occurred_at, now=NOW)


def test_an_eligible_customer_is_invited_now_with_an_expiry():
    decision = run()
    assert (decision.invite, decision.reason) == (True, Reason.INVITED)
    assert decision.send_at == NOW
    assert decision.expires_at == NOW + timedelta(days=30)


def test_delay_counts_from_the_event():
    rule = Rule(
        survey_id=1, touchpoint_id=10, touchpoint_key="support-ticket", channel="email", delay=timedelta(hours=2)
    )
    assert run(rule=rule, occurred_at=NOW - timedelta(minutes=30)).send_at == NOW + timedelta(minutes=90)
    assert run(rule=rule, occurred_at=NOW - timedelta(hours=5)).send_at == NOW


@pytest.mark.parametrize(
    ("customer", "reason"),
    [
        (CustomerFacts("c", has_email=True, unsubscribed=True), Reason.UNSUBSCRIBED),
        (CustomerFacts("c", has_email=True, bounced=True), Reason.BOUNCED),
        (CustomerFacts("c", has_email=False), Reason.NO_EMAIL),
    ],
)
def test_suppressed_customers_are_not_asked(customer, reason):
    assert run(customer=customer).reason == reason


def test_no_email_is_fine_for_the_widget():
    rule = Rule(survey_id=1, touchpoint_id=10, touchpoint_key="in-app", channel="widget")
    assert run(rule=rule, customer=CustomerFacts("c", has_email=False)).invite


def test_no_rule_means_no_invitation():
    assert run(rule=None).reason == Reason.NO_RULE


def test_cooldown_spans_every_survey_and_touchpoint():
    other_touchpoint_last_week = [PastInvitation(touchpoint_id=99, created_at=NOW - timedelta(days=7))]
    assert run(history=other_touchpoint_last_week).reason == Reason.COOLDOWN
    long_ago = [PastInvitation(touchpoint_id=99, created_at=NOW - timedelta(days=31))]
    assert run(history=long_ago).invite


def test_recontact_window_is_per_touchpoint():
    same_touchpoint = [PastInvitation(touchpoint_id=10, created_at=NOW - timedelta(days=60))]
    assert run(history=same_touchpoint).reason == Reason.RECONTACT_WINDOW
    other = [PastInvitation(touchpoint_id=11, created_at=NOW - timedelta(days=60))]
    assert run(history=other).invite


def test_cap_per_90_days():
    three = [PastInvitation(touchpoint_id=20 + i, created_at=NOW - timedelta(days=35 + 10 * i)) for i in range(3)]
    assert run(history=three).reason == Reason.CAP_REACHED
    assert run(history=three[:2]).invite


def test_sampling_is_deterministic_per_customer_touchpoint_and_period():
    draws = [sampled(rate=0.3, external_id=f"c-{i}", touchpoint_key="tp", period=7) for i in range(4000)]
    assert 0.27 < sum(draws) / len(draws) < 0.33
    again = [sampled(rate=0.3, external_id=f"c-{i}", touchpoint_key="tp", period=7) for i in range(4000)]
    assert draws == again
    next_period = [sampled(rate=0.3, external_id=f"c-{i}", touchpoint_key="tp", period=8) for i in range(4000)]
    assert draws != next_period


def test_a_resent_event_in_the_same_period_gets_the_same_draw():
    rule = Rule(survey_id=1, touchpoint_id=10, touchpoint_key="tp", channel="email", sampling_rate=0.5)
    results = {run(rule=rule, customer=CustomerFacts(f"x-{i}", True)).reason for i in range(50)}
    assert results == {Reason.INVITED, Reason.NOT_SAMPLED}
    for i in range(50):
        customer = CustomerFacts(f"x-{i}", True)
        first = run(rule=rule, customer=customer, occurred_at=NOW)
        later = run(rule=rule, customer=customer, occurred_at=NOW + timedelta(hours=1))
        if sampling_period(NOW, days=30) == sampling_period(NOW + timedelta(hours=1), days=30):
            assert first.reason == later.reason
