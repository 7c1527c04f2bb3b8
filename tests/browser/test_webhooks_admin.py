"""The integrations' admin pages in headless chromium, as a CX lead: in three languages, 375 and 1280 px wide.

An endpoint is subscribed by keyboard and its secret shown once; its delivery log, a delivery's
attempts, the replay form and a chat channel's form fit the width, and axe-core (when
installed) finds no serious violation on any of them.
"""

import pytest

from tests.browser.test_portfolio import LANGUAGES, _console, _fits, _serious
from tests.webhooks.receivers import Receiver
from webhooks import catalogue
from webhooks.models import Delivery, Endpoint
from webhooks.services import delivery, events

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORTS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 800}}
SAVE = {"en": "Save", "zh-hans": "保存", "zh-hant": "儲存"}


@pytest.mark.parametrize("width", list(VIEWPORTS))
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_lead_subscribes_an_endpoint_and_reads_its_delivery_log(
    live_server, browser, artifacts, user_with_role, language, width
):
    lead = user_with_role("CX lead", "li", first_name="Li", last_name="Na")
    receiver = Receiver(reply=lambda n: (503, {}, b"busy")).start()
    try:
        context = _console(browser, live_server, lead, LANGUAGES[language], VIEWPORTS[width])
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/webhooks/endpoint/add/")
        assert page.locator("html").get_attribute("lang") == language
        _fits(page)
        assert _serious(page) == []

        # by keyboard: the URL, then Tab to the first event's checkbox, Space ticks it, then save
        page.locator("#id_url").focus()
        page.keyboard.type(receiver.url)
        page.keyboard.press("Tab")
        page.keyboard.type("CRM")
        while not page.evaluate("document.activeElement.name === 'events'"):
            page.keyboard.press("Tab")
        page.keyboard.press("Space")
        page.locator(f"input[type=submit][value='{SAVE[language]}']").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        endpoint = Endpoint.objects.get()
        assert endpoint.events == [catalogue.EVENT_TYPES[0]]
        assert endpoint.owner == lead
        assert endpoint.secret in page.locator(".messagelist").inner_text()  # shown this once
        page.screenshot(path=str(artifacts / f"webhook-created-{language}-{width}.png"), full_page=True)
        _fits(page)

        receiver.secret = endpoint.secret
        events.event_record(endpoint.events[0], {"score": 3, "customer": {"external_id": "c-1"}}, object_id=1)
        delivery.webhooks_pump()
        failing = Delivery.objects.get()
        assert failing.status == Delivery.Status.RETRYING

        page.goto(f"{live_server.url}/admin/webhooks/delivery/?endpoint__id__exact={endpoint.pk}")
        assert page.locator("#result_list tbody tr").count() == 1
        page.screenshot(path=str(artifacts / f"webhook-log-{language}-{width}.png"), full_page=True)
        _fits(page)
        assert _serious(page) == []

        page.goto(f"{live_server.url}/admin/webhooks/delivery/{failing.pk}/change/")
        assert "503" in page.locator("#content").inner_text()
        assert "busy" in page.locator("#content").inner_text()
        page.screenshot(path=str(artifacts / f"webhook-delivery-{language}-{width}.png"), full_page=True)
        _fits(page)
        assert _serious(page) == []

        page.goto(f"{live_server.url}/admin/webhooks/endpoint/{endpoint.pk}/replay/")
        page.screenshot(path=str(artifacts / f"webhook-replay-{language}-{width}.png"), full_page=True)
        _fits(page)
        assert _serious(page) == []

        page.goto(f"{live_server.url}/admin/webhooks/chatchannel/add/")
        page.screenshot(path=str(artifacts / f"chat-channel-{language}-{width}.png"), full_page=True)
        _fits(page)
        assert _serious(page) == []
        context.close()
    finally:
        receiver.stop()
