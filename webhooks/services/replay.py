"""Sending again by hand: one delivery, every failed one of an endpoint, or a range of events to an endpoint.

A resent delivery keeps its `webhook-id`, so a receiver that already processed it can tell; it gets
three more days of retries from now.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from webhooks import retry
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services.events import webhooks_kick


@transaction.atomic
def deliveries_resend(*, delivery_ids: Sequence[int]) -> int:
    """Queue these deliveries again, now (whatever their status); return how many."""
    now = timezone.now()
    transaction.on_commit(webhooks_kick, robust=True)
    return Delivery.objects.filter(id__in=list(delivery_ids)).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=now,
        claimed_until=None,
        give_up_at=now + retry.RETRY_FOR,
        updated_at=now,
    )


def deliveries_resend_failed(*, endpoint_id: int) -> int:
    """Queue every failed delivery (the dead letters) of an endpoint again; return how many."""
    ids = Delivery.objects.filter(endpoint_id=endpoint_id, status=Delivery.Status.FAILED).values_list("id", flat=True)
    return deliveries_resend(delivery_ids=list(ids))


@transaction.atomic
def events_replay(
    *,
    endpoint_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    types: Sequence[str] = (),
    first_id: int | None = None,
    last_id: int | None = None,
) -> int:
    """Send an endpoint the events of a time or id range again (only the types it subscribes to, or `types` of them).

    Events it already had are queued again under the same `webhook-id`; events from before it
    subscribed are delivered for the first time. Returns how many deliveries were queued.
    """
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    wanted = [event_type for event_type in endpoint.events if not types or event_type in types]
    events = Event.objects.filter(type__in=wanted)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    if first_id is not None:
        events = events.filter(id__gte=first_id)
    if last_id is not None:
        events = events.filter(id__lte=last_id)
    ids = list(events.values_list("id", flat=True))
    now = timezone.now()
    transaction.on_commit(webhooks_kick, robust=True)
    Delivery.objects.bulk_create(
        [
            Delivery(endpoint_id=endpoint_id, event_id=event_id, next_attempt_at=now, give_up_at=now + retry.RETRY_FOR)
            for event_id in ids
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    Delivery.objects.filter(endpoint_id=endpoint_id, event_id__in=events.values("id")).update(
        status=Delivery.Status.PENDING, next_attempt_at=now, claimed_until=None, give_up_at=now + retry.RETRY_FOR
    )
    return len(ids)


def events_prune(*, older_than: datetime) -> int:
    """Delete events older than this whose deliveries are all settled (succeeded or failed); return how many."""
    open_deliveries = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING])
    stale = Event.objects.filter(occurred_at__lt=older_than, fanned_out=True).exclude(
        id__in=open_deliveries.values("event_id")
    )
    _deleted, by_model = stale.delete()
    return by_model.get(Event._meta.label, 0)
