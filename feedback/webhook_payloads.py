"""The data of feedback.analysed: pure, from a stored feedback item to a dict.

Personal fields sit at `customer.email`, `customer.name` and `comment`, where webhooks.catalogue
strips them per endpoint. Documented in docs/webhook-events.md; the JSON Schema is webhooks.schemas.
"""

from typing import Any


def feedback_data(item) -> dict[str, Any]:
    """An analysed item as feedback.analysed shows it; the sentiment is staff's correction when there is one.

    `confidence` is the analysis' probability of the sentiment (1.0 for staff's correction; null
    for an item analysed before confidences were stored).
    """
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
        "confidence": 1.0 if item.corrected_label else item.confidence,  # a person's reading is certain
        "polarity": item.polarity,
        "keywords": list(item.keywords),
        "aspects": [
            {"term": aspect["term"], "label": aspect["label"]}
            for aspect in item.aspects or ()
            if isinstance(aspect, dict) and "term" in aspect and "label" in aspect
        ],
        "is_request": item.is_request,
        "analysed_at": item.analysed_at,
        "account": item.customer_account,
        "customer": customer,
        "comment": item.text,
    }
