"""Which answers open a case, and how urgent it is: pure functions, no ORM.

An answer opens a case when its score is at or below the survey's threshold (NPS detractor 0–6,
CES 1–3 of 7, CSAT 1–2 of 5 by default), or when a middling answer (NPS passive, CES or CSAT
neutral) comes with a comment the analysis is sure enough is negative (P(negative) at least
`min_confidence`; a label staff corrected is certain and decides alone). Priority starts from
how low the score is in the triggering range and rises one step each for a very negative comment
(on a low score: a negative passive is there for its comment already), a high-value customer,
and a customer who was a detractor in the last 90 days.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

REASONS = {"nps": "detractor", "ces": "high_effort", "csat": "dissatisfied"}
NEGATIVE_PASSIVE = "negative_passive"
SCALE_LOW = {"nps": 0, "ces": 1, "csat": 1}
MIDDLING = frozenset({"passive", "neutral"})
VERY_NEGATIVE = -0.6  # a comment this negative raises the priority by one
REPEAT_WINDOW = timedelta(days=90)
AT_RISK_SHARE = 0.2  # an open case with at most this share of its time left is at risk
HIGHEST, LOWEST = 1, 4

DEFAULT_SLA_HOURS = {1: 24, 2: 48, 3: 72, 4: 120}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A survey's case rule, as configured (defaults as the product ships)."""

    enabled: bool = True
    nps_detractor_max: int = 6
    ces_hard_max: int = 3
    csat_dissatisfied_max: int = 2
    negative_polarity: float = -0.3
    min_confidence: float = 0.6  # a passive's negative comment opens a case only when the analysis is this sure
    high_value: Decimal = Decimal(10000)

    def max_for(self, kind: str) -> int | None:
        return {"nps": self.nps_detractor_max, "ces": self.ces_hard_max, "csat": self.csat_dissatisfied_max}.get(kind)


@dataclass(frozen=True, slots=True)
class Trigger:
    """What the rules read of one answer."""

    survey_kind: str
    score: int | None
    classification: str
    polarity: float | None  # None: no comment, or not analysed
    customer_value: Decimal | None = None
    detractor_recently: bool = False  # the customer was a detractor in the last 90 days
    label: str = ""  # pos, neu, neg: staff's correction when there is one; "" without an analysed comment
    confidence: float | None = None  # the probability of `label`; 1.0 for staff's correction; None: not known


@dataclass(frozen=True, slots=True)
class Decision:
    reason: str
    priority: int


def decide(trigger: Trigger, thresholds: Thresholds) -> Decision | None:
    """The case this answer calls for, or None."""
    if not thresholds.enabled or trigger.score is None:
        return None
    threshold = thresholds.max_for(trigger.survey_kind)
    if threshold is None:
        return None
    if trigger.score <= threshold:
        low = SCALE_LOW[trigger.survey_kind]
        severe = (trigger.score - low) / (threshold - low + 1) < 0.5
        reason, priority = REASONS[trigger.survey_kind], 2 if severe else 3
    elif trigger.classification in MIDDLING and negative_comment(trigger, thresholds):
        reason, priority = NEGATIVE_PASSIVE, LOWEST
    else:
        return None
    raises = sum(
        (
            # a negative passive is there for its comment already: only a low score's comment raises it
            reason != NEGATIVE_PASSIVE and trigger.polarity is not None and trigger.polarity <= VERY_NEGATIVE,
            trigger.customer_value is not None and trigger.customer_value >= thresholds.high_value,
            trigger.detractor_recently,
        )
    )
    return Decision(reason=reason, priority=max(HIGHEST, priority - raises))


def negative_comment(trigger: Trigger, thresholds: Thresholds) -> bool:
    """Whether the answer's comment reads negative surely enough to open a case on its own.

    The analysis' probability that the comment is negative must be at least `min_confidence`. It is
    recovered from what is stored: the label's probability (`confidence`) and P(pos) − P(neg)
    (`polarity`). A certain label (confidence 1: staff's correction) decides alone. A comment
    analysed before confidences were stored has the binary polarity 2·P(pos) − 1 of then, and
    counts, as it did, when that polarity is at or below the rule's.
    """
    confidence, polarity = trigger.confidence, trigger.polarity
    if polarity is None:
        return trigger.label == "neg" and confidence is not None and confidence >= 1.0
    if confidence is None:
        return polarity <= thresholds.negative_polarity and (1 - polarity) / 2 >= thresholds.min_confidence
    if confidence >= 1.0:
        return trigger.label == "neg"
    return probability_negative(trigger.label, polarity, confidence) >= thresholds.min_confidence


def probability_negative(label: str, polarity: float, confidence: float) -> float:
    """P(negative) from the label, its probability and P(pos) − P(neg) (the three sum to 1)."""
    if label == "neg":
        return confidence
    if label == "pos":
        return max(0.0, confidence - polarity)
    return max(0.0, (1 - confidence - polarity) / 2)


def due_at(opened_at: datetime, priority: int, sla_hours: dict[int, int]) -> datetime:
    """When a case of this priority, opened then, must be resolved."""
    return opened_at + timedelta(hours=sla_hours.get(priority, DEFAULT_SLA_HOURS[priority]))


