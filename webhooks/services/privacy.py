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
    """Anonymize the events about these customers (`customer` null; `comment`, `keywords`, `aspects`, `answers` empty).

    Returns how many.

    In the caller's transaction (forgetting a customer everywhere). Deliveries not yet sent are
    rendered from the event's data when they are sent, so they send it anonymized.
    """
    ids = [external_id for external_id in external_ids if external_id]
    if not ids:
        return 0
    changed = list(Event.objects.select_for_update().filter(data__customer__external_id__in=ids).only("id", "data"))
    for event in changed:
        event.data = {**event.data, "customer": None, **_words_removed(event.data)}
    Event.objects.bulk_update(changed, ["data"], batch_size=500)
    chat_messages_rewrite(changed)
    return len(changed)


def events_comments_purge(*, before: datetime) -> int:
    """Empty the comment, the keywords and aspects cut from it, and the answers, of events before a moment.

    Returns how many changed.
    """
    changed = []
    for event in (
        Event.objects.filter(occurred_at__lt=before, data__has_key="comment")
        .exclude(data__comment="", data__keywords=[], data__aspects=[], data__answers={})
        .only("id", "data")
    ):
        removed = _words_removed(event.data)
        if all(event.data.get(key) == value for key, value in removed.items()):
            continue
        event.data = {**event.data, **removed}
        changed.append(event)
    Event.objects.bulk_update(changed, ["data"], batch_size=500)
    chat_messages_rewrite(changed)
    return len(changed)


def _words_removed(data: dict) -> dict:
    """The comment emptied, with the keywords and aspects cut out of its words, for the fields the event has.

    An answer's answers to additional questions may hold free text: they go with the comment.
    """
    empty = {"comment": "", "keywords": [], "aspects": [], "answers": {}}
    return {key: value for key, value in empty.items() if key in data}
