"""The closed loop's rules: which answers open a case, how urgent, and which moves a case may make."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from closedloop import rules
from closedloop.rules import Decision, Thresholds, Trigger

DEFAULTS = Thresholds()


@pytest.mark.parametrize(
    ("kind", "score", "classification", "expected"),
    [
        ("nps", 0, "detractor", Decision("detractor", 2)),
        ("nps", 3, "detractor", Decision("detractor", 2)),
        ("nps", 4, "detractor", Decision("detractor", 3)),
        ("nps", 6, "detractor", Decision("detractor", 3)),
        ("nps", 7, "passive", None),
        ("nps", 10, "promoter", None),
        ("ces", 1, "hard", Decision("high_effort", 2)),
        ("ces", 3, "hard", Decision("high_effort", 3)),
        ("ces", 4, "neutral", None),
        ("csat", 1, "dissatisfied", Decision("dissatisfied", 2)),
        ("csat", 2, "dissatisfied", Decision("dissatisfied", 3)),
        ("csat", 3, "neutral", None),
    ],
)
def test_low_scores_open_a_case_without_a_comment(kind, score, classification, expected):
    assert rules.decide(Trigger(kind, score, classification, polarity=None), DEFAULTS) == expected


@pytest.mark.parametrize(
    ("score", "classification", "polarity", "expected"),
    [
        (7, "passive", -0.3, Decision("negative_passive", 4)),
        (8, "passive", -0.95, Decision("negative_passive", 4)),  # stays below a detractor's case
        (8, "passive", -0.29, None),  # not clearly negative
        (8, "passive", None, None),  # no comment
        (9, "promoter", -0.9, None),  # a promoter's grumble opens nothing
    ],
)
def test_a_passive_with_a_clearly_negative_comment_opens_a_lower_priority_case(
    score, classification, polarity, expected
):
    assert rules.decide(Trigger("nps", score, classification, polarity), DEFAULTS) == expected


def test_the_angry_the_valuable_and_the_repeat_detractor_are_more_urgent():
    base = Trigger("nps", 5, "detractor", polarity=-0.2)
    assert rules.decide(base, DEFAULTS).priority == 3
    angry = Trigger("nps", 5, "detractor", polarity=-0.8)
    assert rules.decide(angry, DEFAULTS).priority == 2
    valuable = Trigger("nps", 5, "detractor", polarity=-0.8, customer_value=Decimal(25000))
    assert rules.decide(valuable, DEFAULTS).priority == 1
    everything = Trigger("nps", 0, "detractor", -0.9, Decimal(25000), detractor_recently=True)
    assert rules.decide(everything, DEFAULTS).priority == 1  # never above P1
    repeat_passive = Trigger("nps", 7, "passive", -0.4, detractor_recently=True)
    assert rules.decide(repeat_passive, DEFAULTS).priority == 3


def test_thresholds_are_per_survey_and_a_survey_can_be_switched_off():
    strict = Thresholds(nps_detractor_max=4, negative_polarity=-0.5)
    assert rules.decide(Trigger("nps", 5, "detractor", None), strict) is None
    assert rules.decide(Trigger("nps", 2, "detractor", None), strict) == Decision("detractor", 2)
    assert rules.decide(Trigger("nps", 8, "passive", -0.4), strict) is None
    assert rules.decide(Trigger("nps", 0, "detractor", -1.0), Thresholds(enabled=False)) is None
    assert rules.decide(Trigger("nps", None, "", -1.0), DEFAULTS) is None


def test_sla_due_times_and_states():
    opened = datetime(2026, 11, 2, 9, tzinfo=UTC)
    assert rules.due_at(opened, 1, rules.DEFAULT_SLA_HOURS) == opened + timedelta(hours=24)
    assert rules.due_at(opened, 4, {4: 10}) == opened + timedelta(hours=10)
    due = opened + timedelta(hours=100)
    assert rules.sla_state(opened_at=opened, due_at=due, now=opened + timedelta(hours=79)) == "on_track"
    assert rules.sla_state(opened_at=opened, due_at=due, now=opened + timedelta(hours=80)) == "at_risk"
    assert rules.sla_state(opened_at=opened, due_at=due, now=due) == "overdue"
    assert [rules.escalated_priority(p) for p in (1, 2, 3, 4)] == [1, 1, 2, 3]


@pytest.mark.parametrize(
    ("current", "target", "facts", "error"),
    [
        ("new", "assigned", {"has_owner": True}, None),
        ("new", "assigned", {}, "An assigned case needs an owner."),
        ("assigned", "contacted", {}, None),
        ("contacted", "resolved", {"has_root_cause": True, "has_resolution": True}, None),
        ("contacted", "resolved", {"has_resolution": True}, "Choose a root cause before resolving the case."),
        ("contacted", "resolved", {"has_root_cause": True}, "Describe the resolution before resolving the case."),
        ("contacted", "closed", {}, "Only a resolved case can be closed; resolve it first."),
        ("resolved", "closed", {}, None),
        ("closed", "assigned", {"has_owner": True}, None),  # reopen
        ("closed", "new", {}, "A closed case cannot become new."),
    ],
)
def test_transitions(current, target, facts, error):
    given = {"has_owner": False, "has_root_cause": False, "has_resolution": False, **facts}
    assert rules.transition_error(current=current, target=target, **given) == error


def test_percentile_interpolates_as_percentile_cont():
    assert rules.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert rules.percentile([10], 0.9) == 10
    assert rules.percentile([0, 10], 0.9) == pytest.approx(9.0)
    assert rules.percentile([], 0.5) is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        rules.percentile([1], 1.5)


@pytest.mark.parametrize(
    ("label", "polarity", "confidence", "opens"),
    [
        ("neg", -0.5, 0.6, True),  # at the threshold
        ("neg", -0.5, 0.59, False),  # just below: not sure enough
        ("neg", -0.1, 0.9, True),  # labelled negative, whatever the polarity
        ("neu", -0.32, 0.62, False),  # neutral at 0.62: P(negative) = (1 - 0.62 + 0.32) / 2 = 0.35
        ("pos", 0.1, 0.45, False),  # P(negative) = 0.45 - 0.1 = 0.35
        ("neu", -0.29, 0.9, False),  # neither labelled nor leaning negative enough
        ("pos", 0.6, 0.9, False),
        ("neg", -0.9, 0.4, False),  # a low-confidence negative: no case on sentiment alone
        ("neg", 0.2, 1.0, True),  # staff corrected it to negative: certain
        ("pos", -0.8, 1.0, False),  # staff corrected it to positive: the polarity no longer counts
        ("neu", -0.8, 1.0, False),
        ("neg", -0.3, None, True),  # analysed before confidences: (1 + 0.3) / 2 = 0.65
        ("neg", -0.1, None, False),  # (1 + 0.1) / 2 = 0.55 < 0.6
        ("", None, None, False),  # no comment
    ],
)
def test_a_passive_opens_a_case_on_its_comment_only_when_the_analysis_is_sure_enough(
    label, polarity, confidence, opens
):
    trigger = Trigger("nps", 8, "passive", polarity, label=label, confidence=confidence)
    expected = Decision("negative_passive", 4) if opens else None
    assert rules.decide(trigger, DEFAULTS) == expected


def test_the_confidence_a_passive_needs_is_the_rules_and_a_low_score_needs_none():
    unsure = Trigger("nps", 8, "passive", -0.5, label="neg", confidence=0.5)
    assert rules.decide(unsure, Thresholds(min_confidence=0.5)) == Decision("negative_passive", 4)
    assert rules.decide(unsure, Thresholds(min_confidence=0.51)) is None
    detractor = Trigger("nps", 3, "detractor", -0.5, label="neg", confidence=0.34)
    assert rules.decide(detractor, DEFAULTS) == Decision("detractor", 2)
