"""Chat alerts: messages queued from events (in the outbox's fan-out) and for the daily digest; due ones sent.

A message is queued in the transaction that hands its event on (one per channel and event, a unique
constraint), claimed with a lease like a delivery, POSTed with its platform's signing, and retried on a
timeout, a 5xx, a 429 or a platform's "too fast" code for a day (webhooks.retry's backoff); any other
refusal fails it at once. The URL is checked before every attempt, as a webhook's is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from webhooks import addresses, catalogue, chat_platforms, chat_texts, outbound, retry
from webhooks.contracts import DigestFigures
from webhooks.models import ChatChannel, ChatMessage, Event

RETRY_FOR = timedelta(days=1)  # an alert a day late is news no more

_EVENT_TYPES = (
    catalogue.CASE_OPENED,
    catalogue.CASE_ESCALATED,
    catalogue.ACCOUNT_HEALTH_CHANGED,
)


class ChannelRefused(ValueError):
    """A channel's settings cannot work; `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def chat_channel_check(*, platform: str, url: str, secret: str) -> None:
    """Raise ChannelRefused naming each field that would keep a channel's messages from arriving."""
    errors: dict[str, str] = {}
    try:
        addresses.url_check(url, allow_private=settings.CX_WEBHOOKS_ALLOW_PRIVATE)
    except addresses.AddressRefused as exc:
        errors["url"] = str(exc)
    if platform == chat_platforms.WECOM and "url" not in errors and "key=" not in url:
        errors["url"] = _("A WeCom robot's URL ends in /cgi-bin/webhook/send?key=…; paste it whole.")
    if platform in chat_platforms.SIGNED and not secret.strip():
        errors["secret"] = _("This robot signs its messages: paste the secret shown when its signing was turned on.")
    if platform not in chat_platforms.SIGNED and secret.strip():
        errors["secret"] = _("This platform has no signing secret (its URL is the secret): leave this blank.")
    if errors:
        raise ChannelRefused(errors)


def chat_messages_for_events(event_ids: list[int]) -> int:
    """Queue a message per active channel whose rules cover each event; in the fan-out's transaction."""
    channels = [channel for channel in ChatChannel.objects.filter(active=True) if channel.rules]
    if not channels or not event_ids:
        return 0
    events = Event.objects.filter(id__in=event_ids, type__in=_EVENT_TYPES).only("id", "type", "data", "object_id")
    now, rows = timezone.now(), []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        rule = chat_texts.event_rule(event.type, data)
        if rule is None:
            continue
        for channel in channels:
            if rule not in channel.rules:
                continue
            message = chat_texts.event_message(
                rule=rule,
                data=data,
                object_id=event.object_id,
                locale=channel.locale,
                include_comments=channel.include_comments,
            )
            rows.append(_row(channel, message, kind=rule, now=now, event_id=event.id))
    ChatMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def chat_messages_rewrite(events: list[Event]) -> int:
    """Write again the messages of events whose data changed (a customer forgotten, a comment purged), so that
    neither a message still waiting nor one kept in the log holds what the event no longer does."""
    by_event = {event.id: event for event in events}
    messages = list(ChatMessage.objects.filter(event_id__in=list(by_event)).select_related("channel"))
    for message in messages:
        event = by_event[message.event_id or 0]
        data = event.data if isinstance(event.data, dict) else {}
        written = chat_texts.event_message(
            rule=message.kind,
            data=data,
            object_id=event.object_id,
            locale=message.channel.locale,
            include_comments=message.channel.include_comments,
        )
        message.title, message.text = written.title[:200], "\n".join(written.lines)
    ChatMessage.objects.bulk_update(messages, ["title", "text"], batch_size=500)
    return len(messages)


@transaction.atomic
def chat_digest_queue(figures: DigestFigures) -> int:
    """Queue the day's digest for each active channel with the digest rule that has none for that day yet."""
    done = set(ChatMessage.objects.filter(digest_day=figures.day).values_list("channel_id", flat=True))
    channels = [
        channel
        for channel in ChatChannel.objects.filter(active=True).exclude(id__in=done)
        if ChatChannel.DIGEST in channel.rules
    ]
    now = timezone.now()
    rows = [
        _row(
            channel,
            chat_texts.digest_message(figures, locale=channel.locale),
            kind=ChatChannel.DIGEST,
            now=now,
            digest_day=figures.day,
        )
        for channel in channels
    ]
    ChatMessage.objects.bulk_create(rows, ignore_conflicts=True)  # a digest queued meanwhile stays the only one
    if rows:
        from webhooks.services.events import webhooks_kick

        transaction.on_commit(webhooks_kick, robust=True)
    return len(rows)


def chat_channel_test(channel: ChatChannel) -> ChatMessage:
    """Send a test message to a channel now (no retry) and return it with its outcome."""
    now = timezone.now()
    message = _row(
        channel,
        chat_texts.test_message(locale=channel.locale, channel_name=channel.name),
        kind=ChatMessage.TEST,
        now=now,
    )
    message.give_up_at = now
    message.claimed_until = now + timedelta(seconds=settings.CX_WEBHOOKS_LEASE_SECONDS)
    message.save()
    message.channel = channel
    chat_messages_record([message], chat_messages_send([message]))
    message.refresh_from_db()
    return message


