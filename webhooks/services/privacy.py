"""Personal data in the outbox: forgotten with the customer, and comments purged past the retention period.

An event keeps a snapshot of what its change carried, so it is scrubbed where the rest of the
platform is: a delivery still waiting then sends the scrubbed data.
"""

from collections.abc import Sequence
from datetime import datetime

from webhooks.models import Event


def events_forget_customers(*, external_ids: Sequence[str]) -> int:
    """Drop who the customer was (email, name, external id) and what they wrote from their events; return how many."""
    if not external_ids:
        return 0
    changed = []
    for event in Event.objects.filter(data__customer__external_id__in=list(external_ids)).only("id", "data"):
        event.data = {**event.data, "customer": None}
        event.data.pop("comment", None)
        changed.append(event)
    Event.objects.bulk_update(changed, ["data"], batch_size=500)
    return len(changed)


def events_comments_purge(*, before: datetime) -> int:
    """Remove the comment from events that happened before a moment; return how many changed."""
    changed = []
    for event in Event.objects.filter(occurred_at__lt=before, data__has_key="comment").only("id", "data"):
        event.data = {key: value for key, value in event.data.items() if key != "comment"}
        changed.append(event)
    Event.objects.bulk_update(changed, ["data"], batch_size=500)
    return len(changed)
