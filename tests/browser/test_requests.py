""" "What customers ask for" in headless chromium: reached from the dashboard, exported by keyboard, 375 and 1280 px.

In English and simplified Chinese, on the worked example (tests/insights/requests_example.py):
the figures are the API's, nothing scrolls sideways but the table's own region, the CSV download
is reached by Tab and fetched by Enter, and axe-core (when installed) finds no serious violation.
"""

from pathlib import Path

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from tests.browser.test_churn_reasons import LANGUAGES, VIEWPORTS, _context, _no_sideways_scroll, _tab_to
from tests.browser.test_portfolio import _serious
from tests.insights.requests_example import (
    SINCE,
    UNTIL,
    asks,  # noqa: F401 (the fixture)
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_requests_by_keyboard(live_server, browser, artifacts, asks, user_with_role, language, width):  # noqa: F811
    lead = user_with_role("CX lead", "lead")
    context = _context(browser, live_server, lead, LANGUAGES[language], VIEWPORTS[width])
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/insights/")
    page.locator("#cx-requests-link").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with translation.override(language):
        assert page.locator("#content h1").inner_text() == translation.gettext("What customers ask for")
    assert page.locator("html").get_attribute("lang") == language

    page.goto(f"{live_server.url}/admin/insights/requests/?since={SINCE}&until={UNTIL}")
    api = APIClient()
    api.force_authenticate(lead)
    body = api.get("/api/v1/metrics/requests/", {"since": SINCE, "until": UNTIL}, HTTP_ACCEPT_LANGUAGE=language).json()
    period = page.locator("#cx-requests-period")
    assert int(period.get_attribute("data-customers")) == body["totals"]["customers"] == 5
    assert period.get_attribute("data-mrr") == body["totals"]["mrr"] == "1500.00"
    rows = page.locator("#cx-requests tbody tr[data-key]")
    assert [rows.nth(i).get_attribute("data-key") for i in range(rows.count())] == [g["key"] for g in body["groups"]]
    assert [rows.nth(i).inner_text().split("\t")[0] for i in range(rows.count())] == [g["name"] for g in body["groups"]]
    page.screenshot(path=str(artifacts / f"requests-{language}-{width}.png"), full_page=True)
    _no_sideways_scroll(page)
    assert _serious(page) == []

    # the CSV for the product team, by keyboard
    _tab_to(page, "#cx-requests-export a[href*='format=csv']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "requests-20260301-20260331.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("theme:export,")
    context.close()
