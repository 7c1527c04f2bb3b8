"""Tests for surveys.scoring's change tests and contributions (what insights report as significant), worked by hand."""

import pytest

from surveys import scoring


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
