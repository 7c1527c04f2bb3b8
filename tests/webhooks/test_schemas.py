"""webhooks/schemas.py: a valid JSON Schema for every event type, and the docs name every event and field."""

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from webhooks import catalogue
from webhooks.schemas import EVENT_SCHEMAS, event_schema

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhook-events.md"


def test_every_event_type_has_a_valid_schema_of_its_envelope():
    assert set(EVENT_SCHEMAS) == set(catalogue.EVENT_TYPES)
    for event_type in catalogue.EVENT_TYPES:
        schema = event_schema(event_type)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["required"] == ["type", "timestamp", "version", "data"]
        assert schema["properties"]["type"] == {"const": event_type}
        assert schema["properties"]["version"] == {"const": catalogue.PAYLOAD_VERSION}
    with pytest.raises(KeyError):
        event_schema("response.deleted")


def test_personal_fields_are_optional_and_nothing_else_is():
    body = {
        "type": "advocate.created",
        "timestamp": "2026-12-07T09:00:00.000Z",
        "version": catalogue.PAYLOAD_VERSION,
        "data": {"id": 1, "response_id": 2, "status": "candidate", "score": 10, "account": "", "customer": None},
    }
    validator = Draft202012Validator(event_schema("advocate.created"))
    validator.validate(body)
    validator.validate({**body, "data": {**body["data"], "customer": {"external_id": "c-1"}}})
    with pytest.raises(ValidationError):
        validator.validate({**body, "data": {**body["data"], "customer": {"email": "x@example.com"}}})
    with pytest.raises(ValidationError):
        validator.validate({**body, "data": {**body["data"], "extra": 1}})
    for event_type in catalogue.EVENT_TYPES:
        data = event_schema(event_type)["properties"]["data"]
        assert "comment" not in data["required"]
        assert set(data["required"]) == set(data["properties"]) - {"comment", "answers"}  # sent with the comment


def test_the_docs_describe_every_event_and_every_field():
    text = DOCS.read_text()
    assert catalogue.PAYLOAD_VERSION in text
    for event_type in catalogue.EVENT_TYPES:
        assert f"`{event_type}`" in text, event_type
        for field in event_schema(event_type)["properties"]["data"]["properties"]:
            assert f"`{field}`" in text, (event_type, field)


def test_every_example_in_the_docs_is_valid_against_its_schema():
    examples = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", DOCS.read_text(), re.S)]
    assert {example["type"] for example in examples} >= {"response.created", "case.escalated", "account.churned"}
    for example in examples:
        Draft202012Validator(event_schema(example["type"]), format_checker=FormatChecker()).validate(example)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "confidence"),
    [
        ({"label": "neg", "confidence": 0.87}, 0.87),
        ({"label": "neg", "confidence": 0.45, "corrected_label": "pos"}, 1.0),  # staff's reading: certain
        ({"label": "neg", "confidence": None, "aspects": []}, None),  # analysed before confidences and aspects
    ],
)
def test_feedback_analysed_carries_the_confidence_aspects_and_request_and_is_valid(fields, confidence):
    from django.utils import timezone

    from feedback.models import FeedbackItem
    from feedback.webhook_payloads import feedback_data

    aspects = [{"term": "support", "label": "pos"}, {"term": "billing", "label": "neg"}]
    item = FeedbackItem.objects.create(
        **{
            "source": "response",
            "source_id": 7,
            "text": "support was great, billing is a mess; could invoices come monthly?",
            "given_at": timezone.now(),
            "status": "analysed",
            "language": "en",
            "polarity": -0.2,
            "keywords": ["support", "billing"],
            "aspects": aspects,
            "is_request": True,
            "analysed_at": timezone.now(),
            **fields,
        }
    )
    data = json.loads(json.dumps(feedback_data(item), default=lambda value: value.isoformat().replace("+00:00", "Z")))
    body = {"type": "feedback.analysed", "timestamp": "2026-12-07T09:14:04Z", "version": catalogue.PAYLOAD_VERSION}
    Draft202012Validator(event_schema("feedback.analysed"), format_checker=FormatChecker()).validate(
        {**body, "data": data}
    )
    assert data["confidence"] == confidence
    assert data["aspects"] == fields.get("aspects", aspects)
    assert data["is_request"] is True
