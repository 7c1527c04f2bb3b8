"""Writing events into the outbox, in the transaction (or the statement) of the change that causes them.

An event exists if and only if its change committed: the callers write it inside their own
transaction, and an answer's statement carries it as one more step (`event_step_sql`). Once
committed, a run of the webhooks pump hands it to the endpoints subscribed to its type.
"""

import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from webhooks import catalogue
from webhooks.models import Event

logger = logging.getLogger(__name__)


def event_record(
    event_type: str, data: dict[str, Any], *, object_id: int | None = None, occurred_at: datetime | None = None
) -> Event:
    """Write one event in the caller's transaction; once it commits, the pump is woken."""
    return events_record([(event_type, data, object_id)], occurred_at=occurred_at)[0]


def events_record(
    events: Iterable[tuple[str, dict[str, Any], int | None]], *, occurred_at: datetime | None = None
) -> list[Event]:
    """Write several events (type, data, object id) in the caller's transaction, in one INSERT."""
    at = occurred_at or timezone.now()
    rows = []
    for event_type, data, object_id in events:
        if event_type not in catalogue.EVENT_TYPES:
            raise ValueError(f"Unknown event type {event_type!r}.")
        rows.append(Event(type=event_type, data=_plain(data), object_id=object_id, occurred_at=at))
    if not rows:
        return []
    stored = Event.objects.bulk_create(rows)
    transaction.on_commit(webhooks_kick, robust=True)
    return stored


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The data as JSON holds it (dates as ISO strings, decimals as strings), so that what is stored is what is sent."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class _KickWindow:
    """At most one pump message per window per process; the next window opens once this one closed."""

    def __init__(self) -> None:
        self.closes = 0.0

    def open(self, *, now: float, seconds: float) -> bool:
        if now < self.closes:
            return False
        self.closes = now + seconds
        return True


_kick_window = _KickWindow()


def webhooks_kick() -> None:
    """Wake the pump after events committed: one message per CX_WEBHOOKS_KICK_SECONDS window per process.

    Without a broker (the embedded default) the in-process scheduler's sweep delivers within
    CX_WEBHOOKS_SWEEP_SECONDS, so that a slow receiver never holds up the request that made the event.
    A message lost with the broker is made up by beat's sweep; so is one that could not be sent:
    a broker that is down costs one refused connection, not a retry, and the next try waits for
    the sweep's interval, so that answers keep being taken at once while it is down.
    """
    from webhooks import tasks  # tasks import these services

    if tasks.webhook_pump.app.conf.task_always_eager:
        return
    window = settings.CX_WEBHOOKS_KICK_SECONDS
    now = time.monotonic()
    if not _kick_window.open(now=now, seconds=window):
        return
    try:
        tasks.webhook_pump.apply_async(countdown=window, retry=False)
    except (OSError, OperationalError) as error:
        _kick_window.closes = now + settings.CX_WEBHOOKS_SWEEP_SECONDS
        logger.warning("The webhooks pump was not woken (%s); beat's sweep delivers instead.", error)
