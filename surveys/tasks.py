"""Background tasks of the surveys app: ids in, one service call."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from surveys import selectors, services
from surveys.models import Survey
from surveys.services import invitations, privacy, resurveys, rollups


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),  # the database restarting or failing over; nothing else is retried
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def survey_stats_refresh(survey_id: int) -> None:
    """Recompute one survey's headline score."""
    try:
        services.survey_stats_refresh(survey_id=survey_id)
    except Survey.DoesNotExist:
        return


@shared_task(ignore_result=True)
def survey_stats_refresh_all() -> None:
    """Fan out a refresh per active survey (scheduled by beat)."""
    for survey_id in selectors.survey_active_ids():
        survey_stats_refresh.delay(survey_id)


@shared_task(ignore_result=True)
def invitation_send(invitation_id: int) -> None:
    """Email one invitation (a failure is recorded on it and retried by the sweep, with backoff)."""
    invitations.invitation_send(invitation_id=invitation_id)


@shared_task(ignore_result=True)
def invitation_send_many(invitation_ids: list[int]) -> None:
    """Fan out one send per invitation, so that one failing address holds up no other."""
    for invitation_id in invitation_ids:
        invitation_send.delay(invitation_id)


@shared_task(ignore_result=True)
def invitation_send_due() -> None:
    """Send what is due, retry what failed once its backoff has passed, expire what is past due.

    Scheduled by beat every minute: it is also how failed sends are retried and how claims left
    by a worker that died are taken up again.
    """
    invitations.invitations_expire()
    for invitation_id in selectors.invitation_due_ids():
        invitation_send.delay(invitation_id)


@shared_task(ignore_result=True)
def case_resurveys_send() -> None:
    """Invite the customers of resolved cases to answer again, once due (scheduled by beat)."""
    resurveys.case_resurveys_send()


@shared_task(ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def score_rollups_fold() -> None:
    """Fold the answers counted since the last run into the score rollups (scheduled by beat every minute)."""
    rollups.score_rollups_fold()


@shared_task(ignore_result=True)
def comments_purge() -> None:
    """Empty comments older than CX_COMMENT_RETENTION_DAYS (scheduled by beat every hour; off at 0)."""
    if settings.CX_COMMENT_RETENTION_DAYS:
        privacy.comments_purge(before=timezone.now() - timedelta(days=settings.CX_COMMENT_RETENTION_DAYS))
