"""Writes of the Delighted-compatible API, each through the surveys service that does the same thing elsewhere.

`Person.create` is a touchpoint event at the Delighted touchpoint (CX_DELIGHTED_TOUCHPOINT): the
one contact policy decides, and invites exactly as for any other event; its `delay` replaces
the contact rule's delay before sending.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from delighted_api import selectors, wire
from delighted_api.models import PersonProperties
from surveys.identity import identity_signature
from surveys.models import Customer, Erasure, Response, Touchpoint
from surveys.services import CustomerIdentity, customer_get_or_create_identity, response_submit
from surveys.services.events import (
    CustomerRecord,
    EventInput,
    EventRejected,
    customers_record,
    touchpoint_events_record,
)
from surveys.services.invitations import customers_unsubscribe, invitations_cancel_pending
from surveys.services.privacy import customer_forget
from surveys.services.response_changes import response_update


class NotSetUp(Exception):
    """What the Delighted API needs is missing from the platform; the message says what to create."""


@dataclass(frozen=True, slots=True)
class PersonCreated:
    customer_id: int
    scheduled_at: datetime | None  # when the invitation goes out; None when none was made
    reason: str | None  # the contact policy's reason; None when `send` was false


def touchpoint_required() -> Touchpoint:
    touchpoint = selectors.touchpoint_get()
    if touchpoint is None:
        raise NotSetUp(
            f"The Delighted API is not set up: create the touchpoint '{selectors.touchpoint_key()}' "
            "(CX_DELIGHTED_TOUCHPOINT) and a contact rule there naming the survey to ask."
        )
    return touchpoint


@transaction.atomic
def person_create(
    *,
    email: str,
    name: str | None = None,
    delay: int | None = None,
    properties: dict | None = None,
    send: bool = True,
) -> PersonCreated:
    """Add or update the person with this email and, unless `send` is false, hand them to the contact policy.

    The person is the customer with this address (any case), else a new customer whose external
    id is the address. The `locale` property sets the customer's language; the others are kept
    (merged into those given before). Raises NotSetUp without the touchpoint; ValueError for a
    locale the platform does not speak.
    """
    properties = dict(properties or {})
    locale = wire.properties_locale(properties)
    touchpoint = touchpoint_required() if send else None
    existing = selectors.customer_by_email(email=email)
    record = CustomerRecord(
        external_id=existing.external_id if existing else email.lower(), email=email, name=name, locale=locale
    )
    scheduled_at = reason = None
    if touchpoint is not None:
        event = EventInput(
            touchpoint_key=touchpoint.key,
            customer=record,
            delay=None if delay is None else timedelta(seconds=delay),
        )
        (outcome,) = touchpoint_events_record(events=[event])
        if isinstance(outcome, EventRejected):  # the touchpoint was deleted meanwhile
            raise NotSetUp(" ".join(message for messages in outcome.fields.values() for message in messages))
        scheduled_at, reason = outcome.send_at, outcome.reason
    else:
        customers_record(customers=[record])
    customer = Customer.objects.get(external_id=record.external_id)
    kept = {key: value for key, value in properties.items() if key != "locale"}
    if kept:
        stored, _ = PersonProperties.objects.select_for_update().get_or_create(customer=customer)
        stored.properties = {**stored.properties, **kept}
        stored.save(update_fields=["properties", "updated_at"])
    return PersonCreated(customer_id=customer.id, scheduled_at=scheduled_at, reason=reason)


def person_customer(ref: wire.PersonRef) -> Customer:
    """The customer a person identifier names; raise Customer.DoesNotExist when none."""
    if ref.id is not None:
        return selectors.customer_get(customer_id=ref.id)
    customer = selectors.customer_by_email(email=ref.email or "")
    if customer is None:
        raise Customer.DoesNotExist("No person has this email.")
    return customer


def person_delete(*, ref: wire.PersonRef, actor=None) -> Erasure:
    """Forget the person everywhere, as the customers API does (PIPL / GDPR); raise Customer.DoesNotExist."""
    customer = person_customer(ref)
    return customer_forget(external_id=customer.external_id, via=Erasure.Via.API, actor=actor)


def survey_requests_cancel(*, email: str) -> int:
    """Withdraw the invitations not yet sent to the person with this email; return how many (0 for nobody)."""
    customer = selectors.customer_by_email(email=email)
    return 0 if customer is None else invitations_cancel_pending(customer_id=customer.id)


@transaction.atomic
def unsubscribe(*, email: str) -> int:
    """Unsubscribe the person with this email, adding them when unknown so that no later call invites them."""
    customer = selectors.customer_by_email(email=email)
    customer_id = (
        customer.id
        if customer
        else customer_get_or_create_identity(identity=CustomerIdentity(external_id=email.lower(), email=email))
    )
    customers_unsubscribe(customer_ids=[customer_id])
    return customer_id


def response_create(
    *,
    person_id: int,
    score: int,
    comment: str = "",
    person_properties: dict | None = None,
    created_at: datetime | None = None,
) -> int:
    """Record an answer of a person to the touchpoint's survey, through response_submit; return its id.

    Raises NotSetUp without the touchpoint or a survey asked there, ValidationError naming
    `person` for an unknown person or `score` for a score off the survey's scale.
    """
    touchpoint = touchpoint_required()
    survey = selectors.survey_get(touchpoint_id=touchpoint.id)
    if survey is None:
        raise NotSetUp(f"No survey is asked at the touchpoint '{touchpoint.key}': add an active contact rule there.")
    try:
        customer = selectors.customer_get(customer_id=person_id)
    except Customer.DoesNotExist:
        raise ValidationError({"person": [f"No person has id {person_id}."]}) from None
    submitted = response_submit(
        survey_key=survey.public_key,
        score=score,
        comment=comment,
        touchpoint_key=touchpoint.key,
        customer=CustomerIdentity(
            external_id=customer.external_id, email=customer.email, name=customer.name, locale=customer.locale
        ),
        # staff speak for the customer: signed, so a survey that requires signed identities takes it too
        signature=identity_signature(secret=survey.identity_secret, external_id=customer.external_id),
        client_metadata={"person_properties": person_properties} if person_properties else None,
        submitted_at=created_at,
    )
    return submitted.id


def response_change(
    *,
    response_id: int,
    score: int | None = None,
    comment: str | None = None,
    person_properties: dict | None = None,
) -> Response:
    """Change an answer given at the touchpoint (None keeps a field); raise Response.DoesNotExist for another."""
    touchpoint = touchpoint_required()
    response = selectors.response_get(touchpoint_id=touchpoint.id, response_id=response_id)
    metadata = None
    if person_properties is not None:
        metadata = {**response.client_metadata, "person_properties": person_properties}
    return response_update(response_id=response.id, score=score, comment=comment, client_metadata=metadata)
