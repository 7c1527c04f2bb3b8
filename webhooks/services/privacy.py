"""Personal data in the outbox: forgotten with the customer, and comments purged past the retention period.

An event keeps a snapshot of what its change carried, so it is scrubbed where the rest of the
platform is: a delivery still waiting then sends the scrubbed data, and the chat messages made
from it are written again from what is left.
"""

from collections.abc import Sequence
from datetime import datetime

from webhooks.models import Event
from webhooks.services.chat import chat_messages_rewrite


def events_forget_customers(*, external_ids: Sequence[str]) -> int:
    """Anonymize the events about these customers (their `customer` null, their `comment` empty); return how many.

    In the caller's transaction (forgetting a customer everywhere). Deliveries not yet sent are
    rendered from the event's data when they are sent, so they send it anonymized.
    """
    ids = [external_id for external_id in external_ids if external_id]
    if not ids:
        return 0
    changed = list(Event.objects.select_for_update().filter(data__customer__external_id__in=ids).only("id", "data"))
    for event in changed:
        event.data = {**event.data, "customer": None, **({"comment": ""} if "comment" in event.data else {})}
    Event.objects.bulk_update(changed, ["data"], batch_size=500)
    chat_messages_rewrite(changed)
    return len(changed)


def events_comments_purge(*, before: datetime) -> int:
    """Empty the comment of events that happened before a moment; return how many changed."""
    changed = []
    for event in (
        Event.objects.filter(occurred_at__lt=before, data__has_key="comment")
        .exclude(data__comment="")
        .only("id", "data")
    ):
        event.data = {**event.data, "comment": ""}
        changed.append(event)
    Event.objects.bulk_update(changed, ["data"], batch_size=500)
    chat_messages_rewrite(changed)
    return len(changed)
