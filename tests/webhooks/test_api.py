"""The webhooks API: endpoints (the secret shown on creation and rotation only), delivery logs, resend, replay."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.webhooks.factories import attempt_make, delivery_make, endpoint_make, event_make
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks/"
NEW = {"url": "https://hooks.example.com/crm", "events": ["case.opened"], "description": "CRM"}


@pytest.fixture
def lead(user_with_role):
    client = APIClient()
    client.user = user_with_role("CX lead", "lead")
    client.force_authenticate(client.user)
    return client


def _fields(response) -> dict:
    return response.json()["error"]["fields"]


def test_creating_an_endpoint_answers_its_secret_this_once(lead):
    response = lead.post(URL, {**NEW, "personal_fields": ["email"]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = Endpoint.objects.get()
    assert body["secret"] == endpoint.secret
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["case.opened"]
    assert body["personal_fields"] == ["email"]
    assert body["owner"] == lead.user.pk
    assert body["deliveries"] == {"pending": 0, "retrying": 0, "succeeded": 0, "failed": 0}
    for shown in (lead.get(URL).json()[0], lead.get(f"{URL}{endpoint.pk}/").json()):
        assert "secret" not in shown
        assert endpoint.secret not in str(shown)


def test_an_endpoint_receives_no_personal_field_unless_asked(lead):
    assert lead.post(URL, NEW, format="json").json()["personal_fields"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "events": ["case.exploded"]}, "events.0"),
        ({**NEW, "events": []}, "events"),
        ({**NEW, "personal_fields": ["phone"]}, "personal_fields.0"),
        ({**NEW, "url": "ftp://hooks.example.com/"}, "url"),
        ({**NEW, "url": 7}, "url"),
        ({**NEW, "secret": "whsec_mine"}, "secret"),
        ({**NEW, "active": "yes"}, "active"),
        ({"events": ["case.opened"]}, "url"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(lead, body, field):
    response = lead.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in _fields(response)
    assert not Endpoint.objects.exists()


def test_a_private_address_is_refused_unless_allowed(lead, settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False
    response = lead.post(URL, {**NEW, "url": "http://127.0.0.1:8080/in"}, format="json")
    assert response.status_code == 400
    assert "127.0.0.1" in _fields(response)["url"][0]
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = True
    assert lead.post(URL, {**NEW, "url": "http://127.0.0.1:8080/in"}, format="json").status_code == 201


def test_patch_changes_what_it_sends_and_turning_back_on_clears_the_failures(lead):
    endpoint = endpoint_make(active=False, failing_since=timezone.now(), disabled_reason="Every delivery failed.")
    response = lead.patch(f"{URL}{endpoint.pk}/", {"active": True, "events": ["case.resolved"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is True
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.failing_since, endpoint.disabled_reason) == (["case.resolved"], None, "")
    assert "secret" not in response.json()


def test_patch_refusals_name_the_field_and_change_nothing(lead, settings):
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = endpoint_make()
    response = lead.patch(f"{URL}{endpoint.pk}/", {"url": "http://10.0.0.5/", "description": "x"}, format="json")
    assert response.status_code == 400
    assert "url" in _fields(response)
    endpoint.refresh_from_db()
    assert endpoint.description == ""


def test_unknown_endpoints_are_404(lead):
    for method, path in (("get", "1/"), ("patch", "1/"), ("delete", "1/"), ("post", "1/rotate-secret/")):
        response = getattr(lead, method)(f"{URL}{path}", {}, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"
    gets, posts = ("1/deliveries/", "1/deliveries/1/"), ("1/resend-failed/", "1/deliveries/1/resend/", "1/replay/")
    for call, path in [(lead.get, path) for path in gets] + [(lead.post, path) for path in posts]:
        body = {"since": "2026-12-01T00:00:00Z"} if path.endswith("replay/") else None
        assert call(f"{URL}{path}", body, format="json").status_code == 404, path


def test_delete_removes_the_endpoint_with_its_deliveries(lead):
    endpoint = endpoint_make()
    delivery_make(endpoint)
    assert lead.delete(f"{URL}{endpoint.pk}/").status_code == 204
    assert not Endpoint.objects.exists()
    assert not Delivery.objects.exists()


def test_rotating_answers_the_new_secret_and_the_old_one_stays_valid_a_day(lead):
    endpoint = endpoint_make(secret="whsec_old")
    response = lead.post(f"{URL}{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    body = response.json()
    endpoint.refresh_from_db()
    assert body["secret"] == endpoint.secret != "whsec_old"
    assert endpoint.previous_secret == "whsec_old"
    valid_until = endpoint.previous_secret_until - timezone.now()
    assert timedelta(hours=23, minutes=59) < valid_until <= timedelta(hours=24)
    assert lead.get(f"{URL}{endpoint.pk}/").json()["previous_secret_valid_until"] is not None
    # a second rotation within the day would cut the first secret's grace short: refused, nothing changed
    again = lead.post(f"{URL}{endpoint.pk}/rotate-secret/")
    assert again.status_code == 400
    assert "24 hours" in again.json()["error"]["fields"]["secret"][0]
    assert Endpoint.objects.get(pk=endpoint.pk).secret == body["secret"]


def test_the_delivery_log_filters_by_status_and_event_type(lead):
    endpoint, other = endpoint_make(), endpoint_make()
    failed = delivery_make(endpoint, event_make("case.opened"), status="failed", last_status_code=410)
    delivery_make(endpoint, event_make("response.created"), status="succeeded")
    delivery_make(other, status="failed")
    log = f"{URL}{endpoint.pk}/deliveries/"
    assert lead.get(log).json()["count"] == 2
    page = lead.get(log, {"status": "failed"}).json()
    assert [row["id"] for row in page["results"]] == [failed.pk]
    row = page["results"][0]
    assert row["webhook_id"] == failed.event.webhook_id
    assert (row["event_type"], row["last_status_code"], row["endpoint_id"]) == ("case.opened", 410, endpoint.pk)
    assert lead.get(log, {"event_type": "response.created"}).json()["count"] == 1
    assert lead.get(f"{URL}{endpoint.pk}/").json()["deliveries"]["failed"] == 1
    for bad in ({"status": "lost"}, {"status": ""}, {"event_type": "case.exploded"}, {"page": "x"}):
        response = lead.get(log, bad)
        assert response.status_code == 400, bad
        assert set(bad) <= set(_fields(response))


def test_a_delivery_shows_every_attempt(lead):
    endpoint = endpoint_make()
    delivery = delivery_make(endpoint, status="retrying", attempts=2)
    attempt_make(delivery, at=timezone.now() - timedelta(minutes=1), status_code=None, error="timed out")
    attempt_make(delivery, status_code=503, response_excerpt="busy", latency_ms=12)
    body = lead.get(f"{URL}{endpoint.pk}/deliveries/{delivery.pk}/").json()
    assert [a["status_code"] for a in body["attempt_log"]] == [503, None]
    assert body["attempt_log"][0]["response_excerpt"] == "busy"
    assert body["attempt_log"][1]["error"] == "timed out"
    assert lead.get(f"{URL}{endpoint_make().pk}/deliveries/{delivery.pk}/").status_code == 404  # not its delivery


def test_resend_queues_one_delivery_again_now(lead):
    endpoint = endpoint_make()
    delivery = delivery_make(endpoint, status="failed")
    response = lead.post(f"{URL}{endpoint.pk}/deliveries/{delivery.pk}/resend/")
    assert response.json() == {"queued": 1}
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at <= timezone.now()


def test_resend_failed_queues_only_the_failed_ones_of_that_endpoint(lead):
    endpoint, other = endpoint_make(), endpoint_make()
    failed = [delivery_make(endpoint, status="failed") for _ in range(2)]
    done = delivery_make(endpoint, status="succeeded")
    theirs = delivery_make(other, status="failed")
    assert lead.post(f"{URL}{endpoint.pk}/resend-failed/").json() == {"queued": 2}
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert [statuses[d.pk] for d in failed] == ["pending", "pending"]
    assert (statuses[done.pk], statuses[theirs.pk]) == ("succeeded", "failed")


def test_replay_by_time_queues_the_subscribed_events_of_the_range(lead):
    endpoint = endpoint_make(events=["case.opened"])
    old, recent = event_make(ago=timedelta(days=10)), event_make(ago=timedelta(hours=1))
    event_make("response.updated", ago=timedelta(hours=1))  # not subscribed
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = lead.post(f"{URL}{endpoint.pk}/replay/", {"since": since}, format="json")
    assert response.json() == {"queued": 1}
    assert list(Delivery.objects.values_list("event_id", flat=True)) == [recent.pk]
    response = lead.post(
        f"{URL}{endpoint.pk}/replay/", {"first_event_id": old.pk, "last_event_id": recent.pk}, format="json"
    )
    assert response.json() == {"queued": 2}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "since"),
        ({"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"}, "until"),
        ({"since": "yesterday"}, "since"),
        ({"since": 1765000000}, "since"),
        ({"first_event_id": 9, "last_event_id": 3}, "last_event_id"),
        ({"first_event_id": "9"}, "first_event_id"),
        ({"since": "2026-12-01T00:00:00Z", "types": ["case.exploded"]}, "types.0"),
        ({"since": "2026-12-01T00:00:00Z", "from": "x"}, "from"),
    ],
)
def test_a_bad_replay_is_a_400_naming_the_field(lead, body, field):
    endpoint = endpoint_make()
    response = lead.post(f"{URL}{endpoint.pk}/replay/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in _fields(response)


def test_dead_letters_are_the_failed_deliveries_of_every_endpoint(lead):
    one, two = endpoint_make(), endpoint_make()
    failed = [delivery_make(one, status="failed"), delivery_make(two, status="failed")]
    delivery_make(one, status="retrying")
    page = lead.get(f"{URL}dead-letters/").json()
    assert sorted(row["id"] for row in page["results"]) == sorted(d.pk for d in failed)
    assert lead.get(f"{URL}dead-letters/", {"endpoint": two.pk}).json()["count"] == 1
    assert lead.get(f"{URL}dead-letters/", {"endpoint": "two"}).status_code == 400


def test_the_event_types_are_the_catalogue(lead):
    types = lead.get(f"{URL}event-types/").json()
    assert "case.opened" in [row["type"] for row in types]
    assert all(row["description"] for row in types)


def test_cx_staff_may_not_see_or_subscribe_endpoints(user_with_role):
    client = APIClient()
    client.force_authenticate(user_with_role("CX staff", "staff"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, NEW, format="json").status_code == 403


def test_ids_past_the_largest_integer_are_unknown_not_errors(lead):
    huge = 10**30
    for path in (f"{huge}/", f"{huge}/deliveries/", f"1/deliveries/{huge}/"):
        assert lead.get(f"{URL}{path}").status_code == 404, path
    for path in (f"{huge}/rotate-secret/", f"{huge}/resend-failed/", f"1/deliveries/{huge}/resend/"):
        assert lead.post(f"{URL}{path}").status_code == 404, path
    assert lead.get(f"{URL}dead-letters/", {"endpoint": huge}).status_code == 400
