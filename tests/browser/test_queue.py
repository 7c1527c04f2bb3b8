"""The triage queue in headless chromium at 1366×768, as a CX staff member, in English and simplified Chinese."""

import pytest
from django.core.management import call_command
from django.test import Client

from closedloop import selectors
from closedloop.models import Case

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORT = {"width": 1366, "height": 768}


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )


@pytest.mark.parametrize(("locale", "mine"), [("en-US", "Mine"), ("zh-CN", "我的")])
def test_the_queue_opens_on_the_open_work_and_fits_1366(live_server, browser, artifacts, locale, mine, user_with_role):
    call_command("seed_demo")
    agent = user_with_role("CX staff", "li")
    open_work = Case.objects.filter(status__in=Case.OPEN_STATUSES).order_by(*selectors.queue_order())
    assigned = list(open_work.values_list("pk", flat=True)[:3])
    Case.objects.filter(pk__in=assigned).update(owner=agent, status=Case.Status.ASSIGNED)
    context = browser.new_context(locale=locale, viewport=VIEWPORT)
    page = context.new_page()
    _login(page, live_server, agent)

    page.goto(f"{live_server.url}/admin/closedloop/case/")
    page.locator("#result_list").wait_for()
    page.screenshot(path=str(artifacts / f"queue-{locale}.png"))

    # every column that matters is on screen, and nothing scrolls sideways: neither the page nor the list
    results = page.locator("#changelist .results").bounding_box()
    columns = ("number", "priority_badge", "sla_badge", "due", "owner", "status", "customer", "score_shown")
    for column in (*columns, "sentiment_shown", "excerpt"):
        header = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert header is not None, column
        assert results["x"] <= header["x"], (column, header)
        assert header["x"] + header["width"] <= results["x"] + results["width"], (column, header)
        assert header["x"] + header["width"] <= VIEWPORT["width"], (column, header)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    scroll = page.locator("#changelist .results").evaluate("list => [list.scrollWidth, list.clientWidth]")
    assert scroll[0] <= scroll[1], scroll
    rows = page.locator("#result_list tbody th.field-number a")
    expected = list(open_work.values_list("pk", flat=True)[:50])
    assert [rows.nth(i).inner_text() for i in range(rows.count())] == [f"#{pk}" for pk in expected]
    assert open_work.filter(selectors.overdue()).exists()  # the demo's overdue cases lead the list
    assert int(rows.first.inner_text()[1:]) in open_work.filter(selectors.overdue()).values_list("pk", flat=True)

    page.locator("nav .cx-views").get_by_role("link", name=mine, exact=True).click()
    page.wait_for_url("**/?owner=mine")
    page.screenshot(path=str(artifacts / f"queue-mine-{locale}.png"))
    shown = page.locator("#result_list tbody th.field-number a")
    assert sorted(int(shown.nth(i).inner_text()[1:]) for i in range(shown.count())) == sorted(assigned)
    context.close()


@pytest.mark.parametrize(
    ("locale", "button", "negative", "save"),
    [
        ("en-US", "Correct the sentiment", "Negative", "Save the corrected sentiment"),
        ("zh-CN", "更正情感", "负面", "保存更正后的情感"),
    ],
)
def test_staff_correct_a_sentiment_from_the_case_page(
    live_server, browser, artifacts, locale, button, negative, save, user_with_role
):
    from django.utils import timezone

    from feedback.models import FeedbackItem, SentimentCorrection
    from tests.closedloop.factories import CaseFactory

    comment = "手機App常常自動登出，很困擾。"
    item = FeedbackItem.objects.create(
        source="response",
        source_id=7,
        text=comment,
        given_at=timezone.now(),
        status="analysed",
        language="zh",
        label="pos",
        polarity=0.31,
        customer_id=7,
        customer_external_id="c-7",
    )
    case = CaseFactory(
        source="response",
        source_id=7,
        feedback_id=item.pk,
        comment=comment,
        language="zh",
        sentiment="pos",
        polarity=0.31,
        survey_kind="nps",
        score=5,
    )
    agent = user_with_role("CX staff", "li")
    context = browser.new_context(locale=locale, viewport=VIEWPORT)
    page = context.new_page()
    _login(page, live_server, agent)

    page.goto(f"{live_server.url}/admin/closedloop/case/{case.pk}/change/")
    page.get_by_role("link", name=button).click()
    page.get_by_label(negative, exact=True).check()
    page.locator("textarea[name=note]").fill("登出 is a complaint")
    page.screenshot(path=str(artifacts / f"sentiment-correct-{locale}.png"))
    page.get_by_role("button", name=save).click()
    page.wait_for_url(f"**/admin/closedloop/case/{case.pk}/change/")
    page.screenshot(path=str(artifacts / f"sentiment-corrected-case-{locale}.png"), full_page=True)

    correction = SentimentCorrection.objects.get()
    assert (correction.old_label, correction.new_label, correction.corrected_by) == ("pos", "neg", agent)
    assert page.locator(".field-sentiment_shown .readonly").inner_text().startswith(negative)
    assert "登出 is a complaint" in page.locator("#activities-group").inner_text()
    context.close()