def sla_state(*, opened_at: datetime, due_at: datetime, now: datetime, at_risk_share: float = AT_RISK_SHARE) -> str:
    """on_track, at_risk (at most `at_risk_share` of the time left) or overdue, for an open case."""
    if now >= due_at:
        return "overdue"
    if due_at - now <= (due_at - opened_at) * at_risk_share:
        return "at_risk"
    return "on_track"


def escalated_priority(priority: int) -> int:
    """One step more urgent (P1 stays P1)."""
    return max(HIGHEST, priority - 1)


# Which status may follow which, and what a move needs; the services check these.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "contacted", "resolved"}),
    "assigned": frozenset({"new", "contacted", "resolved"}),
    "contacted": frozenset({"resolved", "assigned"}),
    "resolved": frozenset({"closed", "assigned", "contacted"}),  # reopen: back to work
    "closed": frozenset({"assigned"}),  # reopen
}


def transition_error(
    *, current: str, target: str, has_owner: bool, has_root_cause: bool, has_resolution: bool
) -> str | None:
    """Why a case may not move from `current` to `target`, or None when it may."""
    if current == target:
        return None
    if target not in TRANSITIONS.get(current, frozenset()):
        if target == "closed":
            return "Only a resolved case can be closed; resolve it first."
        return f"A {current} case cannot become {target}."
    if target == "assigned" and not has_owner:
        return "An assigned case needs an owner."
    if target == "resolved" and not has_root_cause:
        return "Choose a root cause before resolving the case."
    if target == "resolved" and not has_resolution:
        return "Describe the resolution before resolving the case."
    return None


# --- Advocates ------------------------------------------------------------------------------------

# Referral codes: no 0/O, 1/I/l, so that a code read aloud or off paper is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
ADVOCATE_LIVE = ("candidate", "invited", "active")  # retired by a later detractor answer


def referral_code_normal(code: str) -> str | None:
    """The code as stored (upper case, no spaces or dashes), or None when it cannot be one of ours."""
    normal = code.strip().replace("-", "").replace(" ", "").upper()
    if len(normal) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in normal):
        return None
    return normal


def advocate_status_after(*, status: str, promoter: bool, consented: bool, newer: bool) -> str | None:
    """The advocate's status after an NPS answer, or None to leave it as it is.

    `newer`: the answer is later than the last one the advocate holds (a redelivered or older
    answer changes nothing). A consented promoter answer brings back an advocate retired by a
    detractor answer; one who declined stays declined, and one who opted out stays out (an
    unsubscribe is not undone by an answer). A detractor answer retires a live advocate.
    """
    if not newer:
        return None
    if promoter and consented and status == "inactive":
        return "candidate"
    if not promoter and status in ADVOCATE_LIVE:
        return "inactive"
    return None


# Where marketing may move an advocate by hand. An opt-out (unsubscribe, withdrawn consent) is
# final and comes from anywhere; "inactive" comes only from a later detractor answer.
ADVOCATE_MOVES: dict[str, frozenset[str]] = {
    "candidate": frozenset({"invited", "active", "declined"}),
    "invited": frozenset({"active", "declined"}),
    "active": frozenset({"declined"}),
    "declined": frozenset(),
    "inactive": frozenset(),
    "opted_out": frozenset(),
}
ADVOCATE_MOVE_TARGETS = frozenset().union(*ADVOCATE_MOVES.values())


def advocate_move_error(*, current: str, target: str) -> str | None:
    """Why an advocate may not be moved by hand from `current` to `target`, or None when it may."""
    if target not in ADVOCATE_MOVE_TARGETS:
        return f"'{target}' is not a status an advocate can be moved to by hand."
    if target not in ADVOCATE_MOVES.get(current, frozenset()):
        return f"An advocate who is {current} cannot become {target}."
    return None


def ratio(part: float | int | Decimal, whole: float | int | Decimal) -> float | None:
    """part / whole, or None when there is nothing to divide by (a rate of nothing is not 0)."""
    return float(part) / float(whole) if whole else None


def k_factor(*, referred_customers: int, existing_customers: int) -> float | None:
    """The viral coefficient over a period: new customers won through referrals per existing customer.

    K = customers converted through a referral in the period / customers there were when it began
    (K ≥ 1 is self-sustaining growth). None without existing customers.
    """
    return ratio(referred_customers, existing_customers)


def referral_roi(*, revenue: Decimal, conversions: int, reward_cost: Decimal) -> float | None:
    """Return on the referral rewards: (revenue − cost) / cost, the cost being one reward per conversion.

    None when nothing was spent (no reward cost configured, or no conversion yet).
    """
    cost = reward_cost * conversions
    return float((revenue - cost) / cost) if cost > 0 else None


def percentile(values: list[float], q: float) -> float | None:
    """The q-th quantile (0..1) of values with linear interpolation, as PostgreSQL's percentile_cont."""
    if not 0 <= q <= 1:
        raise ValueError(f"q must be between 0 and 1, got {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# How old open cases are, in days: [low, high) per bucket; the last has no upper bound.
CASE_AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_1_day", 0, 1),
    ("1_to_3_days", 1, 3),
    ("3_to_7_days", 3, 7),
    ("7_to_30_days", 7, 30),
    ("over_30_days", 30, None),
)
