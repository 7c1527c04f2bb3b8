"""Scores by the options chosen in additional questions, and the options as drivers beside the comments' themes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from insights.answers import answer_breakdown, chosen_option_counts
from insights.drivers import score_drivers
from insights.filters import ScoreFilters
from surveys.models import Answer
from tests.surveys.factories import QuestionFactory, ResponseFactory, SurveyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def _respond(survey, score, *answers, touchpoint=None, days_ago=0):
    response = ResponseFactory(
        survey=survey, score=score, touchpoint=touchpoint, submitted_at=timezone.now() - timedelta(days=days_ago)
    )
    for question, value in answers:
        field = "number" if isinstance(value, int) else "choice"
        Answer.objects.create(response=response, question=question, **{field: value})
    return response


def _period():
    today = timezone.localdate()
    return {"since": today - timedelta(days=30), "until": today}


@pytest.fixture
def reason():
    """NPS: ten detractors chose Price, ten promoters Support, four chose both; five passives left it blank."""
    survey = SurveyFactory(kind="nps")
    question = QuestionFactory(survey=survey, key="main_reason", kind="multiple")
    for _ in range(10):
        _respond(survey, 2, (question, "price"))
        _respond(survey, 10, (question, "support"))
    for _ in range(4):
        _respond(survey, 9, (question, "price"), (question, "support"))
    for _ in range(5):
        _respond(survey, 8)
    _respond(survey, 0, (question, "price"), days_ago=60)  # before the period
    return question


def test_each_option_has_the_score_of_those_who_chose_it_with_its_share_and_margin(reason):
    # when
    report = answer_breakdown(
        question=reason, filters=ScoreFilters(kind="nps"), locale="zh-hant", min_sample=5, **_period()
    )

    # then
    by_key = {option.key: option for option in report.options}
    assert [option.key for option in report.options] == ["price", "support", "features"]
    assert (report.asked.n, report.answered) == (29, 24)
    price, support, features = by_key["price"], by_key["support"], by_key["features"]
    assert (price.label, price.figure.n, round(price.share, 4)) == ("價格", 14, round(14 / 29, 4))
    assert price.figure.estimate.value == pytest.approx(100 * (4 - 10) / 14)
    assert price.figure.estimate.margin > 0
    assert price.versus_rest.difference < 0
    assert price.versus_rest.significant
    assert (support.figure.n, support.figure.estimate.value) == (14, 100)
    assert features.figure.n == 0
    assert features.share == 0
    assert (report.not_answered.figure.n, report.not_answered.figure.estimate.value) == (5, 0)
    assert report.text == "您評分的主要原因是什麼？"


def test_a_question_shown_to_detractors_counts_only_detractors_as_asked_and_filters_narrow_the_responses():
    # given
    survey = SurveyFactory(kind="nps")
    question = QuestionFactory(survey=survey, key="what_went_wrong", shown_to="detractor")
    web = TouchpointFactory(key="web")
    _respond(survey, 3, (question, "price"), touchpoint=web)
    _respond(survey, 4, touchpoint=web)
    _respond(survey, 1, (question, "support"))
    _respond(survey, 10)

    # when
    everyone = answer_breakdown(question=question, filters=ScoreFilters(kind="nps"), locale="en", **_period())
    at_web = answer_breakdown(
        question=question, filters=ScoreFilters(kind="nps", touchpoint_ids=(web.pk,)), locale="en", **_period()
    )

    # then
    assert (everyone.asked.n, everyone.answered, everyone.not_answered.figure.n) == (3, 2, 1)
    assert (at_web.asked.n, at_web.answered) == (2, 1)
    assert [(o.label, o.figure.n) for o in at_web.options] == [("Price", 1), ("Support", 0), ("Features", 0)]


def test_a_scale_question_breaks_the_score_down_by_each_value():
    # given
    survey = SurveyFactory(kind="csat")
    effort = QuestionFactory(survey=survey, key="effort", kind="scale_5", options=[])
    _respond(survey, 5, (effort, 5))
    _respond(survey, 1, (effort, 1))
    _respond(survey, 2, (effort, 1))

    # when
    report = answer_breakdown(question=effort, filters=ScoreFilters(kind="csat"), locale="en", **_period())

    # then
    assert [o.key for o in report.options] == ["1", "2", "3", "4", "5"]
    assert [o.figure.n for o in report.options] == [2, 0, 0, 0, 1]
    assert report.options[4].figure.estimate.value == 100


def test_chosen_options_rank_among_the_drivers_beside_the_themes(reason):
    # when
    counts = {c.key: c for c in chosen_option_counts(filters=ScoreFilters(kind="nps"), **_period())}
    report = score_drivers(filters=ScoreFilters(kind="nps"), min_sample=5, **_period())

    # then
    assert counts["answer:main_reason:price"].counts == {2: 10, 9: 4}
    assert sum(counts["answer:main_reason:price"].answered.values()) == 24
    first = report.drivers[0]
    assert (first.key, first.source, first.question, first.name_en, first.name_zh) == (
        "answer:main_reason:price",
        "answer",
        "main_reason",
        "Price",
        "价格",
    )
    assert (first.mentions, first.complaints, first.praise, first.figure.n) == (14, 0, 0, 14)
    assert first.negative_share == 1  # every detractor who answered chose Price
    assert first.lift == pytest.approx((10 / 14) / (10 / 24))
    assert first.contribution < 0
    assert report.drivers[-1].key == "answer:main_reason:support"
    assert report.commented.n == 0  # the themes' base is untouched
