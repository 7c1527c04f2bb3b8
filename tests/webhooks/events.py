"""Helpers for the events tests: the outbox's events, and an event's body as an endpoint receives it."""

import json

from jsonschema import Draft202012Validator, FormatChecker

from webhooks import catalogue
from webhooks.models import Delivery, Endpoint, Event
from webhooks.schemas import event_schema
from webhooks.services.delivery import body_for


def events(event_type: str | None = None) -> list[Event]:
    found = Event.objects.order_by("id")
    return list(found.filter(type=event_type) if event_type else found)


def received(event: Event, *, personal=catalogue.PERSONAL_FIELDS) -> dict:
    """The body an endpoint allowed `personal` gets (webhooks.services.delivery), checked against its JSON Schema."""
    endpoint = Endpoint(url="https://example.com/hook", events=[event.type], personal_fields=list(personal))
    body = json.loads(body_for(Delivery(event=event, endpoint=endpoint)))
    Draft202012Validator(event_schema(event.type), format_checker=FormatChecker()).validate(body)
    assert (body["type"], body["version"]) == (event.type, catalogue.PAYLOAD_VERSION)
    return body


def data(event: Event, **kwargs) -> dict:
    return received(event, **kwargs)["data"]
