"""Background tasks of the feedback app, on the `analysis` queue: thin, idempotent, late-acknowledged."""

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from feedback import services


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),  # the database restarting or failing over
    retry_backoff=True,
    retry_backoff_max=120,
    max_retries=10,
)
def feedback_analyse_pending(self) -> None:
    """Claim a batch of pending items and analyse it.

    A full batch means more are waiting, so another task is sent first and a second worker
    process takes the next batch meanwhile; run in-process (no broker), it loops over the
    batches instead. A redelivered or retried run keeps its task id and so its claim; a second
    delivery of a finished run finds nothing of its own left to store.
    """
    claim = self.request.id or "inline"
    if self.request.is_eager:  # a nested run per batch would recurse past Python's limit on a long backlog
        services.feedback_analyse_all_pending(claim=claim)
        return
    ids = services.feedback_items_claim(claim=claim)
    if len(ids) >= settings.CX_ANALYSIS_BATCH:
        feedback_analyse_pending.delay()
    services.feedback_items_analyse(ids=ids, claim=claim)


@shared_task(ignore_result=True)
def feedback_requeue_pending() -> None:
    """Scheduled by beat every CX_ANALYSIS_SWEEP_SECONDS: send a run when items wait too long.

    A lost hand-over, or a killed worker's claim gone stale (CX_ANALYSIS_STALE_SECONDS).
    """
    if services.feedback_pending_stale_exists():
        feedback_analyse_pending.delay()


@worker_init.connect(dispatch_uid="feedback-warm-up")
def _warm_up(sender=None, **kwargs) -> None:
    """Load the analysers when a worker that takes the analysis queue starts, before it forks its pool.

    The pool's processes inherit them, so no task pays the load (seconds, and some 300 MiB per
    process otherwise). A worker for other queues only does not load them at all.
    """
    queues = getattr(getattr(sender, "app", None), "amqp", None)
    consumed = set(queues.queues.consume_from or ()) if queues is not None else set()
    if not consumed or settings.CX_ANALYSIS_QUEUE in consumed:
        from feedback import analysis  # only workers load the analysers

        analysis.warm_up()
