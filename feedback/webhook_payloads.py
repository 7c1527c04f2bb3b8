"""The data of feedback.analysed: pure, from a stored feedback item to a dict.

Personal fields sit at `customer.email`, `customer.name` and `comment`, where webhooks.catalogue
strips them per endpoint. Documented in docs/webhook-events.md; the JSON Schema is webhooks.schemas.
"""

from typing import Any


def feedback_data(item) -> dict[str, Any]:
    """An analysed item as feedback.analysed shows it; the sentiment is staff's correction when there is one."""
    customer = (
        {"external_id": item.customer_external_id, "email": item.customer_email, "name": item.customer_name}
        if item.customer_id is not None
        else None
    )
    return {
        "id": item.pk,
        "source": item.source,
        "response_id": item.source_id if item.source == "response" else None,
        "survey_kind": item.survey_kind,
        "score": item.score,
        "classification": item.classification,
        "touchpoint": item.touchpoint_key or None,
        "language": item.language,
        "sentiment": item.corrected_label or item.label,
        "polarity": item.polarity,
        "keywords": list(item.keywords),
        "analysed_at": item.analysed_at,
        "account": item.customer_account,
        "customer": customer,
        "comment": item.text,
    }
