"""The score-by-answer endpoint: each option's figure in the reader's language, and clear refusals."""

import pytest

from tests.insights.test_answers import _period, _respond
from tests.surveys.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/answers/"


@pytest.fixture
def reason():
    survey = SurveyFactory(kind="nps")
    question = QuestionFactory(survey=survey, key="main_reason")
    for score, option in ((1, "price"), (2, "price"), (10, "support")):
        _respond(survey, score, (question, option))
    _respond(survey, 7)
    return question


def test_the_api_answers_each_option_with_its_score_margin_and_share(reason, role_client):
    # when
    period = {name: day.isoformat() for name, day in _period().items()}
    response = role_client("CX staff", "staff").get(
        URL, {"question": reason.pk, **period}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["question"], body["survey"], body["kind"], body["answered"]) == (
        "main_reason",
        reason.survey_id,
        "nps",
        3,
    )
    price = body["options"][0]
    assert (price["key"], price["label"], price["figure"]["n"]) == ("price", "价格", 2)
    assert price["figure"]["score"]["value"] == -100
    assert price["share"] == 0.5
    assert set(price["versus_rest"]) == {"difference", "z", "p_value", "significant", "small_sample"}
    assert body["not_answered"]["figure"]["n"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "question"),
        ({"question": 999_999}, "question"),
        ({"question": "x"}, "question"),
        ({"since": "soon"}, "since"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(reason, role_client, params, field):
    response = role_client("CX lead", "lead").get(
        URL, {"question": reason.pk, **params} if field != "question" else params
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_free_text_question_cannot_break_a_score_down(role_client):
    text = QuestionFactory(kind="text", options=[])
    response = role_client("CX lead", "lead").get(URL, {"question": text.pk})
    assert response.status_code == 400
    assert "select or scale" in response.json()["error"]["fields"]["question"][0]
