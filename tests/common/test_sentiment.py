"""The sentiment as staff read it: the label with the analysis' confidence, or staff's correction."""

import pytest
from django.utils import translation

from common.sentiment import confidence, sentiment_text


@pytest.mark.parametrize(
    ("polarity", "expected"), [(None, None), (0.0, 0.5), (-0.74, 0.87), (0.5, 0.75), (1.0, 1.0), (-1.2, 1.0)]
)
def test_confidence_is_the_probability_of_the_side_the_polarity_leans_to(polarity, expected):
    assert confidence(polarity) == (None if expected is None else pytest.approx(expected))


def test_the_text_says_the_label_and_how_sure_or_that_staff_corrected_it():
    with translation.override("en"):
        assert sentiment_text("neg", -0.74) == "Negative 87%"
        assert sentiment_text("pos", 0.9) == "Positive 95%"
        assert sentiment_text("neu", 0.08) == "Neutral, leaning positive (54%)"
        assert sentiment_text("neu", -0.08) == "Neutral, leaning negative (54%)"
        assert sentiment_text("pos", -0.6, corrected=True) == "Positive (corrected by staff)"
        assert sentiment_text("neg", None) == "Negative"
        assert sentiment_text("", None) == "—"


def test_a_stored_confidence_is_shown_and_rows_analysed_before_it_fall_back_to_the_polarity():
    assert confidence(-0.2, 0.87) == 0.87
    assert confidence(-0.2, None) == pytest.approx(0.6)
    with translation.override("en"):
        assert sentiment_text("neg", -0.2, confidence=0.87) == "Negative 87%"
        assert sentiment_text("neu", 0.05, confidence=0.81) == "Neutral 81%"  # neutral's own probability
        assert sentiment_text("neu", None, confidence=0.4) == "Neutral 40%"
        assert sentiment_text("neg", -0.2, confidence=0.87, corrected=True) == "Negative (corrected by staff)"
