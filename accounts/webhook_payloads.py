"""The data of the accounts' webhook events (account.health_changed, account.churned): pure, values to dicts.

An account's `id` in them is its external id (the id the customer's own systems know it by).
They carry no personal fields. Documented in docs/webhook-events.md; the JSON Schema is webhooks.schemas.
"""

from datetime import date
from typing import Any


def health_changed_data(
    *,
    external_id: str,
    name: str,
    band_before: str,
    band: str,
    score: int | None,
    stage: str,
    measures: list[dict[str, Any]],
    as_of: date,
) -> dict[str, Any]:
    """An account whose health band changed ("" for no band, before or now, is shown as null)."""
    return {
        "id": external_id,
        "name": name,
        "band_before": band_before or None,
        "band": band or None,
        "score": score,
        "scorecard": {"kind": "health", "stage": stage},
        "measures": measures,
        "as_of": as_of,
    }


def churned_data(record, *, external_id: str, reasons: list[str]) -> dict[str, Any]:
    """A confirmed churn or downgrade record; `reasons` are its reason codes."""
    return {
        "id": external_id,
        "record_id": record.pk,
        "kind": record.kind,
        "date": record.date,
        "mrr_lost": record.mrr_lost,
        "reasons": reasons,
        "competitor": record.competitor,
    }
