""" "Scores by answer" in headless chromium at 320 px, in traditional Chinese: reached and used by keyboard alone.

From the dashboard's link, the question chosen with the arrow keys and the form sent with Enter;
the table's figures are the API's, nothing scrolls sideways but the table's own region, and
axe-core (when installed) finds no serious violation.
"""

import pytest
from rest_framework.test import APIClient

from tests.browser.test_churn_reasons import LANGUAGES, _context, _no_sideways_scroll, _tab_to
from tests.browser.test_portfolio import _serious
from tests.insights.test_answers import _respond
from tests.surveys.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_scores_by_answer_by_keyboard_at_320_px(live_server, browser, artifacts, user_with_role):
    # given
    survey = SurveyFactory(kind="nps", name="Relationship NPS")
    question = QuestionFactory(survey=survey, key="main_reason")
    for score, option in ((1, "price"), (2, "price"), (3, "price"), (10, "support"), (9, "features")):
        _respond(survey, score, (question, option))
    _respond(survey, 8)
    staff = user_with_role("CX staff", "staff")
    page = _context(browser, live_server, staff, LANGUAGES["zh-hant"], {"width": 320, "height": 700}).new_page()

    # when: the link, the question, Show, each by keyboard
    page.goto(f"{live_server.url}/admin/insights/")
    page.locator("#cx-answers-link").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("select[name=question]").focus()
    page.keyboard.press("ArrowDown")
    _tab_to(page, "#cx-filters button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # then
    api = APIClient()
    api.force_authenticate(staff)
    body = api.get("/api/v1/metrics/answers/", {"question": question.pk}, HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    rows = page.locator("#cx-answers tbody tr")
    assert [rows.nth(i).get_attribute("data-key") for i in range(rows.count())] == [
        *(o["key"] for o in body["options"]),
        "",
    ]
    assert [int(rows.nth(i).get_attribute("data-n")) for i in range(rows.count())] == [3, 1, 1, 1]
    assert rows.nth(0).inner_text().startswith("價格")
    assert "未回答" in rows.nth(3).inner_text()
    page.screenshot(path=str(artifacts / "answers-zh-hant-320.png"), full_page=True)
    _no_sideways_scroll(page)
    assert _serious(page) == []
