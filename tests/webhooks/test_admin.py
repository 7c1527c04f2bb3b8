"""The webhooks console: endpoints (secret shown once, rotation), the delivery log, resend, replay, dead letters."""

from datetime import timedelta

import pytest
from django.contrib import messages
from django.utils import timezone

from tests.webhooks.factories import attempt_make, delivery_make, endpoint_make, event_make
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db
ENDPOINTS = "/admin/webhooks/endpoint/"
DELIVERIES = "/admin/webhooks/delivery/"
EVENTS = "/admin/webhooks/event/"
NEW = {"url": "https://hooks.example.com/crm", "description": "CRM", "events": ["case.opened"], "active": "on"}


@pytest.fixture
def lead(client, user_with_role):
    client.user = user_with_role("CX lead", "lead")
    client.force_login(client.user)
    return client


def said(page, level: int = messages.WARNING) -> list[str]:
    return [str(message) for message in page.context["messages"] if message.level == level]


def test_the_add_form_offers_events_and_personal_fields_as_checkboxes_with_the_pipl_note(lead):
    page = lead.get(f"{ENDPOINTS}add/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'type="checkbox" name="events" value="case.opened"' in html
    assert 'type="checkbox" name="personal_fields" value="email"' in html
    assert "PIPL Art. 23" in html


def test_creating_shows_the_secret_once_and_never_again(lead):
    page = lead.post(f"{ENDPOINTS}add/", NEW, follow=True)
    endpoint = Endpoint.objects.get()
    assert endpoint.owner == lead.user
    assert endpoint.events == ["case.opened"]
    assert endpoint.personal_fields == []
    assert endpoint.secret.startswith("whsec_")
    assert [m for m in said(page) if endpoint.secret in m]
    assert endpoint.secret in page.content.decode()
    for url in (f"{ENDPOINTS}{endpoint.pk}/change/", ENDPOINTS):
        assert endpoint.secret not in lead.get(url).content.decode()


def test_a_refused_url_lands_on_its_field(lead, settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False
    page = lead.post(f"{ENDPOINTS}add/", {**NEW, "url": "http://127.0.0.1:9000/in"})
    assert page.status_code == 200
    assert "127.0.0.1" in str(page.context["adminform"].form.errors["url"])
    assert not Endpoint.objects.exists()


def test_a_change_goes_through_the_service(lead):
    endpoint = endpoint_make(active=False, failing_since=timezone.now(), disabled_reason="failed a day")
    data = {"url": endpoint.url, "description": "", "events": ["case.resolved"], "personal_fields": ["comment"]}
    page = lead.post(f"{ENDPOINTS}{endpoint.pk}/change/", {**data, "active": "on"}, follow=True)
    assert page.status_code == 200
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.personal_fields, endpoint.active) == (["case.resolved"], ["comment"], True)
    assert (endpoint.failing_since, endpoint.disabled_reason) == (None, "")  # turned back on: failures forgotten


def test_the_endpoint_page_links_its_log_dead_letters_and_actions(lead):
    endpoint = endpoint_make()
    html = lead.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert f"{DELIVERIES}?endpoint__id__exact={endpoint.pk}&amp;status__exact=failed" in html
    for page in ("rotate-secret", "resend-failed", "replay"):
        assert f"{ENDPOINTS}{endpoint.pk}/{page}/" in html


def test_rotating_asks_first_then_shows_the_new_secret_once(lead):
    endpoint = endpoint_make(secret="whsec_old")
    url = f"{ENDPOINTS}{endpoint.pk}/rotate-secret/"
    assert lead.get(url).status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.secret == "whsec_old"  # looking at the page changed nothing
    page = lead.post(url, follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != "whsec_old"
    assert endpoint.previous_secret == "whsec_old"
    assert [m for m in said(page) if endpoint.secret in m]
    assert endpoint.secret not in lead.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()


def test_the_delivery_log_filters_by_endpoint_status_and_event_type(lead):
    endpoint, other = endpoint_make(), endpoint_make()
    failed = delivery_make(endpoint, event_make("case.opened"), status="failed")
    done = delivery_make(endpoint, event_make("response.created"), status="succeeded")
    theirs = delivery_make(other, status="failed")

    def listed(query: str) -> set[int]:
        page = lead.get(f"{DELIVERIES}?{query}")
        assert page.status_code == 200
        return {delivery.pk for delivery in page.context["cl"].result_list}

    assert listed(f"endpoint__id__exact={endpoint.pk}") == {failed.pk, done.pk}
    assert listed("status__exact=failed") == {failed.pk, theirs.pk}  # the dead letters
    assert listed(f"endpoint__id__exact={endpoint.pk}&event__type__exact=response.created") == {done.pk}


def test_a_delivery_page_shows_every_attempt_and_edits_nothing(lead):
    delivery = delivery_make(endpoint_make(), status="retrying", attempts=2)
    attempt_make(delivery, status_code=503, response_excerpt="upstream busy", latency_ms=1234)
    attempt_make(delivery, status_code=None, error="connection refused")
    page = lead.get(f"{DELIVERIES}{delivery.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "upstream busy" in html and "connection refused" in html and "1234" in html  # noqa: PT018
    assert delivery.event.webhook_id in html
    assert 'name="_save"' not in html


def test_resend_the_selected_deliveries(lead):
    endpoint = endpoint_make()
    failed, done = delivery_make(endpoint, status="failed"), delivery_make(endpoint, status="succeeded")
    data = {"action": "resend", "index": "0", "_selected_action": [failed.pk]}
    page = lead.post(DELIVERIES, data, follow=True)
    assert said(page, messages.SUCCESS) == ["1 delivery queued to be sent now."]
    assert dict(Delivery.objects.values_list("pk", "status")) == {failed.pk: "pending", done.pk: "succeeded"}


def test_resend_all_failed_of_an_endpoint(lead):
    endpoint, other = endpoint_make(), endpoint_make()
    failed = [delivery_make(endpoint, status="failed") for _ in range(2)]
    theirs = delivery_make(other, status="failed")
    url = f"{ENDPOINTS}{endpoint.pk}/resend-failed/"
    assert "2" in lead.get(url).content.decode()
    page = lead.post(url, follow=True)
    assert said(page, messages.SUCCESS) == ["2 deliveries queued to be sent now."]
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert [statuses[d.pk] for d in failed] == ["pending", "pending"]
    assert statuses[theirs.pk] == "failed"
    data = {"action": "resend_failed", "index": "0", "_selected_action": [other.pk]}
    assert said(lead.post(ENDPOINTS, data, follow=True), messages.SUCCESS) == ["1 delivery queued to be sent now."]


def test_replay_sends_the_range_of_subscribed_events(lead):
    endpoint = endpoint_make(events=["case.opened", "case.resolved"])
    event_make("case.opened", ago=timedelta(days=5))
    recent = [event_make("case.opened", ago=timedelta(hours=2)), event_make("case.resolved", ago=timedelta(hours=1))]
    event_make("response.created", ago=timedelta(hours=1))  # not subscribed
    url = f"{ENDPOINTS}{endpoint.pk}/replay/"
    form = lead.get(url)
    assert form.status_code == 200
    assert 'value="case.resolved"' in form.content.decode()
    assert 'value="response.created"' not in form.content.decode()
    since = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = lead.post(url, {"since": since}, follow=True)
    assert said(page, messages.SUCCESS) == ["2 deliveries queued to be sent now."]
    assert set(Delivery.objects.values_list("event_id", flat=True)) == {event.pk for event in recent}
    lead.post(url, {"since": since, "types": ["case.resolved"]})
    assert Delivery.objects.get(event=recent[1]).status == "pending"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "since"),
        ({"since": "soon"}, "since"),
        ({"since": "2026-12-02T00:00", "until": "2026-12-01T00:00"}, "until"),
    ],
)
def test_a_bad_replay_is_a_400_on_its_field(lead, data, field):
    endpoint = endpoint_make()
    page = lead.post(f"{ENDPOINTS}{endpoint.pk}/replay/", data)
    assert page.status_code == 400
    assert field in page.context["form"].errors
    assert not Delivery.objects.exists()


def test_events_are_read_only(lead):
    event = event_make(comment="太慢了")
    page = lead.get(f"{EVENTS}{event.pk}/change/")
    assert page.status_code == 200
    assert "太慢了" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert lead.get(f"{EVENTS}add/").status_code == 403


def test_cx_staff_see_no_webhooks(client, user_with_role):
    client.force_login(user_with_role("CX staff", "staff"))
    endpoint = endpoint_make()
    for url in (ENDPOINTS, DELIVERIES, f"{ENDPOINTS}{endpoint.pk}/replay/", f"{ENDPOINTS}{endpoint.pk}/rotate-secret/"):
        assert client.get(url).status_code == 403, url
