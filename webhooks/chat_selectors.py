"""Reads of chat alerts: whether a day's digest is still owed to a channel."""

from datetime import date

from webhooks.models import ChatChannel, ChatMessage


def chat_digest_owed(day: date) -> bool:
    """Whether an active channel with the digest rule has no digest for `day` yet (the figures are then needed)."""
    done = set(ChatMessage.objects.filter(digest_day=day).values_list("channel_id", flat=True))
    return any(
        ChatChannel.DIGEST in channel.rules
        for channel in ChatChannel.objects.filter(active=True).exclude(id__in=done).only("id", "rules")
    )
