"""Delivering the outbox: events handed to their endpoints, due deliveries claimed, POSTed, and their outcome kept.

A run of the pump (webhooks.tasks.webhook_pump) repeats: fan out the committed events not yet
handed on, claim a batch of due deliveries (a lease, so that a run killed midway leaves them to
the next run once it expires), POST them concurrently, then record every attempt and schedule
each failure's retry, in one transaction per batch; the next batch is claimed and POSTed while
the one before is recorded. A delivery sent but not recorded (the run was killed) is sent again
with the same `webhook-id` once its lease expires: at least once, never lost.
"""

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.sql import postgresql_paths
from webhooks import catalogue, outbound, retry, signing, sql_delivery
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.services.chat import chat_messages_for_events, chat_pump_step
from webhooks.services.owners import endpoints_failing_check

_EXCERPT = 500
# What recording an attempt changes on its delivery.
_RECORDED = ("status", "attempts", "next_attempt_at", "claimed_until", "last_status_code", "last_error", "updated_at")


def events_fan_out(*, limit: int = 1000) -> int:
    """Hand committed events to the active endpoints subscribed to their types, and to the chat channels whose
    rules cover them (webhooks.services.chat), in one transaction; return how many events."""
    if postgresql_paths():
        with transaction.atomic():
            handed = sql_delivery.events_fan_out(limit=limit, now=timezone.now(), retry_for=retry.RETRY_FOR)
            if handed:
                chat_messages_for_events(list(handed))
        return len(handed)
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update(skip_locked=True)
            .filter(fanned_out=False)
            .order_by("id")
            .only("id", "type", "occurred_at")[:limit]
        )
        if not events:
            return 0
        endpoints = list(Endpoint.objects.filter(active=True).only("id", "events"))
        now = timezone.now()
        rows = [
            Delivery(
                endpoint_id=endpoint.id,
                event_id=event.id,
                next_attempt_at=now,
                give_up_at=event.occurred_at + retry.RETRY_FOR,
            )
            for event in events
            for endpoint in endpoints
            if event.type in endpoint.events
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        chat_messages_for_events([event.id for event in events])
        Event.objects.filter(id__in=[event.id for event in events]).update(fanned_out=True)
    return len(events)


def deliveries_claim(*, limit: int, now: datetime | None = None) -> list[Delivery]:
    """Lease up to `limit` due deliveries of active endpoints, oldest due first (SKIP LOCKED between claimers)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
                status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING],
                next_attempt_at__lte=now,
                endpoint__active=True,
            )
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if not due:
            return []
        lease = timedelta(seconds=settings.CX_WEBHOOKS_LEASE_SECONDS)  # longer than a batch can take
        Delivery.objects.filter(id__in=due).update(claimed_until=now + lease)
    return list(Delivery.objects.filter(id__in=due).select_related("endpoint", "event").order_by("id"))


@dataclass(frozen=True, slots=True)
class Sent:
    """What one POST came to."""

    delivery_id: int
    at: datetime
    status: int | None
    latency_ms: int
    excerpt: str = ""
    error: str = ""
    retry_after: str | None = None
    refused: bool = False  # the address check refused the URL: not retried


def body_for(delivery: Delivery) -> bytes:
    """The exact bytes POSTed for a delivery (the same on every attempt)."""
    event, endpoint = delivery.event, delivery.endpoint
    data = catalogue.data_for_endpoint(event.data, object_id=event.object_id, allowed=set(endpoint.personal_fields))
    envelope = catalogue.envelope(event_type=event.type, occurred_at=event.occurred_at.isoformat(), data=data)
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def endpoint_secrets(endpoint: Endpoint, *, now: datetime) -> list[str]:
    """The secrets a delivery is signed with: the current one, and the previous one during its grace period."""
    valid = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        valid.append(endpoint.previous_secret)
    return valid


def delivery_post(delivery: Delivery, *, refused: str | None = None) -> Sent:
    """POST one delivery; never raises (every failure is an outcome to record)."""
    at = timezone.now()
    if refused is not None:
        return Sent(delivery.id, at, None, 0, error=refused[:300], refused=True)
    body = body_for(delivery)
    headers = signing.headers(
        webhook_id=delivery.event.webhook_id,
        at=at,
        body=body,
        secrets_in_use=endpoint_secrets(delivery.endpoint, now=at),
    )
    started = time.monotonic()
    try:
        answer = outbound.post(
            delivery.endpoint.url,
            body=body,
            headers=headers,
            timeout=settings.CX_WEBHOOKS_TIMEOUT_SECONDS,
            read_at_most=_EXCERPT,
        )
    except requests.RequestException as exc:
        latency = int((time.monotonic() - started) * 1000)
        return Sent(delivery.id, at, None, latency, error=f"{exc.__class__.__name__}: {exc}"[:300].replace("\x00", ""))
    latency = int((time.monotonic() - started) * 1000)
    return Sent(delivery.id, at, answer.status, latency, excerpt=answer.text[:_EXCERPT], retry_after=answer.retry_after)


def deliveries_send(deliveries: list[Delivery]) -> list[Sent]:
    """POST a claimed batch concurrently (CX_WEBHOOKS_CONCURRENCY at a time), each URL checked first."""
    return deliveries_send_start(deliveries)()


def deliveries_send_start(deliveries: list[Delivery]) -> Callable[[], list[Sent]]:
    """Start POSTing a claimed batch (each URL checked first); return what waits for its outcomes, in order.

    The POSTs run on the process's senders, so that the caller can claim and record meanwhile.
    """
    refusals = outbound.refusals({delivery.endpoint_id: delivery.endpoint.url for delivery in deliveries})
    workers = max(1, settings.CX_WEBHOOKS_CONCURRENCY)
    if workers == 1 or len(deliveries) == 1:
        sent = [delivery_post(d, refused=refusals[d.endpoint_id]) for d in deliveries]
        return lambda: sent
    futures = [_pool(workers).submit(delivery_post, d, refused=refusals[d.endpoint_id]) for d in deliveries]
    return lambda: [future.result() for future in futures]


_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    """The process's senders: kept from batch to batch, so that each thread's session keeps its connections open.

    Made on first use, in the process that sends (a prefork worker's child, not its parent).
    """
    pool = _pools.get(workers)
    if pool is None:
        pool = _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cx-webhooks")
    return pool


def deliveries_record(deliveries: list[Delivery], sent: list[Sent]) -> dict[str, int]:
    """Keep every attempt and move each delivery on (succeeded, retried later, failed for good), in one transaction."""
    by_id = {delivery.id: delivery for delivery in deliveries}
    leases = {delivery.id: delivery.claimed_until for delivery in deliveries}
    attempts: list[tuple[Delivery, Attempt]] = []
    counts = {"succeeded": 0, "retrying": 0, "failed": 0}
    outcomes: dict[int, bool] = {}  # endpoint id → whether any of its deliveries succeeded in this batch
    for result in sent:
        delivery = by_id[result.delivery_id]
        verdict = (
            retry.Outcome(succeeded=False, retry=False)
            if result.refused
            else retry.outcome(status=result.status, retry_after=result.retry_after, now=result.at)
        )
        attempt = Attempt(
            delivery_id=delivery.id,
            at=result.at,
            status_code=result.status,
            latency_ms=result.latency_ms,
            response_excerpt=result.excerpt,
            error=result.error,
            succeeded=verdict.succeeded,
        )
        attempts.append((delivery, attempt))
        delivery.attempts += 1
        delivery.last_status_code = result.status
        delivery.last_error = result.error or ("" if verdict.succeeded else f"HTTP {result.status}")
        delivery.claimed_until = None
        delivery.updated_at = timezone.now()
        when = None
        if verdict.retry:
            when = retry.next_attempt(
                failures=delivery.attempts,
                now=result.at,
                give_up_at=delivery.give_up_at,
                asked=verdict.wait,
                scale=settings.CX_WEBHOOKS_RETRY_SCALE,
            )
        if verdict.succeeded:
            delivery.status, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, None
        elif when is not None:
            delivery.status, delivery.next_attempt_at = Delivery.Status.RETRYING, when
        else:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        counts[str(delivery.status)] += 1
        outcomes[delivery.endpoint_id] = outcomes.get(delivery.endpoint_id, False) or verdict.succeeded
    # Every attempt is kept; a delivery's state is written only while this run's lease holds: a run whose
    # lease ran out (its batch took longer) or was taken back by a resend must not undo what came after.
    with transaction.atomic():
        if postgresql_paths():
            sql_delivery.outcomes_record([(delivery, attempt, leases[delivery.id]) for delivery, attempt in attempts])
        else:
            Attempt.objects.bulk_create([attempt for _delivery, attempt in attempts])
            held = {
                pk
                for pk, lease in Delivery.objects.select_for_update()
                .filter(id__in=list(by_id))
                .values_list("id", "claimed_until")
                if lease is not None and lease == leases[pk]
            }
            Delivery.objects.bulk_update([d for d, _attempt in attempts if d.id in held], _RECORDED)
        endpoints_failing_check(outcomes)
    return counts


def webhooks_pump(*, seconds: float | None = None, batch: int | None = None) -> dict[str, int]:
    """Fan out, deliver and send chat alerts until nothing is due or `seconds` have passed; return what happened.

    While one batch is being POSTed, the next is claimed and the one before recorded: at most two
    batches are leased at a time.
    """
    budget = settings.CX_WEBHOOKS_PUMP_SECONDS if seconds is None else seconds
    size = batch or settings.CX_WEBHOOKS_BATCH
    deadline = time.monotonic() + budget
    totals = {
        "events": 0,
        "succeeded": 0,
        "retrying": 0,
        "failed": 0,
        "chat_sent": 0,
        "chat_retrying": 0,
        "chat_failed": 0,
    }
    in_flight: tuple[list[Delivery], Callable[[], list[Sent]]] | None = None
    while True:
        totals["events"] += events_fan_out()
        out_of_time = time.monotonic() >= deadline
        claimed = [] if out_of_time else deliveries_claim(limit=size)
        sending = (claimed, deliveries_send_start(claimed)) if claimed else None
        if in_flight is not None:
            sent_batch, outcomes = in_flight
            for key, value in deliveries_record(sent_batch, outcomes()).items():
                totals[key] += value
        chats = {} if out_of_time else chat_pump_step(limit=size)
        for key, value in chats.items():
            totals[key] += value
        in_flight = sending
        if in_flight is not None or chats:
            continue
        if out_of_time:
            totals["more"] = 1
            return totals
        if not Event.objects.filter(fanned_out=False).exists():
            return totals