def _row(channel, message: chat_platforms.Message, *, kind: str, now: datetime, **extra) -> ChatMessage:
    return ChatMessage(
        channel=channel,
        kind=kind,
        title=message.title[:200],
        text="\n".join(message.lines),
        link=message.link,
        next_attempt_at=now,
        give_up_at=now + RETRY_FOR,
        **extra,
    )


def chat_messages_claim(*, limit: int, now: datetime | None = None) -> list[ChatMessage]:
    """Lease up to `limit` due messages of active channels, oldest due first (SKIP LOCKED between claimers)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ChatMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
                status=ChatMessage.Status.PENDING,
                next_attempt_at__lte=now,
                channel__active=True,
            )
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if not due:
            return []
        ChatMessage.objects.filter(id__in=due).update(
            claimed_until=now + timedelta(seconds=settings.CX_WEBHOOKS_LEASE_SECONDS)
        )
    return list(ChatMessage.objects.filter(id__in=due).select_related("channel").order_by("id"))


@dataclass(frozen=True, slots=True)
class ChatSent:
    """What one POST of a message came to."""

    message_id: int
    at: datetime
    status: int | None
    body: str = ""
    error: str = ""
    retry_after: str | None = None
    refused: bool = False  # the address check refused the URL: not retried


def chat_message_post(message: ChatMessage, *, refused: str | None = None) -> ChatSent:
    """POST one message, signed for its platform at this attempt's time; never raises."""
    at = timezone.now()
    if refused is not None:
        return ChatSent(message.id, at, None, error=refused[:300], refused=True)
    channel = message.channel
    request = chat_platforms.request_for(
        platform=channel.platform,
        url=channel.url,
        secret=channel.secret,
        message=chat_platforms.Message(
            title=message.title,
            lines=tuple(message.text.splitlines()),
            link=message.link,
            link_label=chat_texts.link_label(channel.locale),
        ),
        at=at,
    )
    try:
        answer = outbound.post(
            request.url,
            body=request.body,
            headers=request.headers,
            timeout=settings.CX_CHAT_TIMEOUT_SECONDS,
            read_at_most=2000,
        )
    except requests.RequestException as exc:
        # The URL carries the robot's key or token: keep it out of the error shown in the admin.
        error = f"{exc.__class__.__name__}: {exc}".replace(request.url, "…").replace(channel.url, "…")
        return ChatSent(message.id, at, None, error=error[:300].replace("\x00", ""))
    return ChatSent(message.id, at, answer.status, body=answer.text, retry_after=answer.retry_after)


def chat_messages_send(messages: list[ChatMessage]) -> list[ChatSent]:
    """POST a claimed batch one by one (a team's alerts are few), each channel's URL checked first."""
    refusals = outbound.refusals({message.channel_id: message.channel.url for message in messages})
    return [chat_message_post(message, refused=refusals[message.channel_id]) for message in messages]


def chat_messages_record(messages: list[ChatMessage], sent: list[ChatSent]) -> dict[str, int]:
    """Move each message on (sent, retried later, failed for good) and release its claim, in one transaction."""
    by_id = {message.id: message for message in messages}
    counts = {"chat_sent": 0, "chat_retrying": 0, "chat_failed": 0}
    for result in sent:
        message = by_id[result.message_id]
        if result.refused:
            verdict, error = retry.Outcome(succeeded=False, retry=False), result.error
        else:
            verdict, error = chat_platforms.answer_outcome(
                platform=message.channel.platform,
                status=result.status,
                body=result.body,
                retry_after=result.retry_after,
                now=result.at,
            )
            error = result.error or error
        message.attempts += 1
        message.claimed_until = None
        message.last_error = "" if verdict.succeeded else error[:300]
        when = None
        if verdict.retry:
            when = retry.next_attempt(
                failures=message.attempts, now=result.at, give_up_at=message.give_up_at, asked=verdict.wait
            )
        if verdict.succeeded:
            message.status, message.next_attempt_at, message.sent_at = ChatMessage.Status.SENT, None, result.at
            counts["chat_sent"] += 1
        elif when is not None:
            message.status, message.next_attempt_at = ChatMessage.Status.PENDING, when
            counts["chat_retrying"] += 1
        else:
            message.status, message.next_attempt_at = ChatMessage.Status.FAILED, None
            counts["chat_failed"] += 1
    ChatMessage.objects.bulk_update(
        list(by_id.values()), ["status", "attempts", "next_attempt_at", "claimed_until", "last_error", "sent_at"]
    )
    return counts


def chat_pump_step(*, limit: int) -> dict[str, int]:
    """Claim, send and record one batch of due messages; empty when none was due."""
    claimed = chat_messages_claim(limit=limit)
    if not claimed:
        return {}
    return chat_messages_record(claimed, chat_messages_send(claimed))


def chat_messages_prune(*, older_than: datetime) -> int:
    """Delete the sent and failed messages made before this; return how many (pending ones are kept)."""
    deleted, _by_model = ChatMessage.objects.filter(
        created_at__lt=older_than, status__in=[ChatMessage.Status.SENT, ChatMessage.Status.FAILED]
    ).delete()
    return deleted
