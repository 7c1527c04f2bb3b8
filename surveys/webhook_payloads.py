"""The data of the answers' webhook events (response.created, response.updated): pure, from model values to dicts.

The answer's own id is the event's object id (the payload's `id` is filled from it when it is
sent), since PostgreSQL's one statement learns it only as it runs. Personal fields sit at
`customer.email`, `customer.name` and `comment`, where webhooks.catalogue strips them per endpoint.
Documented in docs/webhook-events.md; the JSON Schema is webhooks.schemas.
"""

from typing import Any

# What the answer's statement fills in from its own steps (surveys.sql_answer): key → column.
STATEMENT_EXTRA = {"account": "account", "plan": "plan"}
STATEMENT_CUSTOMER = {
    "customer": {"external_id": "customer.external_id", "email": "customer.email", "name": "customer.name"}
}


def customer_data(customer) -> dict[str, str] | None:
    """The customer as events show it: a stored Customer (or an identity), or None for an anonymous answer."""
    if customer is None:
        return None
    return {"external_id": customer.external_id, "email": customer.email, "name": customer.name}


def response_data(
    response, *, survey_kind: str, touchpoint_key: str | None, customer, answers: dict[str, object] | None = None
) -> dict[str, Any]:
    """An answer's event data, without its id (the event's object id); `customer` as customer_data takes it."""
    return {
        "survey": {"id": response.survey_id, "kind": survey_kind},
        "touchpoint": touchpoint_key or None,
        "score": response.score,
        "classification": response.classification,
        "locale": response.locale,
        "channel": response.channel,
        "submitted_at": response.submitted_at,
        "updated_at": response.updated_at,
        "account": response.account or "",
        "plan": response.plan or "",
        "consent_to_contact": response.consent_to_contact,
        "customer": customer_data(customer),
        "comment": response.comment,
        "answers": answers or {},  # to the additional questions, by question key
    }
