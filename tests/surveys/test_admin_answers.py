"""The answers to the additional questions, read-only on their response's admin page."""

import re

import pytest

from surveys.models import Answer
from tests.surveys.factories import QuestionFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_a_response_page_shows_its_answers_in_the_readers_language_and_read_only(admin_client):
    # given
    survey = SurveyFactory()
    reason = QuestionFactory(survey=survey, key="main_reason", position=1)
    effort = QuestionFactory(survey=survey, key="effort", kind="scale_5", options=[], position=2)
    response = ResponseFactory(survey=survey, score=3)
    Answer.objects.create(response=response, question=reason, choice="price")
    Answer.objects.create(response=response, question=effort, number=2)
    admin_client.cookies["django_language"] = "zh-hant"

    # when
    page = admin_client.get(f"/admin/surveys/response/{response.pk}/change/")

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "附加問題的回答" in html
    assert "價格 (price)" in html
    cells = re.findall(r'<td class="field-answer">(.*?)</td>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == ["價格 (price)", "2"]
    assert 'name="answers-0-choice"' not in html  # nothing to edit
