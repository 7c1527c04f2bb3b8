"""Touchpoint events from the customer's systems (staff token): one, or a batch of up to 500."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.errors import error_body, flatten_field_errors, validation_message
from common.api.fields import (
    LocaleField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
    StrictSlugField,
)
from common.api.permissions import HasPerm
from common.lean_serializers import LeanStrictInputSerializer
from common.locales import normalize_locale
from surveys.emails import absolute_url
from surveys.models import ContactRule
from surveys.policy import REASON_TEXT, Reason
from surveys.services import events as event_services

BATCH_MAX = 500
OCCURRED_AT_PAST = timedelta(days=365)
OCCURRED_AT_FUTURE = timedelta(days=1)


@extend_schema_serializer(component_name="EventCustomer")
class EventCustomerSerializer(LeanStrictInputSerializer):
    external_id = StrictCharField(max_length=128)
    email = StrictEmailField(required=False, allow_blank=True, max_length=254)
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    locale = LocaleField(required=False, allow_blank=True)
    account = StrictCharField(required=False, allow_blank=True, max_length=200)
    plan = StrictCharField(required=False, allow_blank=True, max_length=100)
    value = serializers.DecimalField(required=False, allow_null=True, max_digits=12, decimal_places=2, min_value=0)


@extend_schema_serializer(component_name="TouchpointEvent")
class EventSerializer(LeanStrictInputSerializer):
    touchpoint = StrictSlugField(max_length=64)
    event_id = StrictCharField(required=False, max_length=128, help_text="Repeat it and nothing changes.")
    occurred_at = serializers.DateTimeField(required=False)
    survey = StrictIntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Ask this survey instead of the rule's."
    )
    customer = EventCustomerSerializer()

    def validate_occurred_at(self, value):
        now = timezone.now()
        if not now - OCCURRED_AT_PAST <= value <= now + OCCURRED_AT_FUTURE:
            raise serializers.ValidationError("Must be within the last 365 days (and not more than a day ahead).")
        return value

    def to_event(self) -> event_services.EventInput:
        data = self.validated_data
        return event_services.EventInput(
            touchpoint_key=data["touchpoint"],
            customer=event_services.CustomerRecord(**data["customer"]),
            event_id=data.get("event_id") or None,
            occurred_at=data.get("occurred_at"),
            survey_id=data.get("survey"),
        )


@extend_schema_serializer(component_name="EventDecision")
class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["invited", "skipped"])
    reason = serializers.ChoiceField(choices=[str(reason) for reason in Reason])
    reason_text = serializers.CharField()
    duplicate = serializers.BooleanField(help_text="This event_id was seen before; this is the first decision.")
    invitation = serializers.DictField(
        allow_null=True, help_text='{"id", "channel", "send_at"} when invited, and "url" for link invitations.'
    )


def _decision_body(outcome: event_services.EventOutcome) -> dict:
    invitation = None
    if outcome.invitation_id is not None:
        send_at = outcome.send_at.isoformat() if outcome.send_at else None
        invitation = {"id": outcome.invitation_id, "channel": outcome.channel, "send_at": send_at}
        if outcome.channel == ContactRule.Channel.LINK:  # your own systems send it: here is the link
            invitation["url"] = absolute_url(reverse("survey-page", args=[outcome.token]))
    return {
        "decision": outcome.decision,
        "reason": outcome.reason,
        "reason_text": REASON_TEXT[Reason(outcome.reason)],
        "duplicate": outcome.duplicate,
        "invitation": invitation,
    }


class TouchpointEventCreateApi(APIView):
    """Record one touchpoint event: upsert the customer, apply the contact policy, say what was decided."""

    permission_classes = (HasPerm("surveys.add_touchpointevent"),)  # integration accounts; no role has it

    @extend_schema(
        request=EventSerializer,
        responses={202: DecisionSerializer, 400: OpenApiResponse(description="Bad input; error.fields says where.")},
    )
    def post(self, request):
        serializer = EventSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        (outcome,) = event_services.touchpoint_events_record(events=[serializer.to_event()])
        if isinstance(outcome, event_services.EventRejected):
            raise ValidationError(outcome.fields)
        return Response(_decision_body(outcome), status=status.HTTP_202_ACCEPTED)


class ParsedJSONField(serializers.JSONField):
    """Any value of a body already parsed from JSON: checked event by event later, so no second json.dumps here."""

    def to_internal_value(self, data):
        return data


@extend_schema_serializer(component_name="TouchpointEventBatch")
class BatchSerializer(serializers.Serializer):
    events = serializers.ListField(child=ParsedJSONField(allow_null=True), min_length=1, max_length=BATCH_MAX)


_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_PLAIN_DECIMAL = re.compile(r"\d{1,10}(\.\d{1,2})?\Z")
_EVENT_KEYS = frozenset(("touchpoint", "event_id", "occurred_at", "survey", "customer"))
_CUSTOMER_KEYS = frozenset(("external_id", "email", "name", "locale", "account", "plan", "value"))
_TEXT_LIMITS = (("name", 200), ("account", 200), ("plan", 100))


def _plain_text(value: object, limit: int, *, allow_blank: bool) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= limit
        and (allow_blank or bool(value))
        and value == value.strip()
        and value.isprintable()
    )


def _occurred_at(value: object, now: datetime) -> datetime | None:
    """Parse an ISO 8601 time with an offset, as DateTimeField does; None when it is anything else."""
    if not (isinstance(value, str) and len(value) <= 64):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.utcoffset() is None:  # a naive time is read in the server's zone: the slow path
        return None
    if not now - OCCURRED_AT_PAST <= parsed <= now + OCCURRED_AT_FUTURE:
        return None
    return parsed.astimezone(timezone.get_current_timezone())


def well_formed_event(item: object, now: datetime | None = None) -> event_services.EventInput | None:
    """Return the event when it is plainly well formed, without DRF's per-field machinery.

    A batch is mostly well-formed events, and validating 500 of them through serializers cost as
    much as the contact policy and all its writes. This accepts only a strict subset of what
    EventSerializer accepts, and gives the same result for it (a test holds them together);
    anything else returns None and goes through the serializer, which names what is wrong.
    """
    if type(item) is not dict or not item.keys() <= _EVENT_KEYS:
        return None
    touchpoint, event_id, survey = item.get("touchpoint"), item.get("event_id"), item.get("survey")
    if not (isinstance(touchpoint, str) and 0 < len(touchpoint) <= 64 and _SLUG.match(touchpoint)):
        return None
    if "event_id" in item and not _plain_text(event_id, 128, allow_blank=False):
        return None
    if "survey" in item and not (type(survey) is int and survey >= 1):
        return None
    occurred_at = None
    if "occurred_at" in item:
        occurred_at = _occurred_at(item["occurred_at"], now or timezone.now())
        if occurred_at is None:
            return None
    customer = item.get("customer")
    if type(customer) is not dict or not customer.keys() <= _CUSTOMER_KEYS:
        return None
    if not _plain_text(customer.get("external_id"), 128, allow_blank=False):
        return None
    given: dict[str, object] = {}
    if "email" in customer:
        email = customer["email"]
        if not _plain_text(email, 254, allow_blank=True):
            return None
        if email:
            try:
                validate_email(email)
            except DjangoValidationError:
                return None
        given["email"] = email
    for name, limit in _TEXT_LIMITS:
        if name in customer:
            if not _plain_text(customer[name], limit, allow_blank=True):
                return None
            given[name] = customer[name]
    if "locale" in customer:
        locale = customer["locale"]
        if not _plain_text(locale, 35, allow_blank=True):
            return None
        normalized = normalize_locale(locale) if locale else ""
        if normalized is None:
            return None
        given["locale"] = normalized
    if customer.get("value") is not None:
        value = customer["value"]
        if type(value) in (int, float):  # DecimalField reads a JSON number through its text, as here
            value = str(value)
        if not (isinstance(value, str) and _PLAIN_DECIMAL.match(value)):
            return None
        given["value"] = Decimal(value)
    return event_services.EventInput(
        touchpoint_key=touchpoint,
        customer=event_services.CustomerRecord(external_id=customer["external_id"], **given),
        event_id=event_id,
        occurred_at=occurred_at,
        survey_id=survey,
    )


def _event_or_errors(item: object, now: datetime) -> event_services.EventInput | dict:
    event = well_formed_event(item, now)
    if event is not None:
        return event
    serializer = EventSerializer(data=item)
    if serializer.is_valid():
        return serializer.to_event()
    return serializer.errors


class TouchpointEventBatchApi(APIView):
    """Record up to 500 events; each gets its own answer, in order, and a bad one does not stop the rest."""

    permission_classes = (HasPerm("surveys.add_touchpointevent"),)  # integration accounts; no role has it

    @extend_schema(
        request=BatchSerializer,
        responses={
            202: OpenApiResponse(
                description='{"results": [{"index", "decision", "reason", "reason_text", "duplicate", "invitation"} '
                'or {"index", "error": {"code", "message", "fields"}}]}'
            ),
            400: OpenApiResponse(description="Not a list of 1–500 events."),
        },
    )
    def post(self, request):
        batch = BatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        results: list[dict | None] = []
        valid: list[tuple[int, event_services.EventInput]] = []
        now = timezone.now()
        for index, item in enumerate(batch.validated_data["events"]):
            checked = _event_or_errors(item, now)
            if isinstance(checked, event_services.EventInput):
                valid.append((index, checked))
                results.append(None)
            else:
                results.append({"index": index, "error": _error(checked)})
        outcomes = event_services.touchpoint_events_record(events=[event for _, event in valid])
        for (index, _event), outcome in zip(valid, outcomes, strict=True):
            if isinstance(outcome, event_services.EventRejected):
                results[index] = {"index": index, "error": _error(outcome.fields)}
            else:
                results[index] = {"index": index, **_decision_body(outcome)}
        return Response({"results": results}, status=status.HTTP_202_ACCEPTED)


def _error(detail) -> dict:
    fields = flatten_field_errors(detail)
    return error_body("invalid", validation_message(fields), fields)["error"]
