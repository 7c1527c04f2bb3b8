"""Tests for surveys.scoring against hand-worked numbers."""

import dataclasses

import pytest

from surveys import scoring
from surveys.scoring import (
    SCALES,
    CesEstimate,
    Classification,
    ScoreEstimate,
    SurveyKind,
    ces,
    class_counts,
    classify,
    csat,
    nps,
    proportion,
    scale_for,
    score_in_scale,
    summarize,
)

EMPTY = ScoreEstimate(value=None, margin=None, low=None, high=None, n=0)


def approx(value: float) -> object:
    return pytest.approx(value, abs=0.01)


# --- scales -----------------------------------------------------------------


def test_scales():
    assert SCALES == {
        SurveyKind.NPS: (0, 10),
        SurveyKind.CSAT: (1, 5),
        SurveyKind.CES: (1, 7),
    }


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (SurveyKind.NPS, (0, 10)),
        ("nps", (0, 10)),
        (SurveyKind.CSAT, (1, 5)),
        ("csat", (1, 5)),
        (SurveyKind.CES, (1, 7)),
        ("ces", (1, 7)),
    ],
)
def test_scale_for_accepts_enum_and_string(kind, expected):
    assert scale_for(kind) == expected


@pytest.mark.parametrize("kind", ["NPS", "csi", "", "promoter"])
def test_scale_for_unknown_kind_raises(kind):
    with pytest.raises(ValueError, match="unknown survey kind"):
        scale_for(kind)


@pytest.mark.parametrize(
    ("kind", "score", "expected"),
    [
        ("nps", 0, True),
        ("nps", 10, True),
        ("nps", -1, False),
        ("nps", 11, False),
        ("csat", 0, False),
        ("csat", 1, True),
        ("csat", 5, True),
        ("csat", 6, False),
        ("ces", 0, False),
        ("ces", 1, True),
        ("ces", 7, True),
        ("ces", 8, False),
        ("nps", True, False),
        ("csat", True, False),
        ("nps", 9.0, False),
    ],
)
def test_score_in_scale(kind, score, expected):
    assert score_in_scale(kind, score) is expected


# --- classification -----------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, Classification.DETRACTOR),
        (6, Classification.DETRACTOR),
        (7, Classification.PASSIVE),
        (8, Classification.PASSIVE),
        (9, Classification.PROMOTER),
        (10, Classification.PROMOTER),
    ],
)
def test_classify_nps_boundaries(score, expected):
    assert classify("nps", score) is expected
    assert classify(SurveyKind.NPS, score) is expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1, Classification.DISSATISFIED),
        (2, Classification.DISSATISFIED),
        (3, Classification.NEUTRAL),
        (4, Classification.SATISFIED),
        (5, Classification.SATISFIED),
    ],
)
def test_classify_csat_boundaries(score, expected):
    assert classify("csat", score) is expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1, Classification.HARD),
        (3, Classification.HARD),
        (4, Classification.NEUTRAL),
        (5, Classification.EASY),
        (7, Classification.EASY),
    ],
)
def test_classify_ces_boundaries(score, expected):
    assert classify("ces", score) is expected


def test_classification_values_are_strings():
    assert Classification.PROMOTER == "promoter"
    assert Classification.DISSATISFIED.value == "dissatisfied"
    assert SurveyKind.CES == "ces"


@pytest.mark.parametrize(
    ("kind", "score", "scale"),
    [
        ("nps", -1, "0 to 10"),
        ("nps", 11, "0 to 10"),
        ("csat", 0, "1 to 5"),
        ("csat", 6, "1 to 5"),
        ("ces", 0, "1 to 7"),
        ("ces", 8, "1 to 7"),
    ],
)
def test_classify_out_of_scale_raises_naming_kind_and_scale(kind, score, scale):
    with pytest.raises(ValueError, match=rf"{kind}.*{scale}"):
        classify(kind, score)


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
@pytest.mark.parametrize("score", [True, False])
def test_classify_bool_raises(kind, score):
    with pytest.raises(ValueError, match=kind):
        classify(kind, score)


