"""Invitations: sending them, opening them, answering through them, unsubscribing from them."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from surveys import scoring
from surveys.emails import invitation_email
from surveys.models import Customer, Invitation, Response
from surveys.services.responses import SubmittedResponse

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
) -> SubmittedResponse:
    """Answer through an invitation: one response per invitation, which may change for 24 hours.

    Score first and comment later is the normal case, so a later submission updates the same
    response (a score of None keeps the score given, a comment of None the comment). After 24
    hours it is refused.
    """
    invitation = invitation_get(token=token)
    invitation = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
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
    now = timezone.now()
    if response is not None:
        if invitation.answered_at and now - invitation.answered_at > REANSWER_WINDOW:
            raise InvitationAlreadyAnswered("This survey was already answered.")
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
    )
    invitation.status = Invitation.Status.ANSWERED
    invitation.answered_at = now
    invitation.opened_at = invitation.opened_at or now
    invitation.save(update_fields=["status", "answered_at", "opened_at"])
    return SubmittedResponse(id=response.id, classification=classification)


def invitation_send(*, invitation_id: int) -> bool:
    """Email a scheduled invitation; return whether a message went out.

    Holds the invitation's row lock while sending, so a task delivered twice sends once. A
    customer who unsubscribed or bounced since the invitation was made is not written to.
    Transient SMTP errors propagate (the task retries them) after the attempt is recorded.
    """
    try:
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("survey", "customer")
                .filter(pk=invitation_id, status=Invitation.Status.SCHEDULED, channel="email")
                .first()
            )
            if invitation is None:
                return False
            customer = invitation.customer
            now = timezone.now()
            problem = (
                "unsubscribed"
                if customer.unsubscribed_at
                else "email bounced"
                if customer.email_bounced_at
                else "no email address"
                if not customer.email
                else None
            )
            if problem or invitation.expires_at <= now:
                invitation.status = Invitation.Status.FAILED if problem else Invitation.Status.EXPIRED
                invitation.last_error = problem or ""
                invitation.save(update_fields=["status", "last_error"])
                return False
            invitation_email(invitation).send()
            invitation.status = Invitation.Status.SENT
            invitation.sent_at = now
            invitation.send_attempts += 1
            invitation.save(update_fields=["status", "sent_at", "send_attempts"])
            return True
    except Exception as exc:
        Invitation.objects.filter(pk=invitation_id).update(
            send_attempts=F("send_attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:1000]
        )
        raise


def invitation_mark_failed(*, invitation_id: int, error: str) -> None:
    """Give up on sending: the admin shows the invitation as failed with the last error."""
    Invitation.objects.filter(pk=invitation_id, status=Invitation.Status.SCHEDULED).update(
        status=Invitation.Status.FAILED, last_error=error[:1000]
    )


def invitations_expire(*, now=None) -> int:
    """Mark unanswered invitations past their expiry as expired; return how many."""
    now = now or timezone.now()
    open_statuses = [Invitation.Status.SCHEDULED, Invitation.Status.SENT, Invitation.Status.OPENED]
    return Invitation.objects.filter(status__in=open_statuses, expires_at__lte=now).update(
        status=Invitation.Status.EXPIRED
    )


def customer_unsubscribe(*, token: str) -> Customer:
    """Unsubscribe the customer an invitation was sent to (one click from the email)."""
    invitation = Invitation.objects.select_related("customer").filter(token=token).first()
    if invitation is None:
        raise InvitationInvalid("This link is not valid.")
    Customer.objects.filter(Q(pk=invitation.customer_id) & Q(unsubscribed_at__isnull=True)).update(
        unsubscribed_at=timezone.now()
    )
    invitation.customer.refresh_from_db()
    return invitation.customer
