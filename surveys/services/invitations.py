"""Invitations: sending them, opening them, answering through them, unsubscribing from them."""

import logging
import smtplib
from collections.abc import Mapping, Sequence
from copy import copy
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from closedloop import services as closedloop_services
from surveys import locks, scoring, webhook_payloads
from surveys.emails import invitation_email
from surveys.models import INVITATION_CLAIM_TIMEOUT, Customer, Invitation, Response
from surveys.question_selectors import answers_by_response, question_specs
from surveys.services.answers import answers_checked, answers_replace, answers_store
from surveys.services.responses import SubmittedResponse, response_feedback_record
from surveys.services.rollups import score_changes_record
from webhooks import catalogue
from webhooks.services.events import event_record

logger = logging.getLogger(__name__)
REANSWER_WINDOW = timedelta(hours=24)


class InvitationProblem(Exception):
    """An invitation that cannot be used; `status` is the HTTP status that says why."""

    status = 400
    code = "invitation_invalid"


class InvitationInvalid(InvitationProblem):
    """No invitation has this token: mistyped, cut short or forged."""

    status = 403
    code = "invitation_invalid"


class InvitationExpired(InvitationProblem):
    status = 410
    code = "invitation_expired"


class InvitationAlreadyAnswered(InvitationProblem):
    status = 409
    code = "invitation_already_answered"


def invitation_get(*, token: str) -> Invitation:
    """Return the invitation with this token and its survey, or raise InvitationInvalid."""
    invitation = (
        Invitation.objects.select_related("survey", "customer", "touchpoint").filter(token=token).first()
        if isinstance(token, str) and len(token) <= 64
        else None
    )
    if invitation is None or not invitation.survey.active:
        raise InvitationInvalid("This survey link is not valid.")
    return invitation


