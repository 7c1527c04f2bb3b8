"""Request examples for the API docs (/api/docs/): valid as they stand, so "Try it out" gets no 400 for them.

Swagger UI otherwise makes its own from the schema, such as `"survey": 9223372036854776000`
(a 64-bit id past what JavaScript counts exactly), which the API refuses. The values follow the
demo data (`make run`): its touchpoints and customers; a survey's public key comes from
`GET /api/v1/surveys/`. tests/api/test_schema_examples.py posts each of them.
"""

from drf_spectacular.utils import OpenApiExample

from surveys.identity import identity_signature

TOUCHPOINT_EVENT = {
    "touchpoint": "support-ticket",
    "event_id": "ticket-8812",
    "customer": {
        "external_id": "acct-42",
        "email": "lin@shop.example",
        "name": "林美玲",
        "locale": "zh-TW",
        "plan": "Growth",
        "value": "199.00",
    },
}
EXAMPLE_SURVEY_KEY = "pR0Nq8n2Xc5bVt7LmW4sYg"  # replace with one of yours: GET /api/v1/surveys/
EXAMPLE_IDENTITY_SECRET = "your-survey-identity-secret"  # noqa: S105 (a placeholder for the docs)
PUBLIC_RESPONSE = {
    "survey": EXAMPLE_SURVEY_KEY,
    "score": 3,
    "comment": "订单同步经常失败",
    "locale": "zh-CN",
    "touchpoint": "support-ticket",
    "customer": {"external_id": "demo-0001"},
    "consent_to_contact": False,
}

TOUCHPOINT_EVENT_EXAMPLES = [
    OpenApiExample("A support ticket was closed", value=TOUCHPOINT_EVENT, request_only=True),
]
TOUCHPOINT_EVENT_BATCH_EXAMPLES = [
    OpenApiExample(
        "Two events",
        value={
            "events": [
                TOUCHPOINT_EVENT,
                {"touchpoint": "delivery", "event_id": "delivery-5531", "customer": {"external_id": "acct-43"}},
            ]
        },
        request_only=True,
    ),
]
PUBLIC_RESPONSE_EXAMPLES = [
    OpenApiExample(
        "An answer with a comment",
        value=PUBLIC_RESPONSE,
        request_only=True,
        description="`survey` is your survey's public key (GET /api/v1/surveys/ lists them).",
    ),
    OpenApiExample(
        "A signed answer naming the customer's account",
        value={
            "survey": EXAMPLE_SURVEY_KEY,
            "score": 9,
            "customer": {"external_id": "user-7", "account": "acct-42"},
            "signature": identity_signature(secret=EXAMPLE_IDENTITY_SECRET, external_id="user-7", account="acct-42"),
        },
        request_only=True,
        description='Your server signs `external_id + "\\n" + account` with the survey\'s identity secret (here '
        f"`{EXAMPLE_IDENTITY_SECRET}`); the customer moves to the account (created when new) and the answer is the "
        "account's. An account claim without its valid signature is a 403, on every survey.",
    ),
]
