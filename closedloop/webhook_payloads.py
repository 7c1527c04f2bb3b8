"""The data of the closed loop's webhook events (case.opened, case.escalated, case.resolved, advocate.created).

Pure functions from a stored case or advocate to a dict. Every case event carries the same
fields, so that a receiver reads one shape; those a case does not have yet are null. Personal
fields sit at `customer.email`, `customer.name` and `comment`, where webhooks.catalogue strips
them per endpoint. Documented in docs/webhook-events.md; the JSON Schema is webhooks.schemas.
"""

from typing import Any

RESPONSE_SOURCE = "response"


def _customer(snapshot) -> dict[str, str] | None:
    """The customer the snapshot names, or None (an at-risk case is about an account, not a customer)."""
    if snapshot.customer_id is None:
        return None
    return {
        "external_id": snapshot.customer_external_id,
        "email": snapshot.customer_email,
        "name": snapshot.customer_name,
    }


def case_data(case, *, owner: str | None, root_cause: str | None) -> dict[str, Any]:
    """A case as its events show it; `owner` is the owner's username, `root_cause` the cause's key."""
    return {
        "id": case.pk,
        "source": case.source,
        "reason": case.reason,
        "priority": case.priority,
        "status": case.status,
        "response_id": case.source_id if case.source == RESPONSE_SOURCE else None,
        "survey_kind": case.survey_kind,
        "score": case.score,
        "touchpoint": case.touchpoint_key or None,
        "account": case.customer_account,
        "owner": owner,
        "opened_at": case.opened_at,
        "due_at": case.due_at,
        "escalated_at": case.escalated_at,
        "root_cause": root_cause,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "customer": _customer(case),
        "comment": case.comment,
    }


def advocate_data(advocate) -> dict[str, Any]:
    """A new advocate as advocate.created shows it."""
    return {
        "id": advocate.pk,
        "response_id": advocate.source_id if advocate.source == RESPONSE_SOURCE else None,
        "status": advocate.status,
        "score": advocate.last_score,
        "account": advocate.customer_account,
        "customer": _customer(advocate),
    }
