"""Background tasks of the surveys app: ids in, one service call."""

import logging
import smtplib

from celery import shared_task
from django.db import OperationalError

from surveys import selectors, services
from surveys.models import Survey
from surveys.services import invitations

logger = logging.getLogger(__name__)

# Worth another try: the mail server or the network failing for a while (SMTP errors, refused
# connections and timeouts are all OSErrors). A refused recipient is final.
PERMANENT_SEND_ERRORS = (smtplib.SMTPRecipientsRefused,)
TRANSIENT_SEND_ERRORS = (OSError,)
SEND_RETRIES = 5


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


@shared_task(bind=True, ignore_result=True, max_retries=SEND_RETRIES)
def invitation_send(self, invitation_id: int) -> None:
    """Email one invitation; retry transient SMTP failures with backoff, then mark it failed."""
    try:
        invitations.invitation_send(invitation_id=invitation_id)
    except PERMANENT_SEND_ERRORS as exc:
        invitations.invitation_mark_failed(invitation_id=invitation_id, error=f"{exc.__class__.__name__}: {exc}")
    except TRANSIENT_SEND_ERRORS as exc:
        if self.request.retries >= SEND_RETRIES:
            invitations.invitation_mark_failed(invitation_id=invitation_id, error=f"{exc.__class__.__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=min(900, 30 * 2**self.request.retries)) from exc
    except Exception as exc:  # anything else (a bad header, a template error) will not mend by itself
        logger.exception("Invitation %s could not be sent", invitation_id)
        invitations.invitation_mark_failed(invitation_id=invitation_id, error=f"{exc.__class__.__name__}: {exc}")


@shared_task(ignore_result=True)
def invitation_send_many(invitation_ids: list[int]) -> None:
    """Fan out one send per invitation, so that one failing address holds up no other."""
    for invitation_id in invitation_ids:
        invitation_send.delay(invitation_id)


@shared_task(ignore_result=True)
def invitation_send_due() -> None:
    """Send what is due and expire what is past due (scheduled by beat every minute)."""
    invitations.invitations_expire()
    for invitation_id in selectors.invitation_due_ids():
        invitation_send.delay(invitation_id)
