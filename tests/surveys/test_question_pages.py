"""The additional questions on the survey page and the email's landing page (without script: the server's rules)."""

import re

import pytest

from surveys import selectors
from surveys.models import Invitation, Question, Response
from surveys.question_selectors import answers_by_response
from tests.surveys.factories import InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(kind="nps")
    QuestionFactory(survey=survey, key="reason", required=True, position=1)
    QuestionFactory(survey=survey, key="topics", kind=Question.Kind.MULTIPLE, position=2)
    QuestionFactory(survey=survey, key="effort", kind=Question.Kind.SCALE_5, options=[], position=3)
    QuestionFactory(
        survey=survey,
        key="why",
        kind=Question.Kind.TEXT,
        options=[],
        shown_to="detractor",
        position=4,
        text_en="What disappointed you?",
        text_zh_hans="哪里让您失望了？",
    )
    selectors.lookups_clear()
    return survey


def test_the_page_asks_each_question_in_the_respondent_s_language_and_says_whom_a_question_is_for(client, survey):
    page = client.get(f"/s/{survey.public_key}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "您打分的主要原因是什么？" in page
    assert "价格" in page
    assert "哪里让您失望了？" in page
    assert "适用于 0–6 分" in page  # without script, the note says which scores a question is for
    assert 'name="q_reason"' in page
    assert 'name="q_topics"' in page
    assert 'type="checkbox"' in page
    assert "（必填）" in page


def test_a_required_question_left_blank_is_a_400_naming_it_and_nothing_is_stored(client, survey):
    res = client.post(f"/s/{survey.public_key}/", {"score": "9", "comment": "Fine"}, HTTP_ACCEPT_LANGUAGE="en")
    assert res.status_code == 400
    page = res.content.decode()
    assert 'id="q_reason-errors"' in page
    assert "Please answer this question." in page
    assert not Response.objects.exists()


def test_answers_are_stored_and_one_not_asked_of_the_score_is_left_out(client, survey):
    answer = {"score": "9", "q_reason": "support", "q_topics": ["price", "features"], "q_effort": "4", "q_why": "x"}
    res = client.post(f"/s/{survey.public_key}/", answer)
    assert res.status_code == 302
    response = Response.objects.get()
    # "why" is for detractors: a page without script showed it, and the promoter's answer to it is not kept
    assert answers_by_response(response_ids=[response.id])[response.id] == {
        "reason": "support",
        "topics": ["price", "features"],
        "effort": 4,
    }


def test_an_unknown_option_is_a_400_on_its_question(client, survey):
    res = client.post(f"/s/{survey.public_key}/", {"score": "3", "q_reason": "weather"})
    assert res.status_code == 400
    assert 'id="q_reason-errors"' in res.content.decode()


def test_the_email_landing_page_asks_the_questions_of_the_clicked_score_and_keeps_their_answers(client, survey):
    invitation = InvitationFactory(survey=survey, status=Invitation.Status.SENT)
    landing = client.get(f"/s/{invitation.token}/", {"score": 2}).content.decode()
    assert "What disappointed you?" in landing
    assert 'data-recorded="2"' in landing
    res = client.post(f"/s/{invitation.token}/", {"comment": "Slow", "q_reason": "price", "q_why": "Slow exports"})
    assert res.status_code == 302
    response = Response.objects.get()
    assert answers_by_response(response_ids=[response.id])[response.id] == {"reason": "price", "why": "Slow exports"}
    again = client.get(f"/s/{invitation.token}/").content.decode()  # within its window: shown as given
    assert re.search(r'<input type="radio" name="q_reason" value="price"[^>]* checked>', again)
    assert "Slow exports" in again
