"""Background tasks of the webhooks app (queue `webhooks`): the pump, beat's sweep, and the pruning of old events."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from webhooks.services import chat, delivery, replay


@shared_task(ignore_result=True)
def webhook_pump() -> None:
    """Deliver what is due; with more left after the run's time budget, send another run."""
    totals = delivery.webhooks_pump()
    if totals.get("more") and not webhook_pump.app.conf.task_always_eager:
        webhook_pump.delay()


@shared_task(ignore_result=True)
def webhook_sweep() -> None:
    """Beat's sweep: events whose message was lost, and retries come due (in-process without a broker)."""
    delivery.webhooks_pump()


@shared_task(ignore_result=True)
def webhook_events_prune() -> None:
    """Delete settled events and chat messages older than CX_WEBHOOKS_KEEP_DAYS."""
    older_than = timezone.now() - timedelta(days=settings.CX_WEBHOOKS_KEEP_DAYS)
    replay.events_prune(older_than=older_than)
    chat.chat_messages_prune(older_than=older_than)
