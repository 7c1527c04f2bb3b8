"""Delivering the outbox to a real HTTP receiver on 127.0.0.1 that verifies with the `standardwebhooks` library."""

import socket
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.utils import timezone

from webhooks import catalogue
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.services import delivery, endpoints, events, owners, replay

pytestmark = pytest.mark.django_db

CASE = {
    "priority": "P1",
    "status": "open",
    "account": "acme",
    "customer": {"external_id": "c-1", "email": "li@example.com", "name": "李雷"},
    "comment": "导出一直失败",
}


def _endpoint(receiver, **options) -> Endpoint:
    options.setdefault("events", [catalogue.CASE_OPENED])
    endpoint = endpoints.endpoint_create(url=receiver.url, **options)
    receiver.secret = endpoint.secret
    return endpoint


def _event(event_type=catalogue.CASE_OPENED, data=CASE, object_id=7) -> Event:
    return events.event_record(event_type, data, object_id=object_id)


def _due_now() -> None:
    """Bring every retry's time to now, as if its wait had passed."""
    Delivery.objects.filter(status=Delivery.Status.RETRYING).update(next_attempt_at=timezone.now())


def test_a_subscribed_endpoint_gets_the_event_signed_and_without_personal_fields(receiver):
    _endpoint(receiver)
    event = _event()
    totals = delivery.webhooks_pump()
    assert {key: totals[key] for key in ("events", "succeeded", "retrying", "failed")} == {
        "events": 1,
        "succeeded": 1,
        "retrying": 0,
        "failed": 0,
    }
    [got] = receiver.received
    assert got.verified
    assert got.headers["webhook-id"] == event.webhook_id
    assert got.payload == {
        "type": "case.opened",
        "timestamp": event.occurred_at.isoformat(),
        "version": catalogue.PAYLOAD_VERSION,
        "data": {"id": 7, "priority": "P1", "status": "open", "account": "acme", "customer": {"external_id": "c-1"}},
    }
    [attempt] = Attempt.objects.all()
    assert attempt.succeeded
    assert attempt.status_code == 204
    assert attempt.latency_ms >= 0
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


def test_personal_fields_go_only_where_ticked(receiver):
    _endpoint(receiver, personal_fields=["email", "comment"])
    _event()
    delivery.webhooks_pump()
    data = receiver.received[0].payload["data"]
    assert data["customer"] == {"external_id": "c-1", "email": "li@example.com"}
    assert data["comment"] == "导出一直失败"


def test_only_active_endpoints_subscribed_to_the_type_get_a_delivery(receiver):
    _endpoint(receiver, events=[catalogue.CASE_RESOLVED])
    _endpoint(receiver, active=False)
    _event()
    delivery.webhooks_pump()
    assert receiver.received == []
    assert not Delivery.objects.exists()
    assert Event.objects.get().fanned_out


def test_an_event_rolled_back_with_its_change_is_never_sent(receiver):
    _endpoint(receiver)

    def change_that_fails():
        with transaction.atomic():
            _event()
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not Event.objects.exists()
    delivery.webhooks_pump()
    assert receiver.received == []


def test_a_5xx_is_retried_within_a_minute_with_the_same_webhook_id(receiver):
    receiver.reply = lambda n: (503, {}, b"busy") if n == 1 else (200, {}, b"ok")
    _endpoint(receiver)
    _event()
    before = timezone.now()
    assert delivery.webhooks_pump()["retrying"] == 1
    waiting = Delivery.objects.get()
    assert waiting.status == Delivery.Status.RETRYING
    assert waiting.last_status_code == 503
    assert before < waiting.next_attempt_at <= timezone.now() + timedelta(seconds=36)
    assert delivery.webhooks_pump()["succeeded"] == 0  # not due yet
    _due_now()
    assert delivery.webhooks_pump()["succeeded"] == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.verified
    assert second.verified
    attempts = list(Attempt.objects.order_by("id").values_list("status_code", "response_excerpt", "succeeded"))
    assert attempts == [(503, "busy", False), (200, "ok", True)]