def invitation_mark_opened(*, invitation: Invitation) -> None:
    """Record the first opening; later ones change nothing."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
    Invitation.objects.filter(
        pk=invitation.pk, status__in=[Invitation.Status.SCHEDULED, Invitation.Status.SENT]
    ).update(status=Invitation.Status.OPENED)


@transaction.atomic
def invitation_respond(
    *,
    token: str,
    score: int | None,
    comment: str | None = None,
    locale: str = "",
    consent_to_contact: bool | None = None,
    client_metadata: dict | None = None,
    answers: Mapping[str, object] | None = None,
) -> SubmittedResponse:
    """Answer through an invitation: one response per invitation, which may change for 24 hours.

    Score first and comment later is the normal case, so a later submission updates the same
    response (a score of None keeps the score given, a comment of None the comment, answers of
    None the answers to the additional questions; given, they replace them). After 24 hours it
    is refused.
    """
    invitation = invitation_get(token=token)
    invitation = locks.invitation_lock(pk=invitation.pk)
    survey = invitation.survey
    response = Response.objects.filter(invitation=invitation).first()
    if score is None:  # a comment added to the answer already given
        if response is None:
            raise ValidationError({"score": ["Please choose an answer."]})
        score = response.score
    if not scoring.score_in_scale(survey.kind, score):
        low, high = scoring.scale_for(survey.kind)
        raise ValidationError(
            {"score": [f"Must be an integer from {low} to {high} for this {survey.kind.upper()} survey."]}
        )
    classification = scoring.classify(survey.kind, score)
    answer_rows = answers_checked(
        specs=question_specs(survey_id=survey.id), classification=classification, answers=answers
    )
    now = timezone.now()
    if response is not None:
        if invitation.answered_at and now - invitation.answered_at > REANSWER_WINDOW:
            raise InvitationAlreadyAnswered("This survey was already answered.")
        counted_out = (copy(response), -1)
        response.score = score
        response.classification = classification
        response.updated_at = now
        fields = ["score", "classification", "updated_at"]
        if comment is not None:
            response.comment = comment
            fields.append("comment")
        if consent_to_contact is not None:
            response.consent_to_contact = consent_to_contact
            fields.append("consent_to_contact")
        response.save(update_fields=fields)
        answers_replace(response_id=response.id, rows=answer_rows, classification=classification)
        if counted_out[0].score != score:
            score_changes_record(changes=[counted_out, (response, 1)])
        _record_feedback(response, invitation)
        _record_event(catalogue.RESPONSE_UPDATED, response, invitation)
        return SubmittedResponse(id=response.id, classification=classification)
    if invitation.status == Invitation.Status.EXPIRED or invitation.expires_at <= now:
        raise InvitationExpired("This survey link has expired.")
    response = Response.objects.create(
        survey=survey,
        touchpoint_id=invitation.touchpoint_id,
        customer_id=invitation.customer_id,
        invitation=invitation,
        score=score,
        classification=classification,
        comment=comment or "",
        locale=locale or invitation.locale or survey.default_locale,
        channel=invitation.channel,
        consent_to_contact=bool(consent_to_contact),
        client_metadata=client_metadata or {},
        submitted_at=now,
        plan=invitation.customer.plan if invitation.customer else "",
        account=(invitation.customer.account_id or "") if invitation.customer else "",
    )
    answers_store(response_id=response.id, rows=answer_rows)
    score_changes_record(changes=[(response, 1)])
    invitation.status = Invitation.Status.ANSWERED
    invitation.answered_at = now
    invitation.opened_at = invitation.opened_at or now
    invitation.save(update_fields=["status", "answered_at", "opened_at"])
    _record_feedback(response, invitation)
    _record_event(catalogue.RESPONSE_CREATED, response, invitation)
    return SubmittedResponse(id=response.id, classification=classification)


def _record_event(event_type: str, response: Response, invitation: Invitation) -> None:
    data = webhook_payloads.response_data(
        response,
        survey_kind=invitation.survey.kind,
        touchpoint_key=invitation.touchpoint.key if invitation.touchpoint else None,
        customer=invitation.customer,
        answers=answers_by_response(response_ids=[response.id]).get(response.id, {}),
    )
    event_record(event_type, data, object_id=response.id)


def _record_feedback(response: Response, invitation: Invitation) -> None:
    response_feedback_record(
        response=response,
        survey_kind=invitation.survey.kind,
        touchpoint_key=invitation.touchpoint.key if invitation.touchpoint else "",
        customer=invitation.customer,
    )


SEND_ATTEMPTS = 5
# Refused connections, timeouts and SMTP errors are all OSErrors, and may pass.
TRANSIENT_SEND_ERRORS = (OSError,)


def send_error_is_permanent(exc: Exception) -> bool:
    """A 5xx reply to this message or its recipient (RFC 5321: do not repeat it) will not mend.

    A 4xx (greylisting, a full mailbox) may. A failed login or a server asking for one (530) is
    ours to fix, not the message's: it is retried like a lost connection.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError) or getattr(exc, "smtp_code", None) == 530:
        return False
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600


