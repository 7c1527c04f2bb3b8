"""The CSM console in headless chromium: the portfolio and an account's page in three languages, 1366 to 320 px wide.

Red comes first, the explanation's points add up to the score, nothing scrolls sideways, the
pages are worked by keyboard, and axe-core (when installed) finds no serious violation.
"""

from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Account
from tests.portfolio.data import portfolio

pytestmark = pytest.mark.django_db(transaction=True)
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN", "zh-hant": "zh-TW"}
VIEWPORTS = {
    "1366": {"width": 1366, "height": 768},
    "390": {"width": 390, "height": 844},
    "320": {"width": 320, "height": 640},
}
RED = {"en": "Red", "zh-hans": "红色", "zh-hant": "紅色"}
MINE = {"en": "Mine", "zh-hans": "我的", "zh-hant": "我的"}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def _console(browser, live_server, user, locale: str, viewport: dict):
    client = Client()
    client.force_login(user)
    # axe is injected as an inline script, which our own policy refuses: this context alone bypasses it
    context = browser.new_context(locale=locale, viewport=viewport, bypass_csp=AXE.exists())
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return context


def _fits(page) -> None:
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for box in page.locator("#changelist .results, .cx-scroll").all():  # nor does a list or table scroll inside
        scroll = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert scroll[0] <= scroll[1], scroll
    wider = page.evaluate(
        """(width) => [...document.querySelectorAll('#content *')]
            .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.cx-scroll, .results'))
            .map((el) => el.tagName + '.' + el.className + '#' + el.id).slice(0, 5)""",
        width,
    )
    assert wider == []


def _serious(page) -> list[str]:
    if not AXE.exists():
        return []
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "))"""
    )


def _points_add_up(page, name: str) -> None:
    section = page.locator(f"#cx-{name}")
    score = int(section.get_attribute("data-score"))
    points = [float(p) for p in section.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.points)")]
    assert abs(sum(points) - score) < 1e-9, (name, points, score)
    assert float(section.locator("tfoot td").get_attribute("data-total")) == score
    assert section.locator("tbody tr[data-missing=true]").count() == 1  # the measure without data is shown


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_portfolio_and_an_account_page(live_server, browser, artifacts, django_user_model, language, width):
    csm = django_user_model.objects.create_superuser("mei", "mei@example.com", "pw", first_name="Mei", last_name="Lin")
    accounts = portfolio(csm=csm)
    # a long external id and name, as real ones are: the list still fits a phone
    Account.objects.create(
        external_id="huadong-precision-manufacturing-group",
        name="华东精工集团有限公司",
        health_score=60,
        health_band="yellow",
    )
    context = _console(browser, live_server, csm, LANGUAGES[language], VIEWPORTS[width])
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/accounts/account/")
    assert page.locator("html").get_attribute("lang") == language
    first = page.locator("#result_list tbody tr").first
    assert "acme" in first.locator("th").inner_text()
    assert first.locator(".cx-chip.cx-red").first.inner_text() == f"31 {RED[language]}"
    page.screenshot(path=str(artifacts / f"portfolio-{language}-{width}.png"), full_page=True)
    _fits(page)
    assert _serious(page) == []

    # by keyboard: the "mine" view, then the red account's page
    page.locator("nav .cx-views").get_by_role("link", name=MINE[language], exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("?csm=mine")
    page.locator("#result_list tbody th a").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/admin/accounts/account/{accounts['acme'].pk}/change/" in page.url

    _points_add_up(page, "health")
    _points_add_up(page, "temperature")
    assert page.locator("#cx-trend path.line").count() >= 2
    assert page.locator("#cx-usage li").count() == 4
    assert page.locator("#cx-timeline li").count() == 3
    page.screenshot(path=str(artifacts / f"account-{language}-{width}.png"), full_page=True)
    _fits(page)
    assert _serious(page) == []
    context.close()
