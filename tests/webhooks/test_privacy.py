"""The outbox forgets a customer with the rest of the platform, and loses comments past the retention period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.services.privacy import comments_purge, customer_forget
from tests.surveys.factories import CustomerFactory
from webhooks import catalogue
from webhooks.models import Event
from webhooks.services import events

pytestmark = pytest.mark.django_db


def _case_event(external_id: str) -> Event:
    data = {"priority": "P1", "customer": {"external_id": external_id, "email": "x@example.com"}, "comment": "slow"}
    return events.event_record(catalogue.CASE_OPENED, data, object_id=1)


def test_forgetting_a_customer_scrubs_their_events_only():
    forgotten = CustomerFactory(external_id="gone-1")
    theirs, other = _case_event("gone-1"), _case_event("stays-1")
    erasure = customer_forget(external_id=forgotten.external_id, via="api")
    theirs.refresh_from_db()
    other.refresh_from_db()
    assert theirs.data == {"priority": "P1", "customer": None, "comment": ""}
    assert other.data["customer"]["email"] == "x@example.com"
    assert erasure.counts["webhook_events"] == 1


def test_the_retention_purge_removes_old_comments_from_events():
    old, recent = _case_event("a"), _case_event("b")
    Event.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - timedelta(days=400))
    erasure = comments_purge(before=timezone.now() - timedelta(days=365))
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.data["comment"] == ""
    assert recent.data["comment"] == "slow"
    assert erasure.counts["webhook_events"] == 1


def _analysed_event(external_id: str) -> Event:
    data = {
        "customer": {"external_id": external_id, "email": "x@example.com"},
        "comment": "Sarah from support was rude",
        "keywords": ["Sarah", "support"],
        "aspects": [{"term": "Sarah", "label": "neg"}, {"term": "support", "label": "neg"}],
    }
    return events.event_record(catalogue.FEEDBACK_ANALYSED, data, object_id=2)


def test_the_words_cut_from_a_comment_go_with_it():
    forgotten = CustomerFactory(external_id="gone-2")
    theirs, old = _analysed_event("gone-2"), _analysed_event("stays-2")
    Event.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - timedelta(days=400))

    customer_forget(external_id=forgotten.external_id, via="api")
    comments_purge(before=timezone.now() - timedelta(days=365))

    for event in (theirs, old):
        event.refresh_from_db()
        assert (event.data["comment"], event.data["keywords"], event.data["aspects"]) == ("", [], [])
    again = comments_purge(before=timezone.now() - timedelta(days=365))
    assert again is None or again.counts["webhook_events"] == 0  # nothing left to purge
