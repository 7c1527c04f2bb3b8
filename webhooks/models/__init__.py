"""What leaves the platform: the outbox of events, the endpoints subscribed to them, and every delivery attempt."""

from webhooks.models.chat import ChatChannel, ChatMessage
from webhooks.models.endpoints import Attempt, Delivery, Endpoint, Event

__all__ = ["Attempt", "ChatChannel", "ChatMessage", "Delivery", "Endpoint", "Event"]
