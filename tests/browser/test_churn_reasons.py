""" "Why accounts leave" in headless chromium: reached from the dashboard and worked by keyboard, 375 and 1280 px wide.

In three languages, on the worked example (tests/insights/churn_example.py): the figures are the
API's, nothing scrolls sideways but the tables' own regions, and axe-core (when installed) finds no
serious violation.
"""

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from accounts.defaults import churn_reasons_apply
from tests.browser.test_portfolio import AXE, _serious
from tests.insights.churn_example import why_fixture  # noqa: F401 (the fixture `why`)

pytestmark = pytest.mark.django_db(transaction=True)
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN", "zh-hant": "zh-TW"}
VIEWPORTS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 900}}
TITLE = {"en": "Why accounts leave", "zh-hans": "账户为何离开", "zh-hant": "帳戶為何離開"}


@pytest.fixture
def reasons(transactional_db):
    """The reasons' taxonomy the migration seeds (a transactional test's flush emptied it)."""
    churn_reasons_apply(apps)


def _context(browser, live_server, user, locale, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale=locale, viewport=viewport, bypass_csp=AXE.exists())
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return context


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wider = page.evaluate(
        """(width) => [...document.querySelectorAll('#content *')]
            .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.cx-scroll'))
            .map((el) => el.tagName + '.' + el.className).slice(0, 5)""",
        width,
    )
    assert wider == []


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_why_accounts_leave_by_keyboard(live_server, browser, artifacts, reasons, why, user_with_role, language, width):
    for record in ("A", "B", "D"):  # the fixture set the reasons before this test's flush put the taxonomy back
        why[record].reasons.set(apps.get_model("accounts", "ChurnReason").objects.filter(key__in=_KEYS[record]))
    lead = user_with_role("CX lead", "lead")
    context = _context(browser, live_server, lead, LANGUAGES[language], VIEWPORTS[width])
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/insights/")
    page.locator("#cx-why-link").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#content h1").inner_text() == TITLE[language]
    assert page.locator("html").get_attribute("lang") == language

    api = APIClient()
    api.force_authenticate(lead)
    body = api.get("/api/v1/metrics/churn-reasons/", HTTP_ACCEPT_LANGUAGE=language).json()
    period = page.locator("#cx-why-period")
    assert int(period.get_attribute("data-records")) == body["totals"]["records"] == 4
    assert period.get_attribute("data-mrr-lost") == body["totals"]["mrr_lost"] == "2000.00"
    rows = page.locator("#cx-why-reasons tbody tr")
    assert [rows.nth(i).inner_text().split("\t")[0] for i in range(rows.count())] == [
        r["name"] for r in body["reasons"]
    ]
    page.screenshot(path=str(artifacts / f"why-{language}-{width}.png"), full_page=True)
    _no_sideways_scroll(page)
    assert _serious(page) == []

    # by keyboard: churns only, split by CSM
    _tab_to(page, "select[name=kind]")
    page.keyboard.press("ArrowDown")  # "Churn"
    _tab_to(page, "select[name=segment]")
    page.keyboard.press("End")  # "CSM"
    _tab_to(page, "#cx-filters button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "kind=churn" in page.url
    assert "segment=csm" in page.url
    assert page.locator("#cx-why-period").get_attribute("data-records") == "3"
    assert page.locator("#cx-why-segments tbody tr").count() == 3
    assert page.locator("#cx-why-accounts article").count() == 3

    # and on to the first account's page
    _tab_to(page, "#cx-why-accounts article h3 a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/admin/accounts/account/{why['C'].account_id}/change/" in page.url
    context.close()


_KEYS = {"A": ("price", "competitor"), "B": ("price",), "D": ("support",)}
