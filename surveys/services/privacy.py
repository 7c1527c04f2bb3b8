"""Personal data: forgetting a customer everywhere, and purging comments past the retention period.

The figures stay right: an answer keeps its score, survey, touchpoint, language, plan and time
(so the score rollups are untouched); cases keep their statuses and times; advocates their
referral counts. Who the customer was, and what they wrote, goes.
"""

import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.db import transaction

from closedloop import services as closedloop_services
from feedback import services as feedback_services
from surveys import locks
from surveys.models import Answer, Erasure, Response
from webhooks.services import privacy as webhooks_privacy


def erasure_reference(external_id: str) -> str:
    """The audit's keyed hash of an external id: the same id gives the same reference, nobody can go back."""
    return hmac.new(settings.SECRET_KEY.encode(), external_id.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def customer_forget(*, external_id: str, via: str, actor=None) -> Erasure:
    """Forget a customer in all three apps and record it; raise Customer.DoesNotExist for an unknown id.

    Answers are anonymized (no customer, no comment nor text answers, no account, no client metadata), and so are
    their feedback items, cases, advocate and webhook events (those not yet pruned); invitations
    and touchpoint events go with the customer. The audit keeps only counts and a keyed hash of the id.
    """
    customer = locks.customer_lock(external_id=external_id)
    identifiers = [customer.external_id, customer.email, customer.name]
    answers = Response.objects.filter(customer=customer)
    texts = Answer.objects.filter(response__customer=customer).exclude(text="")
    counts = {"answer_texts": texts.update(text="")}
    counts["responses"] = answers.update(customer=None, comment="", account="", client_metadata={})
    counts["feedback_items"] = feedback_services.feedback_items_forget(customer_ids=[customer.pk])
    counts.update(
        closedloop_services.customers_forget(
            customer_ids=[customer.pk], external_ids=[customer.external_id], identifiers=identifiers, actor=actor
        )
    )
    counts["webhook_events"] = webhooks_privacy.events_forget_customers(external_ids=[customer.external_id])
    counts["invitations"] = customer.invitations.count()
    counts["touchpoint_events"] = customer.touchpoint_events.count()
    customer.delete()
    return Erasure.objects.create(reference=erasure_reference(external_id), via=via, actor=actor, counts=counts)


@transaction.atomic
def comments_purge(*, before: datetime) -> Erasure | None:
    """Empty every comment and text answer given before a moment, in all three apps; record it when anything changed."""
    counts = {"responses": Response.objects.filter(submitted_at__lt=before).exclude(comment="").update(comment="")}
    counts["answer_texts"] = Answer.objects.filter(response__submitted_at__lt=before).exclude(text="").update(text="")
    counts["feedback_items"] = feedback_services.feedback_comments_purge(before=before)
    counts.update(closedloop_services.comments_purge(before=before))
    counts["webhook_events"] = webhooks_privacy.events_comments_purge(before=before)
    if not any(counts.values()):
        return None
    return Erasure.objects.create(via=Erasure.Via.RETENTION, counts=counts)
