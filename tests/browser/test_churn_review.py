"""The monthly churn review in headless chromium: a CSM's list and the CX lead's completion, in three languages, 375
and 1280 px wide.

Nothing scrolls sideways, the first record's link is reached from the month picker by the Tab key
and opens the record, and axe-core (when installed) finds no serious violation.
"""

import pytest

from tests.accounts.test_churn_review import november
from tests.browser.test_portfolio import LANGUAGES, _console, _fits, _serious

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORTS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 800}}
URL = "/admin/accounts/churnrecord/review/"
TABS = 12  # month picker, its button, the months either side, then the first account and its record


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_review_for_a_csm_and_for_the_lead(live_server, browser, artifacts, user_with_role, language, width):
    mei = user_with_role("Customer success", "mei", first_name="Mei", last_name="Lin")
    lead = user_with_role("CX lead", "li", first_name="Li", last_name="Na")
    data = november(mei, user_with_role("Customer success", "jun", first_name="Jun", last_name="Wang"))
    proposal = data["proposal"]

    context = _console(browser, live_server, mei, LANGUAGES[language], VIEWPORTS[width])
    page = context.new_page()
    page.goto(f"{live_server.url}{URL}?month=2026-11")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#cx-to-do tbody tr").count() == 2
    assert page.locator("#cx-done tbody tr").count() == 2
    page.screenshot(path=str(artifacts / f"churn-review-csm-{language}-{width}.png"), full_page=True)
    _fits(page)
    assert _serious(page) == []

    # by keyboard: from the month picker, Tab to the first record's link, Enter opens the record
    page.locator("#cx-month").focus()
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cx-do')"):
            break
    assert page.evaluate("document.activeElement.dataset.record") == str(proposal.pk)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/admin/accounts/churnrecord/{proposal.pk}/change/" in page.url
    context.close()

    context = _console(browser, live_server, lead, LANGUAGES[language], VIEWPORTS[width])
    page = context.new_page()
    page.goto(f"{live_server.url}{URL}?month=2026-11")
    assert page.locator("#cx-completion tbody tr").count() == 3
    page.screenshot(path=str(artifacts / f"churn-review-lead-{language}-{width}.png"), full_page=True)
    _fits(page)
    assert _serious(page) == []
    page.locator("#cx-completion tbody th a").nth(1).focus()  # Mei's list, by keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"csm={mei.pk}" in page.url
    assert page.locator("#cx-to-do tbody tr").count() == 2

    page.goto(f"{live_server.url}/admin/accounts/account/{proposal.account_id}/change/")
    assert page.locator("#cx-churn tbody tr").count() == 2
    page.locator("#cx-churn").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"churn-account-{language}-{width}.png"), full_page=True)
    _fits(page)
    context.close()