def test_classify_non_integer_raises():
    with pytest.raises(ValueError):
        classify("nps", 9.5)


def test_classify_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown survey kind"):
        classify("sus", 3)


# --- NPS ------------------------------------------------------------------


def test_nps_no_answers():
    assert nps(promoters=0, passives=0, detractors=0) == EMPTY


def test_nps_all_detractors():
    # n' = 13, p' = 0.75/13, d' = 10.75/13, c = -0.76923, var = 0.29290,
    # margin = 196 * sqrt(0.29290 / 13) = 29.42; bounds -106.34 (clamped) .. -47.50.
    result = nps(promoters=0, passives=0, detractors=10)
    assert result.n == 10
    assert result.value == approx(-100.0)
    assert result.margin == approx(29.42)
    assert result.margin > 0
    assert result.low == -100.0
    assert result.high == approx(-47.50)
    assert result.high > -100.0


def test_nps_single_promoter():
    # n' = 4, p' = 0.4375, d' = 0.1875, c = 0.25, var = 0.5625,
    # margin = 196 * sqrt(0.5625 / 4) = 196 * 0.375 = 73.5.
    result = nps(promoters=1, passives=0, detractors=0)
    assert result.n == 1
    assert result.value == approx(100.0)
    assert result.margin == approx(73.5)
    assert result.low == approx(-48.5)
    assert result.high == approx(98.5)
    assert result.low < result.high


def test_nps_single_detractor_is_mirror_of_single_promoter():
    result = nps(promoters=0, passives=0, detractors=1)
    assert result.value == approx(-100.0)
    assert result.margin == approx(73.5)
    assert result.low == approx(-98.5)
    assert result.high == approx(48.5)


def test_nps_typical():
    # n = 100, n' = 103, p' = 50.75/103 = 0.49272, d' = 20.75/103 = 0.20146,
    # c = 0.29126, var = 0.69417 - 0.08483 = 0.60934,
    # margin = 196 * sqrt(0.60934 / 103) = 15.08; bounds 29.13 -/+ 15.08.
    result = nps(promoters=50, passives=30, detractors=20)
    assert result.n == 100
    assert result.value == approx(30.0)
    assert result.margin == approx(15.08)
    assert result.low == approx(14.05)
    assert result.high == approx(44.20)


def test_nps_small_mixed_sample():
    # n = 5, n' = 8, p' = 3.75/8, d' = 1.75/8, c = 0.25, var = 0.6875 - 0.0625 = 0.625,
    # margin = 196 * sqrt(0.625 / 8) = 54.78.
    result = nps(promoters=3, passives=1, detractors=1)
    assert result.value == approx(40.0)
    assert result.margin == approx(54.78)
    assert result.low == approx(-29.78)
    assert result.high == approx(79.78)


@pytest.mark.parametrize(
    "counts",
    [
        {"promoters": -1, "passives": 0, "detractors": 0},
        {"promoters": 0, "passives": -1, "detractors": 0},
        {"promoters": 5, "passives": 0, "detractors": -1},
    ],
)
def test_nps_negative_counts_raise(counts):
    with pytest.raises(ValueError):
        nps(**counts)


def test_nps_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        nps(1, 2, 3)


