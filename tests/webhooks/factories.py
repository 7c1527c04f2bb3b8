"""Endpoints, events, deliveries and attempts for the webhooks tests, made directly (no pump, no network)."""

from datetime import timedelta

from django.utils import timezone

from webhooks.models import Attempt, Delivery, Endpoint, Event


def endpoint_make(**fields) -> Endpoint:
    values = {"url": "https://hooks.example.com/in", "events": ["case.opened", "response.created"], "secret": "whsec_a"}
    return Endpoint.objects.create(**{**values, **fields})


def event_make(event_type: str = "case.opened", *, ago: timedelta = timedelta(0), **data) -> Event:
    return Event.objects.create(
        type=event_type, occurred_at=timezone.now() - ago, data={"id": 1, **data}, fanned_out=True
    )


def delivery_make(endpoint: Endpoint, event: Event | None = None, *, status: str = "succeeded", **fields) -> Delivery:
    event = event or event_make()
    values = {"give_up_at": event.occurred_at + timedelta(days=3), "attempts": 1}
    return Delivery.objects.create(endpoint=endpoint, event=event, status=status, **{**values, **fields})


def attempt_make(delivery: Delivery, **fields) -> Attempt:
    values = {"at": timezone.now(), "status_code": 500, "latency_ms": 42, "response_excerpt": "oops", "error": ""}
    return Attempt.objects.create(delivery=delivery, **{**values, **fields})
