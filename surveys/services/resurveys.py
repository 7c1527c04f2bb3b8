"""Surveying a customer again once their case was resolved: the recovery result of the closed loop."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from closedloop import selectors as closedloop_selectors
from closedloop import services as closedloop_services
from surveys.models import Customer, Invitation, Survey

RESURVEY_VALID_DAYS = 30  # as a contact rule's invitations, by default


def case_resurveys_send(*, now=None) -> int:
    """Schedule an email invitation for each case whose re-survey is due; return how many.

    The invitation goes through the usual sending (suppression, unsubscribe and retries apply);
    the closed loop records the answer's score on the case.
    """
    now = now or timezone.now()
    sent = 0
    for due in closedloop_selectors.cases_resurvey_due(now=now):
        survey = Survey.objects.filter(pk=due.survey_id).first()
        customer = Customer.objects.filter(pk=due.customer_id).first()
        with transaction.atomic():
            if survey is not None and customer is not None:
                Invitation.objects.create(
                    survey=survey,
                    customer=customer,
                    channel="email",
                    locale=customer.locale,
                    send_at=now,
                    expires_at=now + timedelta(days=RESURVEY_VALID_DAYS),
                )
                sent += 1
            closedloop_services.case_resurvey_sent(case_id=due.case_id, now=now)
    return sent
