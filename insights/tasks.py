"""Background tasks of the insights app: the chat channels' daily digest."""

from celery import shared_task

from insights.chat_digest import chat_digest_run


@shared_task(ignore_result=True)
def chat_digest_send() -> None:
    """Beat's hourly check: queue the day's digest once the digest hour has come (once a day per channel)."""
    chat_digest_run()