def test_a_429_waits_as_long_as_retry_after_asks(receiver):
    receiver.reply = lambda n: (429, {"Retry-After": "300"}, b"")
    _endpoint(receiver)
    _event()
    delivery.webhooks_pump()
    waiting = Delivery.objects.get()
    assert waiting.status == Delivery.Status.RETRYING
    assert waiting.next_attempt_at >= timezone.now() + timedelta(seconds=295)


@pytest.mark.parametrize("status", [400, 404, 410, 302])
def test_other_statuses_fail_at_once_into_the_dead_letters(receiver, status):
    receiver.reply = lambda n: (status, {"Location": "https://example.com/"}, b"no such hook")
    _endpoint(receiver)
    _event()
    assert delivery.webhooks_pump()["failed"] == 1
    dead = Delivery.objects.get()
    assert dead.status == Delivery.Status.FAILED
    assert dead.next_attempt_at is None
    assert dead.last_error == f"HTTP {status}"


def test_a_timeout_is_retried(receiver, settings):
    settings.CX_WEBHOOKS_TIMEOUT_SECONDS = 0.2
    receiver.reply = lambda n: (time.sleep(1), (200, {}, b""))[1]
    _endpoint(receiver)
    _event()
    assert delivery.webhooks_pump()["retrying"] == 1
    assert "Timeout" in Delivery.objects.get().last_error


def test_a_refused_connection_is_retried(receiver):
    endpoint = _endpoint(receiver)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    Endpoint.objects.filter(pk=endpoint.pk).update(url=f"http://127.0.0.1:{port}/hooks")
    _event()
    assert delivery.webhooks_pump()["retrying"] == 1
    attempt = Attempt.objects.get()
    assert attempt.status_code is None
    assert "ConnectionError" in attempt.error


def test_retries_end_three_days_after_the_event(receiver):
    receiver.reply = lambda n: (500, {}, b"")
    _endpoint(receiver)
    _event()
    delivery.events_fan_out()
    Delivery.objects.update(give_up_at=timezone.now() + timedelta(seconds=5))
    assert delivery.webhooks_pump()["failed"] == 1
    assert Delivery.objects.get().status == Delivery.Status.FAILED


def test_a_day_of_failures_disables_the_endpoint_and_emails_its_owner_at_most_hourly(receiver):
    receiver.reply = lambda n: (500, {}, b"")
    owner = get_user_model().objects.create_user("hooks-owner", email="owner@example.com")
    endpoint = _endpoint(receiver, owner=owner)
    _event()
    delivery.webhooks_pump()
    endpoint.refresh_from_db()
    assert endpoint.active
    assert endpoint.failing_since is not None
    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=25))
    _due_now()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "on_commit", lambda fn, robust=False: fn())
        delivery.webhooks_pump()
        endpoint.refresh_from_db()
        assert not endpoint.active
        assert "24 hours" in endpoint.disabled_reason
        assert [message.to for message in mail.outbox] == [["owner@example.com"]]
        # turned back on and failing a day again within the hour: disabled, but no second email yet
        endpoints.endpoint_update(endpoint_id=endpoint.pk, active=True)
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=25))
        owners.endpoints_failing_check({endpoint.pk: False})
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert len(mail.outbox) == 1


def test_a_success_clears_the_failure_record(receiver):
    receiver.reply = lambda n: (500, {}, b"") if n == 1 else (204, {}, b"")
    endpoint = _endpoint(receiver)
    _event()
    delivery.webhooks_pump()
    assert Endpoint.objects.get(pk=endpoint.pk).failing_since is not None
    _due_now()
    delivery.webhooks_pump()
    assert Endpoint.objects.get(pk=endpoint.pk).failing_since is None


def test_deliveries_of_a_disabled_endpoint_wait_for_it(receiver):
    endpoint = _endpoint(receiver)
    _event()
    delivery.events_fan_out()
    endpoints.endpoint_update(endpoint_id=endpoint.pk, active=False)
    delivery.webhooks_pump()
    assert receiver.received == []
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    endpoints.endpoint_update(endpoint_id=endpoint.pk, active=True)
    delivery.webhooks_pump()
    assert len(receiver.received) == 1


