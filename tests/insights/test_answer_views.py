"""The "Scores by answer" admin page: who sees it, the picker, the table in the reader's language, bad filters."""

import pytest

from tests.insights.test_answers import _respond
from tests.surveys.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db
URL = "/admin/insights/answers/"


@pytest.fixture
def reason():
    survey = SurveyFactory(kind="nps", name="Relationship NPS")
    question = QuestionFactory(survey=survey, key="main_reason")
    for score, option in ((1, "price"), (2, "price"), (10, "support")):
        _respond(survey, score, (question, option))
    return question


def test_the_page_lists_the_questions_then_shows_each_option_with_its_score_and_interval(
    client, user_with_role, reason
):
    # given
    client.force_login(user_with_role("CX staff", "staff"))
    client.cookies["django_language"] = "zh-hant"

    # when
    picker = client.get(URL)
    page = client.get(URL, {"question": reason.pk, "touchpoint": ""})

    # then
    assert picker.status_code == 200
    assert "Relationship NPS (NPS): 您評分的主要原因是什麼？" in picker.content.decode()
    assert page.status_code == 200
    rows = {option.key: (option, interval) for option, interval, _width in page.context["rows"]}
    price, interval = rows["price"]
    assert (price.label, price.figure.n, price.figure.estimate.value) == ("價格", 2, -100)
    assert interval["x"] == 0  # -100 on NPS's axis
    assert rows[""][0].figure.n == 0  # everyone answered
    html = page.content.decode()
    assert "價格" in html
    assert "未回答" in html


def test_bad_filters_are_shown_with_a_400_and_people_without_insights_are_refused(client, user_with_role, reason):
    client.force_login(user_with_role("CX lead", "lead"))
    response = client.get(URL, {"question": reason.pk, "since": "2026-02-30"})
    assert response.status_code == 400
    assert "since" in response.context["errors"]
    client.force_login(user_with_role("Marketing", "marketer"))
    assert client.get(URL).status_code == 403
