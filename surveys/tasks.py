"""Background tasks of the surveys app: ids in, one service call."""

from celery import shared_task
from django.db import OperationalError

from surveys import selectors, services
from surveys.models import Survey


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
