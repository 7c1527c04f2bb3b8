"""Touchpoint events from the customer's systems (staff token): one, or a batch of up to 500."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
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
    StrictInputSerializer,
    StrictIntegerField,
    StrictSlugField,
)
from common.api.permissions import HasPerm
from surveys.api import examples
from surveys.emails import absolute_url
from surveys.event_validation import OCCURRED_AT_FUTURE, OCCURRED_AT_PAST, well_formed_event
from surveys.models import ContactRule
from surveys.policy import REASON_TEXT, Reason
from surveys.services import events as event_services

BATCH_MAX = 500


@extend_schema_serializer(component_name="EventCustomer")
class EventCustomerSerializer(StrictInputSerializer):
    external_id = StrictCharField(max_length=128)
    email = StrictEmailField(required=False, allow_blank=True, max_length=254)
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    locale = LocaleField(required=False, allow_blank=True)
    account = StrictCharField(required=False, allow_blank=True, max_length=200)
    plan = StrictCharField(required=False, allow_blank=True, max_length=100)
    value = serializers.DecimalField(required=False, allow_null=True, max_digits=12, decimal_places=2, min_value=0)


@extend_schema_serializer(component_name="TouchpointEvent", examples=examples.TOUCHPOINT_EVENT_EXAMPLES)
class EventSerializer(StrictInputSerializer):
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


@extend_schema_serializer(component_name="TouchpointEventBatch", examples=examples.TOUCHPOINT_EVENT_BATCH_EXAMPLES)
class BatchSerializer(serializers.Serializer):
    events = serializers.ListField(child=ParsedJSONField(allow_null=True), min_length=1, max_length=BATCH_MAX)


def _event_or_errors(item: object, now: datetime) -> event_services.EventInput | dict:
    """The event as EventSerializer reads it, or the serializer's errors; the plainly well formed the fast way."""
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
