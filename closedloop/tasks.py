"""Background tasks of the closed loop: ids in, one service call."""

from celery import Task, shared_task
from django.conf import settings
from django.db import OperationalError

from closedloop import services

# Sending mail: refused connections, timeouts and SMTP errors are all OSErrors and may pass.
_TRANSIENT = (OSError, OperationalError)


class CaseEmailTask(Task):
    """A task that emails about a case; when it finally fails (retries spent, or an error that
    will not pass) the case records it, for the admin and the API to show."""

    email = ""  # "note" or "escalation": set by each task's options

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if self.request.is_eager and self.app.conf.task_eager_propagates:
                # run in-process, Celery propagates the error without calling on_failure
                self.on_failure(exc, self.request.id, args, kwargs, None)
            raise

    def retry(self, *args, exc=None, **kwargs):
        if self.request.is_eager and exc is not None:
            raise exc  # run in-process (no broker), nothing would run it later: it fails now, visibly
        return super().retry(*args, exc=exc, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        case_id = kwargs.get("case_id", args[0] if args else None)
        if case_id is not None:
            services.case_email_failed(case_id=case_id, email=self.email, error=f"{exc.__class__.__name__}: {exc}")


@shared_task(
    base=CaseEmailTask,
    email="note",
    ignore_result=True,
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=settings.CX_EMAIL_RETRY_SECONDS,  # then twice as long each time, with jitter
    retry_backoff_max=3600,
    max_retries=5,
)
def case_notify_customer(case_id: int) -> None:
    """Send a resolved case's note to its customer (once, however often delivered)."""
    services.case_notify_customer(case_id=case_id)


@shared_task(
    base=CaseEmailTask,
    email="escalation",
    ignore_result=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=settings.CX_EMAIL_RETRY_SECONDS,  # then twice as long each time, with jitter
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
