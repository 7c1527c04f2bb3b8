"""The admin in three languages in headless chromium: the header's switch, the queue, a case's log, the dashboard."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from closedloop.models import Case

pytestmark = pytest.mark.django_db(transaction=True)
SWITCH = {"en": "English", "zh-hans": "简体中文", "zh-hant": "繁體中文"}
# an escalation from a lower priority ("escalated P3 → P2") or at the highest already ("escalated (already P1…)")
ESCALATED = {
    "en": ("Overdue: escalated",),
    "zh-hans": ("已逾期：升级", "已逾期：已升级"),
    "zh-hant": ("已逾期：升級", "已逾期：已升級"),
}
OPEN_CAPTION = {
    "en": "now, all survey kinds (NPS, CES, CSAT), as in the queue",
    "zh-hans": "当前，所有调查类型（NPS、CES、CSAT），与队列一致",
    "zh-hant": "目前，所有調查類型（NPS、CES、CSAT），與佇列一致",
}
REVENUE = {
    "en": r"^CN¥\d{1,3}(,\d{3})*\.\d\d$",
    "zh-hans": r"^¥\d{1,3}(,\d{3})*\.\d\d$",
    "zh-hant": r"^CN¥\d{1,3}(,\d{3})*\.\d\d$",
}


@pytest.fixture
def console(live_server, browser, django_user_model):
    """A superuser's browser on the demo data, in English until they switch."""
    call_command("seed_demo")
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("lead", "lead@example.com", "pw"))
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    yield context.new_page()
    context.close()


def _switch(page, language: str) -> None:
    """Choose a language in the header by keyboard: focus its button, press Enter; the page stays."""
    before = page.url
    button = page.locator("#cx-language button", has_text=SWITCH[language])
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == before
    assert page.locator("#cx-language button[aria-pressed=true]").inner_text() == SWITCH[language]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_the_queue_and_a_case_s_log_read_in_the_chosen_chinese(console, live_server, artifacts, language):
    page = console
    page.goto(f"{live_server.url}/admin/closedloop/case/")
    assert page.locator("#site-name").inner_text() == "cxplatform"  # branded, not "Django administration"
    _switch(page, language)
    assert page.locator("html").get_attribute("lang") == language
    assert "cxplatform" in page.title()
    assert "Django" not in page.title()
    page.screenshot(path=str(artifacts / f"admin-queue-{language}.png"))

    escalated = Case.objects.filter(escalated_at__isnull=False).order_by("pk").first()
    page.goto(f"{live_server.url}/admin/closedloop/case/{escalated.pk}/change/")
    log = page.locator("#activities-group").inner_text()
    assert any(text in log for text in ESCALATED[language]), log
    assert "Overdue: escalated" not in log
    page.locator("#activities-group").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"admin-case-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_dashboard_shows_90_days_formatted_money_and_labelled_figures(console, live_server, artifacts, language):
    page = console
    page.goto(f"{live_server.url}/admin/insights/")
    if language != "en":
        _switch(page, language)
    period = page.locator("#cx-period")
    assert period.get_attribute("data-days") == "90"
    assert page.locator("select[name=interval] option:checked").get_attribute("value") == "week"
    assert page.locator("input[name=since]").input_value() == period.get_attribute("data-since")
    assert re.match(REVENUE[language], page.locator("#cx-revenue").inner_text())
    assert page.locator("#cx-open-caption").inner_text() == OPEN_CAPTION[language]
    assert page.locator("#cx-open").get_attribute("title")  # a tooltip saying what is counted
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES).count()
    assert int(page.locator("#cx-open").get_attribute("data-open")) == open_cases
    page.screenshot(path=str(artifacts / f"admin-dashboard-{language}.png"), full_page=True)
