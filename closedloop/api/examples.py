"""Request examples for the API docs (/api/docs/): valid as they stand, so "Try it out" gets no 400 for them.

tests/api/test_schema_examples.py posts each of them. A referral code comes from the advocates'
list (`GET /api/v1/advocates/`).
"""

from drf_spectacular.utils import OpenApiExample

EXAMPLE_REFERRAL_CODE = "K7QM4RTX"  # replace with one of your advocates' codes
CASE_CHANGE = {"priority": 2, "note": "Called the customer: the sync fix ships on Friday."}
CASE_NOTE = {"text": "Called the customer: the sync fix ships on Friday."}
REFERRAL = {"code": EXAMPLE_REFERRAL_CODE, "external_id": "signup-1042", "kind": "signup", "revenue": "0.00"}

CASE_CHANGE_EXAMPLES = [OpenApiExample("Raise the priority, with a note", value=CASE_CHANGE, request_only=True)]
CASE_NOTE_EXAMPLES = [OpenApiExample("A note", value=CASE_NOTE, request_only=True)]
REFERRAL_EXAMPLES = [OpenApiExample("A signup", value=REFERRAL, request_only=True)]
