"""Background tasks of the portfolio: ids in, one service call."""

from celery import shared_task

from portfolio.services import refresh


@shared_task(ignore_result=True, acks_late=True)
def health_refresh_accounts(account_ids: list[int]) -> None:
    """Recompute these accounts' health and temperature (after a signal batch); harmless to run twice."""
    refresh.accounts_refresh(account_ids)


@shared_task(ignore_result=True, acks_late=True)
def health_refresh_due() -> None:
    """Hourly from beat: from the day's refresh hour, every account not yet computed today."""
    refresh.accounts_refresh_due()
