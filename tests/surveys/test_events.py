"""surveys.services.events: an event's own delay, and customers recorded without an event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import Customer, Invitation, TouchpointEvent
from surveys.services.events import CustomerRecord, EventInput, customers_record, touchpoint_events_record
from tests.surveys.factories import ContactRuleFactory, CustomerFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def test_an_event_s_delay_replaces_the_rule_s_and_the_rest_of_the_policy_still_applies():
    ContactRuleFactory(touchpoint=TouchpointFactory(key="checkout"), delay_minutes=5)
    now = timezone.now()
    event = EventInput(
        touchpoint_key="checkout",
        customer=CustomerRecord(external_id="k1", email="k@example.com"),
        delay=timedelta(hours=2),
    )
    (first,) = touchpoint_events_record(events=[event], now=now)
    (second,) = touchpoint_events_record(events=[event], now=now)
    assert first.send_at == now + timedelta(hours=2)
    assert (second.decision, second.reason) == ("skipped", "cooldown")


def test_customers_are_recorded_without_an_event_or_an_invitation():
    CustomerFactory(external_id="k2", name="Kay", email="old@example.com")
    customers_record(customers=[CustomerRecord(external_id="k2", email="new@example.com"), CustomerRecord("k3")])
    assert list(Customer.objects.order_by("external_id").values_list("external_id", "name", "email")) == [
        ("k2", "Kay", "new@example.com"),
        ("k3", "", ""),
    ]
    assert not TouchpointEvent.objects.exists()
    assert not Invitation.objects.exists()
