"""The JSON of Delighted's resources: ids as strings, times as Unix seconds."""

from django.urls import reverse

from delighted_api import selectors, wire
from surveys.emails import absolute_url
from surveys.models import Customer, Response


def person_body(customer: Customer) -> dict:
    return {
        "id": str(customer.id),
        "email": customer.email or None,
        "name": customer.name or None,
        "phone_number": None,
        "created_at": wire.unix(customer.created_at),
        "last_sent_at": wire.unix(getattr(customer, "last_sent_at", None)),
        "last_responded_at": wire.unix(getattr(customer, "last_responded_at", None)),
        "next_survey_scheduled_at": wire.unix(getattr(customer, "next_survey_at", None)),
        "properties": selectors.person_properties(customer=customer),
    }


def response_body(response: Response, *, people: dict[int, Customer] | None = None) -> dict:
    """An answer; with `people` (by id), its person expanded, as `expand[]=person` asks."""
    customer = response.customer
    person: str | dict | None = None
    if customer is not None:
        person = person_body(people[customer.id]) if people is not None else str(customer.id)
    properties = response.client_metadata.get("person_properties")
    if properties is None:  # answered through an invitation: the person's properties
        properties = selectors.person_properties(customer=customer) if customer is not None else {}
    return {
        "id": str(response.id),
        "person": person,
        "survey_type": response.survey.kind,
        "score": response.score,
        "comment": response.comment or None,
        "permalink": absolute_url(reverse("admin:surveys_response_change", args=[response.id])),
        "created_at": wire.unix(response.submitted_at),
        "updated_at": wire.unix(response.updated_at or response.submitted_at),
        "person_properties": properties,
        "notes": [],
        "tags": [],
        "additional_answers": [],
    }


def stopped_body(customer: Customer, *, field: str, name: str) -> dict:
    """An unsubscribe (`unsubscribed_at`) or a bounce (`bounced_at`)."""
    return {
        "person_id": str(customer.id),
        "email": customer.email,
        "name": customer.name or None,
        name: wire.unix(getattr(customer, field)),
    }
