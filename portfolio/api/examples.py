"""Request examples for the API docs (/api/docs/): valid as they stand, so "Try it out" gets no 400 for them.

The signal example names the account of the account example (`acme-cn`): push the account
first. docs/accounts-api.md shows longer bodies. tests/api/test_schema_examples.py posts each of them.
"""

from drf_spectacular.utils import OpenApiExample

EXAMPLE_ACCOUNT = "acme-cn"
ACCOUNT = {
    "external_id": EXAMPLE_ACCOUNT,
    "name": "艾克米旅行",
    "plan": "Enterprise",
    "mrr": "12000.00",
    "stage": "adoption",
    "contract_start": "2026-01-15",
    "renewal_date": "2027-01-14",
}
SIGNALS = [
    {"account": EXAMPLE_ACCOUNT, "date": "2026-06-30", "key": "active_users", "value": 184},
    {"account": EXAMPLE_ACCOUNT, "date": "2026-06-30", "key": "logins", "value": 1312},
    {"account": EXAMPLE_ACCOUNT, "date": "2026-06-30", "key": "seats", "value": 200},
    {"account": EXAMPLE_ACCOUNT, "date": "2026-06-30", "key": "payment_overdue_days", "value": 0},
]

# The bodies are lists: drf-spectacular puts each example, one item, in a list of its own.
ACCOUNT_EXAMPLES = [OpenApiExample("One account, in a list", value=ACCOUNT, request_only=True)]
SIGNAL_EXAMPLES = [OpenApiExample("One row, in a list", value=SIGNALS[0], request_only=True)]