def retry_delay(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8… minutes (at most an hour) after the n-th failed attempt."""
    return timedelta(minutes=min(60, 2 ** (attempts - 1)))


def invitation_claim(*, invitation_id: int, now: datetime) -> bool:
    """Claim a due email invitation for sending; only one worker gets it.

    A conditional UPDATE, committed at once, so no row lock is held while the mail server
    answers. A claim left by a worker that died (older than INVITATION_CLAIM_TIMEOUT) can be taken again.
    """
    due = Q(status=Invitation.Status.SCHEDULED, send_at__lte=now)
    abandoned = Q(status=Invitation.Status.SENDING, claimed_at__lt=now - INVITATION_CLAIM_TIMEOUT)
    claimed = Invitation.objects.filter(due | abandoned, pk=invitation_id, channel="email").update(
        status=Invitation.Status.SENDING, claimed_at=now, send_attempts=F("send_attempts") + 1
    )
    return claimed == 1


def _settle(invitation_id: int, **fields) -> None:
    Invitation.objects.filter(pk=invitation_id, status=Invitation.Status.SENDING).update(claimed_at=None, **fields)


def _suppressed(customer: Customer) -> str | None:
    if customer.unsubscribed_at:
        return "unsubscribed"
    if customer.email_bounced_at:
        return "email bounced"
    if not customer.email:
        return "no email address"
    return None


def invitation_send(*, invitation_id: int) -> bool:
    """Email a due invitation; return whether a message went out.

    Claimed first, so a task delivered twice sends once. A customer who unsubscribed or bounced
    since the invitation was made is not written to. A transient failure puts the invitation
    back with a later send_at (the beat sweep tries again, with backoff); after SEND_ATTEMPTS,
    or on an error that will not mend, it is marked failed with the error, for the admin.
    A worker killed between the mail server's acceptance and the final update may, once its
    claim expires, send a second copy: email is at-least-once.
    """
    now = timezone.now()
    if not invitation_claim(invitation_id=invitation_id, now=now):
        return False
    invitation = Invitation.objects.select_related("survey", "customer").get(pk=invitation_id)
    problem = _suppressed(invitation.customer)
    if problem:
        _settle(invitation_id, status=Invitation.Status.FAILED, last_error=problem)
        return False
    if invitation.expires_at <= now:
        _settle(invitation_id, status=Invitation.Status.EXPIRED)
        return False
    try:
        invitation_email(invitation).send()
    except Exception as exc:
        error = f"{exc.__class__.__name__}: {exc}"[:1000]
        transient = isinstance(exc, TRANSIENT_SEND_ERRORS) and not send_error_is_permanent(exc)
        if transient and invitation.send_attempts < SEND_ATTEMPTS:
            later = now + retry_delay(invitation.send_attempts)
            _settle(invitation_id, status=Invitation.Status.SCHEDULED, send_at=later, last_error=error)
        else:
            logger.warning("Invitation %s not sent: %s", invitation_id, error)
            _settle(invitation_id, status=Invitation.Status.FAILED, last_error=error)
        return False
    _settle(invitation_id, status=Invitation.Status.SENT, sent_at=now, last_error="")
    return True


def invitations_expire(*, now=None) -> int:
    """Mark unanswered invitations past their expiry as expired; return how many."""
    now = now or timezone.now()
    open_statuses = [Invitation.Status.SCHEDULED, Invitation.Status.SENT, Invitation.Status.OPENED]
    return Invitation.objects.filter(status__in=open_statuses, expires_at__lte=now).update(
        status=Invitation.Status.EXPIRED
    )


def customer_unsubscribe(*, token: str) -> Customer:
    """Unsubscribe the customer an invitation was sent to (one click from the email).

    It also withdraws their consent to be contacted: an advocate is opted out at once.
    """
    invitation = Invitation.objects.select_related("customer").filter(token=token).first()
    if invitation is None:
        raise InvitationInvalid("This link is not valid.")
    customers_unsubscribe(customer_ids=[invitation.customer_id])
    invitation.customer.refresh_from_db()
    return invitation.customer


@transaction.atomic
def customers_unsubscribe(*, customer_ids: Sequence[int]) -> int:
    """Unsubscribe customers (those not yet unsubscribed) and withdraw their consent; return how many changed.

    Their advocates are opted out at once, as after the email's unsubscribe link.
    """
    now = timezone.now()
    changed = Customer.objects.filter(Q(pk__in=list(customer_ids)) & Q(unsubscribed_at__isnull=True)).update(
        unsubscribed_at=now
    )
    for customer_id in customer_ids:
        closedloop_services.advocates_forget_consent(customer_id=customer_id, at=now)
    return changed


def invitations_cancel_pending(*, customer_id: int) -> int:
    """Withdraw a customer's invitations not sent yet; return how many.

    They are marked expired now, so neither the beat sweep nor a worker about to send one sends it.
    """
    return Invitation.objects.filter(customer_id=customer_id, status=Invitation.Status.SCHEDULED).update(
        status=Invitation.Status.EXPIRED, expires_at=timezone.now()
    )
