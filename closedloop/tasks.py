"""Background tasks of the closed loop: ids in, one service call."""

from celery import shared_task
from django.db import OperationalError

from closedloop import services

# Sending mail: refused connections, timeouts and SMTP errors are all OSErrors and may pass.
_TRANSIENT = (OSError, OperationalError)


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def case_notify_customer(case_id: int) -> None:
    """Send a resolved case's note to its customer (once, however often delivered)."""
    services.case_notify_customer(case_id=case_id)


@shared_task(
    ignore_result=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def case_escalation_email(case_id: int) -> None:
    """Email the team lead about an escalated case."""
    services.case_escalation_email_send(case_id=case_id)


@shared_task(ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def cases_check_sla() -> None:
    """Mark cases at risk and overdue, escalate the overdue once (scheduled by beat every minute)."""
    services.cases_check_sla()