def test_during_a_rotation_both_secrets_verify_then_only_the_new_one(receiver):
    endpoint = _endpoint(receiver)
    old = endpoint.secret
    rotated = endpoints.endpoint_secret_rotate(endpoint_id=endpoint.pk)
    assert rotated.secret != old
    assert rotated.secret.startswith("whsec_")
    _event()
    delivery.webhooks_pump()
    signatures = receiver.received[0].headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(s.startswith("v1,") for s in signatures)
    assert receiver.received[0].verified  # the old secret (the receiver's) still verifies
    receiver.secret = rotated.secret
    Endpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now() - timedelta(seconds=1))
    _event()
    delivery.webhooks_pump()
    assert receiver.received[1].verified
    assert len(receiver.received[1].headers["webhook-signature"].split(" ")) == 1


def test_the_address_is_checked_again_at_send_time(receiver, settings):
    _endpoint(receiver)
    settings.CX_WEBHOOKS_ALLOW_PRIVATE = False
    _event()
    assert delivery.webhooks_pump()["failed"] == 1
    assert receiver.received == []
    assert "loopback" in Attempt.objects.get().error


def test_a_delivery_whose_run_died_is_sent_again_once_its_lease_expires(receiver):
    _endpoint(receiver)
    event = _event()
    delivery.events_fan_out()
    [claimed] = delivery.deliveries_claim(limit=10)
    delivery.deliveries_send([claimed])  # sent, then the run is killed before recording it
    assert delivery.deliveries_claim(limit=10) == []  # leased
    Delivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert delivery.webhooks_pump()["succeeded"] == 1
    assert [got.headers["webhook-id"] for got in receiver.received] == [event.webhook_id] * 2


def test_resend_and_replay(receiver):
    receiver.reply = lambda n: (410, {}, b"gone") if n == 1 else (200, {}, b"")
    endpoint = _endpoint(receiver)
    first = _event()
    delivery.webhooks_pump()
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    assert replay.deliveries_resend_failed(endpoint_id=endpoint.pk) == 1
    delivery.webhooks_pump()
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED
    # events from before a second endpoint existed reach it by replay, under their own ids
    later = endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_OPENED, catalogue.CASE_RESOLVED])
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False)
    Endpoint.objects.filter(pk=later.pk).update(secret=endpoint.secret)
    assert replay.events_replay(endpoint_id=later.pk, since=first.occurred_at - timedelta(seconds=1)) == 1
    delivery.webhooks_pump()
    assert receiver.received[-1].headers["webhook-id"] == first.webhook_id
    assert Attempt.objects.count() == 3


def test_old_settled_events_are_pruned(receiver):
    _endpoint(receiver)
    _event()
    delivery.webhooks_pump()
    Event.objects.update(occurred_at=timezone.now() - timedelta(days=40))
    _event()  # recent: kept
    assert replay.events_prune(older_than=timezone.now() - timedelta(days=30)) == 1
    assert Event.objects.count() == 1
    assert not Attempt.objects.exists()


def test_a_huge_retry_after_or_a_nul_in_the_answer_is_recorded_like_any_other(receiver):
    receiver.reply = lambda n: (429, {"Retry-After": "9" * 20}, b"slow \x00 down")
    _endpoint(receiver)
    _event()
    assert delivery.webhooks_pump()["failed"] == 1  # the wait asked for is past the retries' end
    attempt = Attempt.objects.get()
    assert attempt.status_code == 429
    assert attempt.response_excerpt == "slow  down"


def test_only_the_start_of_a_long_answer_is_read(receiver):
    receiver.reply = lambda n: (200, {}, b"x" * 2_000_000)
    _endpoint(receiver)
    _event()
    assert delivery.webhooks_pump()["succeeded"] == 1
    assert Attempt.objects.get().response_excerpt == "x" * 500


def test_a_run_whose_lease_was_taken_back_keeps_its_attempt_but_not_its_outcome(receiver):
    receiver.reply = lambda n: (500, {}, b"")
    _endpoint(receiver)
    _event()
    delivery.events_fan_out()
    [claimed] = delivery.deliveries_claim(limit=10)
    sent = delivery.deliveries_send([claimed])
    replay.deliveries_resend(delivery_ids=[claimed.id])  # meanwhile, a lead resends it
    delivery.deliveries_record([claimed], sent)
    resent = Delivery.objects.get()
    assert resent.status == Delivery.Status.PENDING
    assert resent.attempts == 0
    assert Attempt.objects.count() == 1
