"""Request examples for the API docs (/api/docs/): valid as they stand, so "Try it out" gets no 400 for them.

The signal example names the account of the account example (`acme-cn`): push the account
first. tests/api/test_schema_examples.py posts each of them.
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

ACCOUNT_EXAMPLES = [
    OpenApiExample("One account", value=ACCOUNT, request_only=True),
    OpenApiExample(
        "Several accounts",
        value=[ACCOUNT, {"external_id": "globex-tw", "name": "Globex 台灣", "plan": "Growth", "mrr": 3200}],
        request_only=True,
    ),
]
SIGNAL_EXAMPLES = [OpenApiExample("A day of usage and billing", value=SIGNALS, request_only=True)]

CHURN = {
    "kind": "churn",
    "date": "2026-06-30",
    "mrr_lost": "12000.00",
    "reasons": ["competitor", "price"],
    "competitor": "Globex CX",
    "note": "新任 CIO 统一采购了竞争对手的套件。",
}
CHURN_EXAMPLES = [
    OpenApiExample("A churn", value=CHURN, request_only=True),
    OpenApiExample(
        "A downgrade",
        value={"kind": "downgrade", "date": "2026-06-01", "mrr_lost": 3000, "reasons": ["needs_unmet"]},
        request_only=True,
    ),
]
