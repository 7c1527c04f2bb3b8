"""The JSON Schema (draft 2020-12) of every event's body: the envelope and its `data`, as a receiver gets it.

Pure: built from plain dicts, no models. The personal fields (`data.customer.email`,
`data.customer.name`, `data.comment`) are optional: an endpoint receives only those it was
allowed. Other fields are always present; those a change does not have are null. Documented in
docs/webhook-events.md, which must agree with these schemas (tests/webhooks/test_schemas.py).
"""

from copy import deepcopy
from typing import Any

from webhooks import catalogue

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_STRING = {"type": "string"}
_INTEGER = {"type": "integer"}
_NUMBER = {"type": "number"}
_BOOLEAN = {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_DATE = {"type": "string", "format": "date"}
_DECIMAL = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "description": "A decimal amount, as a string."}
_ID = {"type": "integer", "minimum": 1}
_BAND = {"enum": ["green", "yellow", "red", None]}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with exactly these properties, each required except the optional ones."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


_CUSTOMER = _nullable(
    _object(
        {
            "external_id": {**_STRING, "description": "The customer's id in your systems."},
            "email": {**_STRING, "description": "Personal: sent only to endpoints allowed emails."},
            "name": {**_STRING, "description": "Personal: sent only to endpoints allowed names."},
        },
        optional=("email", "name"),
    )
)
_COMMENT = {**_STRING, "description": "Personal: sent only to endpoints allowed comments."}
_PERSONAL = ("comment",)

_RESPONSE = _object(
    {
        "id": _ID,
        "survey": _object({"id": _ID, "kind": {"enum": ["nps", "ces", "csat"]}}),
        "touchpoint": _nullable(_STRING),
        "score": _INTEGER,
        "classification": _STRING,
        "locale": _STRING,
        "channel": _STRING,
        "submitted_at": _TIME,
        "updated_at": _nullable(_TIME),
        "account": {**_STRING, "description": "The account's external id, or empty."},
        "plan": _STRING,
        "consent_to_contact": _BOOLEAN,
        "customer": _CUSTOMER,
        "comment": _COMMENT,
        "answers": {
            "type": "object",
            "description": "The answers to the survey's additional questions, by question key: an option's key, "
            "a list of them, an integer or a text. Sent only to endpoints allowed comments (they may hold text).",
            "additionalProperties": {
                "anyOf": [_STRING, _INTEGER, {"type": "array", "items": _STRING}],
            },
        },
    },
    optional=(*_PERSONAL, "answers"),
)
_FEEDBACK = _object(
    {
        "id": _ID,
        "source": _STRING,
        "response_id": _nullable(_ID),
        "survey_kind": _STRING,
        "score": _nullable(_INTEGER),
        "classification": _STRING,
        "touchpoint": _nullable(_STRING),
        "language": _STRING,
        "sentiment": {"enum": ["pos", "neu", "neg", ""]},
        "confidence": _nullable({**_NUMBER, "minimum": 0, "maximum": 1}),
        "polarity": _nullable(_NUMBER),
        "keywords": {"type": "array", "items": _STRING},
        "aspects": {
            "type": "array",
            "items": _object({"term": _STRING, "label": {"enum": ["pos", "neu", "neg"]}}),
        },
        "is_request": _BOOLEAN,
        "analysed_at": _nullable(_TIME),
        "account": _STRING,
        "customer": _CUSTOMER,
        "comment": _COMMENT,
    },
    optional=_PERSONAL,
)
_CASE = _object(
    {
        "id": _ID,
        "source": _STRING,
        "reason": _STRING,
        "priority": {"type": "integer", "minimum": 1, "maximum": 4},
        "status": {"enum": ["new", "assigned", "contacted", "resolved", "closed"]},
        "response_id": _nullable(_ID),
        "survey_kind": _STRING,
        "score": _nullable(_INTEGER),
        "touchpoint": _nullable(_STRING),
        "account": _STRING,
        "owner": _nullable(_STRING),
        "opened_at": _TIME,
        "due_at": _TIME,
        "escalated_at": _nullable(_TIME),
        "root_cause": _nullable(_STRING),
        "resolved_at": _nullable(_TIME),
        "closed_at": _nullable(_TIME),
        "customer": _CUSTOMER,
        "comment": _COMMENT,
    },
    optional=_PERSONAL,
)
_ADVOCATE = _object(
    {
        "id": _ID,
        "response_id": _nullable(_ID),
        "status": _STRING,
        "score": _INTEGER,
        "account": _STRING,
        "customer": _CUSTOMER,
    }
)
_HEALTH = _object(
    {
        "id": {**_STRING, "description": "The account's external id."},
        "name": _STRING,
        "band_before": _BAND,
        "band": _BAND,
        "score": _nullable(_INTEGER),
        "scorecard": _object({"kind": {"const": "health"}, "stage": _STRING}),
        "measures": {"type": "array", "items": {"type": "object"}},
        "as_of": _DATE,
    }
)
_CHURNED = _object(
    {
        "id": {**_STRING, "description": "The account's external id."},
        "record_id": _ID,
        "kind": {"enum": ["churn", "downgrade"]},
        "date": _DATE,
        "mrr_lost": _DECIMAL,
        "reasons": {"type": "array", "items": _STRING},
        "competitor": _STRING,
    }
)

_DATA = {
    catalogue.RESPONSE_CREATED: _RESPONSE,
    catalogue.RESPONSE_UPDATED: _RESPONSE,
    catalogue.FEEDBACK_ANALYSED: _FEEDBACK,
    catalogue.CASE_OPENED: _CASE,
    catalogue.CASE_ESCALATED: _CASE,
    catalogue.CASE_RESOLVED: _CASE,
    catalogue.ADVOCATE_CREATED: _ADVOCATE,
    catalogue.ACCOUNT_HEALTH_CHANGED: _HEALTH,
    catalogue.ACCOUNT_CHURNED: _CHURNED,
}


def _envelope(event_type: str) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "title": event_type,
        **_object(
            {
                "type": {"const": event_type},
                "timestamp": {**_TIME, "description": "When the change happened."},
                "version": {"const": catalogue.PAYLOAD_VERSION},
                "data": deepcopy(_DATA[event_type]),
            }
        ),
    }


EVENT_SCHEMAS: dict[str, dict[str, Any]] = {event_type: _envelope(event_type) for event_type in catalogue.EVENT_TYPES}


def event_schema(event_type: str) -> dict[str, Any]:
    """The JSON Schema of one event type's body (a copy: callers may change it); KeyError for an unknown type."""
    return deepcopy(EVENT_SCHEMAS[event_type])
