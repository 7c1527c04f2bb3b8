"""Request examples for the API docs (/api/docs/): valid as they stand, so "Try it out" gets no 400 for them.

tests/api/test_schema_examples.py posts each of them.
"""

from drf_spectacular.utils import OpenApiExample

ENDPOINT_CREATE = {
    "url": "https://hooks.example.com/cxplatform",
    "events": ["response.created", "case.opened"],
    "personal_fields": [],
    "description": "CRM sync",
    "active": True,
}
ENDPOINT_CHANGE = {"events": ["response.created", "case.opened", "case.resolved"]}
REPLAY = {"since": "2026-12-01T00:00:00Z", "until": "2026-12-02T00:00:00Z", "types": ["response.created"]}

ENDPOINT_CREATE_EXAMPLES = [OpenApiExample("Answers and new cases", value=ENDPOINT_CREATE, request_only=True)]
ENDPOINT_CHANGE_EXAMPLES = [OpenApiExample("Resolved cases too", value=ENDPOINT_CHANGE, request_only=True)]
REPLAY_EXAMPLES = [
    OpenApiExample("A day of answers", value=REPLAY, request_only=True),
    OpenApiExample("An id range", value={"first_event_id": 1, "last_event_id": 500}, request_only=True),
]
