"""The insights dashboard in headless chromium, on the demo data, in Chinese and English: its figures are the API's."""

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_cx_lead_sees_the_dashboard_with_the_api_s_figures(live_server, browser, artifacts, locale, user_with_role):
    call_command("seed_demo")
    lead = user_with_role("CX lead", "lead")
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _login(page, live_server, lead)

    page.goto(f"{live_server.url}/admin/insights/?interval=month")
    page.locator("#cx-trend").wait_for()
    page.screenshot(path=str(artifacts / f"dashboard-{locale}.png"), full_page=True)
    title = page.locator("#content h1").inner_text()
    assert title == ("洞察" if locale == "zh-CN" else "Insights")

    api = APIClient()
    api.force_authenticate(lead)
    series = api.get("/api/v1/metrics/scores/", {"interval": "month"}).json()
    headline = page.locator("#cx-headline")
    assert int(headline.get_attribute("data-n")) == series["total"]["n"] > 0
    assert float(headline.get_attribute("data-value")) == pytest.approx(series["total"]["score"]["value"])
    points = page.locator("#cx-trend circle.point")
    buckets = [b for b in series["series"][0]["buckets"] if b["figure"]["n"]]
    assert points.count() == len(buckets) >= 3
    for index, bucket in enumerate(buckets):
        point = points.nth(index)
        assert float(point.get_attribute("data-value")) == pytest.approx(bucket["figure"]["score"]["value"])
        assert float(point.get_attribute("data-low")) == pytest.approx(bucket["figure"]["score"]["low"])
        assert float(point.get_attribute("data-high")) == pytest.approx(bucket["figure"]["score"]["high"])
        assert int(point.get_attribute("data-n")) == bucket["figure"]["n"]

    period = {"since": series["since"], "until": series["until"]}
    breakdown = api.get("/api/v1/metrics/breakdown/", {"by": "touchpoint", **period}).json()
    rows = page.locator("#cx-touchpoints tbody tr")
    assert [rows.nth(i).get_attribute("data-key") for i in range(rows.count())] == [
        s["key"] for s in breakdown["segments"]
    ]
    drivers = api.get("/api/v1/metrics/drivers/", period).json()
    shown = page.locator("#cx-drivers tbody tr")
    assert [shown.nth(i).get_attribute("data-key") for i in range(shown.count())] == [
        d["key"] for d in drivers["drivers"][:15]
    ]
    loop = api.get("/api/v1/metrics/loop/", period).json()
    sla = page.locator("#cx-sla .cx-value").get_attribute("data-value")
    assert float(sla) == pytest.approx(loop["sla_compliance"])
    context.close()
