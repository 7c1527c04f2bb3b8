"""accounts/scoring.py: fractions, renormalisation, bands, and points that add up exactly to the score."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.scoring import (
    LINEAR,
    SHARE,
    THRESHOLDS,
    Card,
    Measure,
    band_of,
    fraction_earned,
    largest_remainder,
    score,
)

OVERDUE = Measure("payment_overdue_days", "latest", bad=30, good=0, weight=10, scale=THRESHOLDS)
NPS = Measure("nps", "latest", bad=-50, good=50, weight=20)
USERS = Measure("active_users", "trend_30", bad=-30, good=10, weight=30)


def test_thresholds_rising_give_all_half_or_nothing():
    m = Measure("nps", "latest", bad=0, good=30, weight=10, scale=THRESHOLDS)
    assert [fraction_earned(m, v) for v in (-1, 0, 29.9, 30, 80)] == [0, 0.5, 0.5, 1, 1]


def test_thresholds_where_fewer_is_better():
    assert [fraction_earned(OVERDUE, v) for v in (0, 1, 30, 31)] == [1, 0.5, 0.5, 0]


def test_linear_is_clamped_both_ways_and_in_either_direction():
    assert [fraction_earned(NPS, v) for v in (-80, -50, 0, 50, 90)] == [0, 0, 0.5, 1, 1]
    falling = Measure("overdue_cases", "latest", bad=5, good=0, weight=1, scale=LINEAR)
    assert [fraction_earned(falling, v) for v in (0, 1, 5, 9)] == [1, 0.8, 0, 0]


def test_a_score_explains_each_measure_and_its_points_add_up():
    card = Card((OVERDUE, NPS, USERS), red_below=40, green_from=70)
    result = score(card, {OVERDUE.source: 0, NPS.source: 0, USERS.source: -10})
    # 10/60 * 1 + 20/60 * 0.5 + 30/60 * 0.5 = 58.33 -> 58
    assert result.score == 58
    assert result.band == "yellow"
    assert result.measures == [
        {"key": "payment_overdue_days", "window": "latest", "value": 0.0, "weight": 17, "points": 17},
        {"key": "nps", "window": "latest", "value": 0.0, "weight": 33, "points": 16},
        {"key": "active_users", "window": "trend_30", "value": -10.0, "weight": 50, "points": 25},
    ]
    assert sum(m["points"] for m in result.measures) == result.score
    assert sum(m["weight"] for m in result.measures) == 100


def test_a_measure_without_data_is_left_out_and_the_weights_renormalised():
    card = Card((OVERDUE, NPS))
    result = score(card, {OVERDUE.source: 0, NPS.source: None})
    assert result.score == 100
    assert result.band == "green"
    assert result.measures[1] == {
        "key": "nps",
        "window": "latest",
        "value": None,
        "weight": 0,
        "points": 0,
        "missing": True,
    }
    assert result.measures[0]["weight"] == 100


def test_a_non_finite_value_counts_as_missing():
    result = score(Card((OVERDUE, NPS)), {OVERDUE.source: math.nan, NPS.source: math.inf})
    assert result.score is None
    assert all(m["missing"] for m in result.measures)


def test_without_any_data_there_is_no_score_and_no_band():
    result = score(Card((OVERDUE, NPS)), {})
    assert (result.score, result.band) == (None, "")
    assert [m["missing"] for m in result.measures] == [True, True]


def test_a_share_names_the_signal_it_is_taken_over():
    seats = Measure("active_users", SHARE, per_key="seats", bad=0.3, good=0.8, weight=10)
    assert seats.source == ("active_users", "share", "seats")
    result = score(Card((seats,)), {seats.source: 0.55})
    assert result.score == 50
    assert result.measures[0]["per_key"] == "seats"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"window": "median"},
        {"scale": "steps"},
        {"bad": 1, "good": 1},
        {"weight": -1},
        {"window": SHARE},
        {"per_key": "seats"},
    ],
)
def test_a_measure_refuses_what_cannot_be_scored(kwargs):
    base = {"key": "nps", "window": "latest", "bad": 0, "good": 50, "weight": 10}
    with pytest.raises(ValueError):
        Measure(**{**base, **kwargs})


def test_bands_are_ordered_and_inclusive_at_green():
    with pytest.raises(ValueError):
        Card((), red_below=80, green_from=70)
    assert [band_of(s, red_below=40, green_from=70) for s in (None, 0, 39, 40, 69, 70, 100)] == [
        "",
        "red",
        "red",
        "yellow",
        "yellow",
        "green",
        "green",
    ]


def test_largest_remainder_rounds_the_biggest_remainders_up():
    assert largest_remainder([10 / 3] * 3, 10) == [4, 3, 3]
    assert largest_remainder([0.5, 0.75], 1) == [0, 1]
    assert largest_remainder([0.0, 2.0], 2) == [0, 2]
    with pytest.raises(ValueError):
        largest_remainder([0.5], 3)


# --- properties -------------------------------------------------------------------------------------

_KEYS = ("active_users", "logins", "features_used", "mrr", "nps", "open_cases")
_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def _cards(draw):
    keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=len(_KEYS), unique=True))
    measures = []
    for key in keys:
        bad = draw(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
        good = draw(st.floats(min_value=-1000, max_value=1000, allow_nan=False).filter(lambda g, b=bad: g != b))
        scale = draw(st.sampled_from((LINEAR, THRESHOLDS)))
        measures.append(Measure(key, "latest", bad=bad, good=good, weight=draw(st.integers(1, 100)), scale=scale))
    red = draw(st.integers(0, 100))
    return Card(tuple(measures), red_below=red, green_from=draw(st.integers(red, 100)))


@st.composite
def _values_for(draw, card):
    return {m.source: draw(st.one_of(st.none(), _values)) for m in card.measures}


@given(st.data())
def test_the_points_always_add_up_to_the_score(data):
    card = data.draw(_cards())
    values = data.draw(_values_for(card))
    result = score(card, values)
    if result.score is None:
        assert all(v is None for v in values.values())
        assert result.band == ""
        return
    assert 0 <= result.score <= 100
    assert sum(m["points"] for m in result.measures) == result.score
    assert sum(m["weight"] for m in result.measures) == 100
    for m in result.measures:
        assert 0 <= m["points"] <= m["weight"] + 1
        assert m.get("missing", False) == (values[(m["key"], "latest", "")] is None)
    assert result.band == band_of(result.score, red_below=card.red_below, green_from=card.green_from)


@given(st.data())
def test_a_better_value_never_lowers_the_score(data):
    card = data.draw(_cards())
    values = data.draw(_values_for(card))
    measure = data.draw(st.sampled_from(card.measures))
    worse, better = sorted(data.draw(st.lists(_values, min_size=2, max_size=2)))
    if measure.good < measure.bad:
        worse, better = better, worse
    low = score(card, {**values, measure.source: worse}).score
    high = score(card, {**values, measure.source: better}).score
    assert low is not None
    assert high is not None
    assert low <= high
