"""Additional questions in a real browser: the survey page and the widget, by keyboard, in each language."""

import pytest

from surveys.models import Response
from surveys.question_selectors import answers_by_response
from tests.browser.test_accessibility import questions_added
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_page_asks_a_detractor_what_disappointed_them_once_the_score_is_chosen(live_server, browser, artifacts):
    survey = SurveyFactory(kind="nps")
    questions_added(survey)
    context = browser.new_context(locale="zh-TW", viewport={"width": 320, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{survey.public_key}/")
    why = page.locator(".question[data-scores='0 1 2 3 4 5 6']")
    assert why.is_hidden()  # asked of detractors only: not before a score is chosen
    scores = page.locator(".scale[role=radiogroup]")
    scores.get_by_role("radio", name="8", exact=True).check()
    assert why.is_hidden()
    scores.get_by_role("radio", name="2", exact=True).focus()
    page.keyboard.press("Space")
    assert why.is_visible()
    page.locator("button[type=submit]").click()  # the required reason is blank: the page says so, nothing is stored
    assert page.locator("#q_reason-errors").inner_text() == "請回答這個問題。"
    assert not Response.objects.exists()
    page.get_by_role("radio", name="價格").check()
    page.get_by_role("checkbox", name="客服").check()
    page.get_by_role("checkbox", name="功能").check()
    page.locator("fieldset.points").get_by_role("radio", name="4", exact=True).check()
    page.get_by_label("您評分的主要原因是什麼？").last.fill("續約漲價太多")
    page.screenshot(path=str(artifacts / "questions-page-320-zh-hant.png"), full_page=True)
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"**/s/{survey.public_key}/thanks/")
    context.close()

    response = Response.objects.get()
    assert response.score == 2
    assert answers_by_response(response_ids=[response.id])[response.id] == {
        "reason": "price",
        "also": ["support", "features"],
        "effort": 4,
        "why": "續約漲價太多",
    }


@pytest.mark.parametrize(("language", "locale"), [("en", "en"), ("zh-hans", "zh-CN")])
def test_the_widget_asks_the_questions_of_the_chosen_score_by_keyboard(
    live_server, browser, settings, artifacts, language, locale
):
    settings.CX_DEMO_PAGES = True
    survey = SurveyFactory(kind="nps", widget_origins=[live_server.url])
    questions_added(survey)
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/demo/widget/?survey={survey.public_key}&customer=q-{language}&locale={locale}")
    widget = page.locator("#cx-survey-widget")
    ten = widget.locator("button[data-score='10']")
    ten.wait_for()
    ten.focus()
    page.keyboard.press("Enter")
    assert widget.locator("#cx-q3").is_hidden()  # "why" is for detractors
    widget.locator(".send").click()
    # the required reason is blank: the widget says so and takes the keyboard to it
    assert widget.locator("#cx-q0 legend").inner_text()[:10] in widget.locator(".msg.error").inner_text()
    assert widget.locator("#cx-q0-0").evaluate("input => input === input.getRootNode().activeElement")
    page.keyboard.press("ArrowDown")  # a radio group: the arrow moves to support and chooses it
    widget.locator("#cx-q1-0").check()  # price
    widget.locator("#cx-q2-4").check()  # effort 5
    page.screenshot(path=str(artifacts / f"questions-widget-{language}.png"))
    widget.locator(".send").click()
    widget.locator(".send").wait_for(state="detached")  # the panel says thank you in its place once stored
    context.close()

    response = Response.objects.get()
    assert answers_by_response(response_ids=[response.id])[response.id] == {
        "reason": "support",
        "also": ["price"],
        "effort": 5,
    }