def test_score_estimate_is_frozen():
    result = nps(promoters=1, passives=0, detractors=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 0.0


# --- proportions and CSAT ------------------------------------------------------


def test_csat_wilson_known_case():
    # p = 0.8, z^2 = 3.84146: centre = 0.81921 / 1.03841 = 0.78891,
    # half = 1.959964 * sqrt(0.0016 + 0.000096) / 1.03841 = 0.07773.
    result = csat(satisfied=80, n=100)
    assert result.n == 100
    assert result.value == approx(80.0)
    assert result.low == approx(71.12)
    assert result.high == approx(86.66)
    assert result.margin == approx(7.77)


def test_csat_no_answers():
    assert csat(satisfied=0, n=0) == EMPTY


def test_proportion_all_hits():
    # 4 of 4: centre = (1 + z^2/8) / (1 + z^2/4) = 0.75506, half = 0.24495;
    # the upper bound is exactly 100.
    result = proportion(hits=4, n=4)
    assert result.value == approx(100.0)
    assert result.low == approx(51.01)
    assert result.high == approx(100.0)
    assert result.high <= 100.0
    assert result.margin == approx(24.49)


def test_proportion_no_hits():
    # 0 of 10: lower bound exactly 0, upper bound z^2 / (n + z^2) = 27.75.
    result = proportion(hits=0, n=10)
    assert result.value == approx(0.0)
    assert result.low == approx(0.0)
    assert result.low >= 0.0
    assert result.high == approx(27.75)
    assert result.margin == approx(13.88)


def test_proportion_single_hit_is_not_degenerate():
    # 1 of 1: lower bound 1 / (1 + z^2) = 20.65.
    result = proportion(hits=1, n=1)
    assert result.value == approx(100.0)
    assert result.low == approx(20.65)
    assert result.high == approx(100.0)
    assert result.margin == approx(39.67)


@pytest.mark.parametrize(
    ("hits", "n"),
    [(5, 4), (-1, 4), (0, -1), (1, 0)],
)
def test_proportion_invalid_counts_raise(hits, n):
    with pytest.raises(ValueError):
        proportion(hits=hits, n=n)


def test_csat_invalid_counts_raise():
    with pytest.raises(ValueError):
        csat(satisfied=11, n=10)
    with pytest.raises(ValueError):
        csat(satisfied=-1, n=10)


# --- CES --------------------------------------------------------------------


def test_ces_small_sample_t_interval():
    # Answers 7, 7, 6, 5: mean 6.25, squared deviations 0.5625 * 2 + 0.0625 + 1.5625
    # = 2.75, s^2 = 2.75 / 3, s = 0.95743, margin = 3.182 * 0.95743 / 2 = 1.5233.
    result = ces({7: 2, 6: 1, 5: 1})
    assert isinstance(result, CesEstimate)
    assert result.mean.n == 4
    assert result.mean.value == approx(6.25)
    assert result.mean.margin == approx(1.52)
    assert result.mean.low == approx(4.73)
    assert result.mean.high == 7.0  # 7.77 clamped to the top of the scale
    # All four agree: Wilson 4 of 4.
    assert result.agree.n == 4
    assert result.agree.value == approx(100.0)
    assert result.agree.low == approx(51.01)
    assert result.agree.high == approx(100.0)


def test_ces_mixed_sample_agree_share():
    # Answers 1, 4, 5, 6, 7 (n = 5): mean 4.6, squared deviations
    # 12.96 + 0.36 + 0.16 + 1.96 + 5.76 = 21.2, s^2 = 5.3, s = 2.30217,
    # margin = 2.776 * 2.30217 / sqrt(5) = 2.8581; bounds 1.7419 .. 7.4581 -> 7.
    # Agree: 3 of 5 = 60%, Wilson 23.07 .. 88.24.
    result = ces({1: 1, 4: 1, 5: 1, 6: 1, 7: 1, 2: 0})
    assert result.mean.value == approx(4.6)
    assert result.mean.margin == approx(2.86)
    assert result.mean.low == approx(1.74)
    assert result.mean.high == 7.0
    assert result.agree.value == approx(60.0)
    assert result.agree.low == approx(23.07)
    assert result.agree.high == approx(88.24)


def test_ces_one_answer():
    result = ces({6: 1})
    assert result.mean == ScoreEstimate(value=6.0, margin=None, low=None, high=None, n=1)
    assert result.agree.value == approx(100.0)
    assert result.agree.n == 1


def test_ces_no_answers():
    result = ces({})
    assert result.mean == EMPTY
    assert result.agree == EMPTY
    assert ces({3: 0, 5: 0}).mean == EMPTY


def test_ces_identical_answers_have_zero_width():
    result = ces({5: 3})
    assert result.mean.value == approx(5.0)
    assert result.mean.margin == approx(0.0)
    assert result.mean.low == approx(5.0)
    assert result.mean.high == approx(5.0)


@pytest.mark.parametrize(
    ("counts", "margin"),
    [
        # {3: 1, 5: 1}: mean 4, s = sqrt(2), margin = 12.706 * sqrt(2) / sqrt(2).
        ({3: 1, 5: 1}, 12.706),
        # n = 31 (df 30): 15 x 3, 15 x 5, 1 x 4 -> s = 1, margin = 2.042 / sqrt(31).
        ({3: 15, 4: 1, 5: 15}, 0.3668),
        # n = 46 (df 45 -> df 40 row): s = sqrt(46 / 45), margin = 2.021 * s / sqrt(46).
        ({3: 23, 5: 23}, 0.3013),
        # n = 61 (df 60): s = 1, margin = 2.000 / sqrt(61).
        ({3: 30, 4: 1, 5: 30}, 0.2561),
        # n = 121 (df 120): s = 1, margin = 1.980 / 11.
        ({3: 60, 4: 1, 5: 60}, 0.18),
        # n = 122 (df 121, beyond the table): s = sqrt(122 / 121), margin = 1.960 / 11.
        ({3: 61, 5: 61}, 0.1782),
    ],
)
def test_ces_t_critical_values(counts, margin):
    result = ces(counts).mean
    assert result.value == approx(4.0)
    assert result.margin == pytest.approx(margin, abs=0.0005)


def test_ces_t_table_between_rows_uses_lower_df():
    # n = 36 (df 35) uses the df 30 value 2.042, not an interpolated one:
    # answers 1..7 five times each plus one 4 -> mean 4, s = 2,
    # margin = 2.042 * 2 / 6 = 0.6807.
    result = ces({1: 5, 2: 5, 3: 5, 4: 6, 5: 5, 6: 5, 7: 5}).mean
    assert result.value == approx(4.0)
    assert result.margin == pytest.approx(0.6807, abs=0.0005)
    assert result.low == approx(3.32)
    assert result.high == approx(4.68)


@pytest.mark.parametrize(
    "counts",
    [{0: 1}, {8: 1}, {5: -1}, {True: 2}, {"5": 1}],
)
def test_ces_invalid_counts_raise(counts):
    with pytest.raises(ValueError):
        ces(counts)


# --- folding and dispatch -------------------------------------------------------


def test_class_counts_nps():
    counts = {0: 2, 6: 3, 7: 1, 8: 4, 9: 5, 10: 6}
    assert class_counts("nps", counts) == {
        Classification.PROMOTER: 11,
        Classification.PASSIVE: 5,
        Classification.DETRACTOR: 5,
    }


def test_class_counts_lists_every_class_even_when_empty():
    assert class_counts(SurveyKind.CSAT, {}) == {
        Classification.SATISFIED: 0,
        Classification.NEUTRAL: 0,
        Classification.DISSATISFIED: 0,
    }
    assert class_counts("ces", {7: 3}) == {
        Classification.EASY: 3,
        Classification.NEUTRAL: 0,
        Classification.HARD: 0,
    }


def test_class_counts_csat_and_ces():
    assert class_counts("csat", {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}) == {
        Classification.SATISFIED: 9,
        Classification.NEUTRAL: 3,
        Classification.DISSATISFIED: 3,
    }
    assert class_counts("ces", {1: 1, 3: 2, 4: 3, 5: 4, 7: 5}) == {
        Classification.EASY: 9,
        Classification.NEUTRAL: 3,
        Classification.HARD: 3,
    }


@pytest.mark.parametrize(
    ("kind", "counts"),
    [("nps", {11: 1}), ("csat", {0: 1}), ("ces", {8: 1}), ("nps", {9: -2})],
)
def test_class_counts_invalid_raise(kind, counts):
    with pytest.raises(ValueError):
        class_counts(kind, counts)


def test_summarize_nps():
    # 50 promoters, 30 passives, 20 detractors spread over the scale.
    counts = {10: 30, 9: 20, 8: 10, 7: 20, 5: 15, 0: 5}
    result = summarize("nps", counts)
    assert result.n == 100
    assert result.value == approx(30.0)
    assert result.margin == approx(15.08)
    assert result.low == approx(14.05)
    assert result.high == approx(44.20)


def test_summarize_csat():
    # 80 of 100 answered 4 or 5.
    result = summarize(SurveyKind.CSAT, {5: 50, 4: 30, 3: 10, 1: 10})
    assert result.n == 100
    assert result.value == approx(80.0)
    assert result.low == approx(71.12)
    assert result.high == approx(86.66)


def test_summarize_ces_is_the_mean():
    result = summarize("ces", {7: 2, 6: 1, 5: 1})
    assert result.value == approx(6.25)
    assert result.margin == approx(1.52)
    assert result.n == 4


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
def test_summarize_no_answers(kind):
    assert summarize(kind, {}) == EMPTY


def test_summarize_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown survey kind"):
        summarize("sus", {1: 1})


def test_summarize_negative_count_raises():
    with pytest.raises(ValueError):
        summarize("csat", {4: -1})


def test_an_nps_drop_on_large_samples_is_significant_and_on_small_ones_is_not_news():
    before = {10: 300, 9: 200, 8: 200, 7: 100, 3: 200}  # NPS 30, n 1000
    after = {10: 250, 9: 150, 8: 200, 7: 100, 3: 300}  # NPS 10, n 1000
    test = scoring.change_test("nps", before, after)
    assert test.difference == pytest.approx(-20.0)
    # variance of each NPS: p + d − (p − d)² = 0.5 + 0.2 − 0.09 = 0.61 and 0.4 + 0.3 − 0.01 = 0.69
    assert test.z == pytest.approx(-20 / (100 * ((0.61 + 0.69) / 1000) ** 0.5))
    assert test.significant
    assert not test.small_sample
    assert 3e-8 > test.p_value > 2e-8
    tiny = scoring.change_test("nps", {10: 6, 3: 4}, {10: 2, 3: 8})
    assert tiny.difference == pytest.approx(-80.0)
    assert tiny.p_value < 0.05
    assert tiny.small_sample
    assert not tiny.significant


def test_a_small_wobble_is_not_significant_and_unanimous_samples_need_no_z():
    wobble = scoring.change_test("nps", {10: 50, 8: 30, 2: 20}, {10: 48, 8: 30, 2: 22})
    assert not wobble.significant
    assert wobble.p_value > 0.5
    same = scoring.change_test("nps", {10: 40}, {10: 50})
    assert same.z is None
    assert same.difference == 0
    assert not same.significant


def test_csat_changes_use_the_two_proportion_test_and_ces_the_means():
    csat = scoring.change_test("csat", {5: 80, 2: 20}, {5: 60, 2: 40})
    pooled = 140 / 200
    assert csat.difference == pytest.approx(-20.0)
    assert csat.z == pytest.approx(-0.2 / (pooled * (1 - pooled) * (2 / 100)) ** 0.5)
    ces = scoring.change_test("ces", {7: 50, 5: 50}, {7: 50, 5: 50})
    assert ces.difference == 0
    assert not ces.significant
    with pytest.raises(ValueError, match="ces counts may only have answers 1 to 7"):
        scoring.change_test("ces", {0: 1}, {7: 1})


def test_contribution_is_share_times_the_gap_to_the_overall_score():
    assert scoring.contribution(share=0.25, segment_score=-20.0, overall_score=20.0) == pytest.approx(-10.0)
    assert scoring.contribution(share=0.5, segment_score=None, overall_score=3.0) is None
