"""The pump's recording of a batch (one statement on PostgreSQL, the ORM elsewhere), its lease and its retry scale."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.sql_paths import same_on_each_path
from webhooks import catalogue, retry
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.services import delivery, endpoints, events

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def _deliveries(receiver, count: int) -> list[Delivery]:
    endpoint = endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_OPENED])
    receiver.secret = endpoint.secret
    events.events_record([(catalogue.CASE_OPENED, {"priority": "P2"}, n) for n in range(count)])
    delivery.events_fan_out()
    return delivery.deliveries_claim(limit=count)


def _stored() -> tuple[list, list]:
    deliveries = Delivery.objects.order_by("event__object_id").values_list(
        "event__object_id", "status", "attempts", "next_attempt_at", "claimed_until", "last_status_code", "last_error"
    )
    attempts = Attempt.objects.order_by("delivery__event__object_id").values_list(
        "delivery__event__object_id", "at", "status_code", "latency_ms", "response_excerpt", "error", "succeeded"
    )
    return list(deliveries), list(attempts)


def test_a_batch_is_recorded_alike_by_the_statement_and_by_the_orm(receiver, settings):
    """A success, a retried 5xx, a 429 with Retry-After, a dead 4xx, a connection error and a refused address."""
    settings.CX_WEBHOOKS_RETRY_SCALE = 0  # no jitter: both paths schedule the same retries
    claimed = _deliveries(receiver, 6)
    first = Delivery.objects.filter(id=claimed[0].id)
    first.update(attempts=2, last_error="HTTP 503")  # a delivery already tried twice

    def scenario():
        fresh = delivery.deliveries_claim(limit=10, now=timezone.now() + timedelta(days=1))  # past the leases
        a, b, c, d, e, f = (x.id for x in fresh)
        sent = [
            delivery.Sent(a, AT, 204, 12),
            delivery.Sent(b, AT, 503, 40, excerpt="服务不可用"),
            delivery.Sent(c, AT, 429, 3, retry_after="120"),
            delivery.Sent(d, AT, 410, 5, excerpt="gone"),
            delivery.Sent(e, AT, None, 5000, error="ConnectionError: reset"),
            delivery.Sent(f, AT, None, 0, error="loopback address", refused=True),
        ]
        counts = delivery.deliveries_record(fresh, sent)
        return counts, _stored()

    counts, (stored, attempts) = same_on_each_path(scenario)
    assert counts == {"succeeded": 1, "retrying": 3, "failed": 2}
    by_object = {row[0]: row[1:] for row in stored}
    assert by_object[0] == ("succeeded", 3, None, None, 204, "")
    assert by_object[1] == ("retrying", 1, AT, None, 503, "HTTP 503")
    assert by_object[2] == ("retrying", 1, AT + timedelta(seconds=120), None, 429, "HTTP 429")
    assert by_object[3] == ("failed", 1, None, None, 410, "HTTP 410")
    assert by_object[4] == ("retrying", 1, AT, None, None, "ConnectionError: reset")
    assert by_object[5] == ("failed", 1, None, None, None, "loopback address")
    assert [row[0] for row in attempts] == [0, 1, 2, 3, 4, 5]
    assert attempts[1] == (1, AT, 503, 40, "服务不可用", "", False)
    assert attempts[0][-1] is True
    assert not any(row[-1] for row in attempts[1:])


def test_the_pump_delivers_a_batch_and_keeps_each_attempt(receiver):
    endpoint = endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_OPENED])
    receiver.secret = endpoint.secret
    events.events_record([(catalogue.CASE_OPENED, {"priority": "P2"}, n) for n in range(30)])
    assert delivery.webhooks_pump(batch=7)["succeeded"] == 30
    assert len(receiver.received) == 30
    assert all(got.verified for got in receiver.received)
    assert Delivery.objects.filter(status="succeeded", attempts=1, claimed_until__isnull=True).count() == 30
    assert Attempt.objects.filter(succeeded=True, status_code=204).count() == 30
    assert Endpoint.objects.get().failing_since is None


def test_a_claim_is_leased_for_the_lease_setting(receiver, settings):
    settings.CX_WEBHOOKS_LEASE_SECONDS = 7
    now = timezone.now()
    [claimed] = _deliveries(receiver, 1)
    until = Delivery.objects.get(id=claimed.id).claimed_until
    assert now + timedelta(seconds=7) <= until <= timezone.now() + timedelta(seconds=7)
    assert delivery.deliveries_claim(limit=5, now=until - timedelta(seconds=1)) == []
    assert [d.id for d in delivery.deliveries_claim(limit=5, now=until + timedelta(seconds=1))] == [claimed.id]


def test_the_retry_scale_shortens_the_backoff_but_not_a_receivers_retry_after():
    far = AT + timedelta(days=3)
    plain = retry.next_attempt(failures=1, now=AT, give_up_at=far, asked=None, rng=random.Random(1))
    scaled = retry.next_attempt(failures=1, now=AT, give_up_at=far, asked=None, scale=0.01, rng=random.Random(1))
    assert plain is not None
    assert scaled is not None
    assert (scaled - AT).total_seconds() == pytest.approx((plain - AT).total_seconds() * 0.01, abs=1e-5)
    asked = retry.next_attempt(failures=1, now=AT, give_up_at=far, asked=5.0, scale=0.01, rng=random.Random(1))
    assert asked == AT + timedelta(seconds=5)


def test_events_are_fanned_out_alike_by_the_statement_and_by_the_orm(receiver):
    """Subscribed active endpoints only, an existing delivery kept, every event marked handed on, oldest first."""
    subscribed = endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_OPENED, catalogue.CASE_RESOLVED])
    endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_RESOLVED])
    endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_OPENED], active=False)
    at = timezone.now() - timedelta(hours=1)
    recorded = events.events_record(
        [(catalogue.CASE_OPENED, {"n": n}, n) for n in range(4)] + [(catalogue.CASE_RESOLVED, {}, 9)], occurred_at=at
    )
    kept = Delivery.objects.create(
        endpoint=subscribed, event=recorded[0], status="succeeded", attempts=1, give_up_at=at
    )

    def scenario():
        handed = [delivery.events_fan_out(limit=3), delivery.events_fan_out(limit=3), delivery.events_fan_out()]
        rows = Delivery.objects.order_by("event__object_id", "endpoint_id").values_list(
            "endpoint__events", "event__object_id", "status", "attempts", "give_up_at", "claimed_until", "last_error"
        )
        waiting = Event.objects.filter(fanned_out=False).count()
        return handed, list(rows), waiting

    handed, rows, waiting = same_on_each_path(scenario)
    assert handed == [3, 2, 0]
    assert waiting == 0
    opened_resolved, resolved = [catalogue.CASE_OPENED, catalogue.CASE_RESOLVED], [catalogue.CASE_RESOLVED]
    give_up = at + retry.RETRY_FOR
    assert rows == [
        (opened_resolved, 0, "succeeded", 1, at, None, ""),  # already there: kept as it was
        *((opened_resolved, n, "pending", 0, give_up, None, "") for n in (1, 2, 3)),
        (opened_resolved, 9, "pending", 0, give_up, None, ""),
        (resolved, 9, "pending", 0, give_up, None, ""),
    ]
    assert Delivery.objects.get(id=kept.id).status == "succeeded"


def test_a_run_out_of_time_sends_nothing_more_and_says_so(receiver):
    endpoint = endpoints.endpoint_create(url=receiver.url, events=[catalogue.CASE_OPENED])
    receiver.secret = endpoint.secret
    events.events_record([(catalogue.CASE_OPENED, {"priority": "P2"}, n) for n in range(5)])
    quiet_chat = {"chat_sent": 0, "chat_retrying": 0, "chat_failed": 0}
    assert delivery.webhooks_pump(seconds=0) == {
        "events": 5,
        "succeeded": 0,
        "retrying": 0,
        "failed": 0,
        "more": 1,
        **quiet_chat,
    }
    assert receiver.received == []
    assert delivery.webhooks_pump(batch=2) == {"events": 0, "succeeded": 5, "retrying": 0, "failed": 0, **quiet_chat}
    assert Delivery.objects.filter(claimed_until__isnull=False).count() == 0
