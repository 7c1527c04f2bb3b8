"""How endpoints, deliveries and attempts are written in and read out of the webhooks API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api.fields import StrictBooleanField, StrictCharField, StrictInputSerializer, StrictIntegerField
from common.api.filters import to_utc
from webhooks import catalogue
from webhooks.models import Attempt, Delivery, Endpoint

MAX_ID = 2**63 - 1


class UTCDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time given as a string, in UTC (one without an offset is read in the server's time zone)."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM|-HH:MM|Z]")
        parsed = super().to_internal_value(value)
        try:
            return to_utc(parsed)
        except ValueError:
            raise serializers.ValidationError("Date-time out of range.") from None


class EventTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=catalogue.EVENT_TYPES, **kwargs)


class PersonalField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=catalogue.PERSONAL_FIELDS, **kwargs)


class EndpointInputSerializer(StrictInputSerializer):
    """What a POST sends (url and events required) or a PATCH changes (any of them)."""

    url = StrictCharField(max_length=2000, help_text="Where events are POSTed: https:// on a public address.")
    events = serializers.ListField(
        child=EventTypeField(),
        allow_empty=False,
        max_length=len(catalogue.EVENT_TYPES) * 2,
        help_text="The event types it receives (GET /api/v1/webhooks/event-types/).",
    )
    personal_fields = serializers.ListField(
        child=PersonalField(),
        required=False,
        max_length=len(catalogue.PERSONAL_FIELDS) * 2,
        help_text="Personal data it may receive; none by default (ids and scores only). Tick one only where the "
        "customers consented to their data going to this receiver (PIPL Art. 23).",
    )
    description = StrictCharField(max_length=200, required=False, allow_blank=True)
    active = StrictBooleanField(required=False)


class DeliveryCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField(source="pending_count")
    retrying = serializers.IntegerField(source="retrying_count")
    succeeded = serializers.IntegerField(source="succeeded_count")
    failed = serializers.IntegerField(source="failed_count")


class EndpointSerializer(serializers.ModelSerializer):
    """An endpoint as every answer but its creation shows it: without its secret."""

    events = serializers.ListField(child=EventTypeField())
    personal_fields = serializers.ListField(child=PersonalField())
    owner = serializers.IntegerField(source="owner_id", allow_null=True, help_text="User id of its owner.")
    previous_secret_valid_until = serializers.SerializerMethodField(
        help_text="Until when deliveries are also signed with the secret before the last rotation."
    )
    deliveries = serializers.SerializerMethodField(help_text="How many of its deliveries are in each status.")

    class Meta:
        model = Endpoint
        fields = (
            "id",
            "url",
            "description",
            "events",
            "personal_fields",
            "active",
            "failing_since",
            "disabled_reason",
            "owner",
            "previous_secret_valid_until",
            "deliveries",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_previous_secret_valid_until(self, endpoint: Endpoint):
        until = endpoint.previous_secret_until if endpoint.previous_secret else None
        return serializers.DateTimeField().to_representation(until) if until else None

    @extend_schema_field(DeliveryCountsSerializer)
    def get_deliveries(self, endpoint: Endpoint):
        if not hasattr(endpoint, "failed_count"):
            return None
        return DeliveryCountsSerializer(endpoint).data


class EndpointCreatedSerializer(EndpointSerializer):
    """The answer to a POST: the endpoint and its secret, shown this once."""

    secret = serializers.CharField(help_text="The signing secret (whsec_…). Store it now: it is not shown again.")

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class SecretRotatedSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret. Store it now: it is not shown again.")
    previous_secret_valid_until = serializers.DateTimeField(
        help_text="Until then every delivery carries a signature with the old secret too."
    )


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField()
    description = serializers.CharField()


class DeliverySerializer(serializers.ModelSerializer):
    """One event for one endpoint: where it stands, and how its last attempt went."""

    webhook_id = serializers.CharField(source="event.webhook_id", help_text="The webhook-id header: dedupe on it.")
    event_id = serializers.IntegerField()
    event_type = serializers.CharField(source="event.type")
    event_occurred_at = serializers.DateTimeField(source="event.occurred_at")
    endpoint_id = serializers.IntegerField()

    class Meta:
        model = Delivery
        fields = (
            "id",
            "endpoint_id",
            "event_id",
            "event_type",
            "event_occurred_at",
            "webhook_id",
            "status",
            "attempts",
            "next_attempt_at",
            "give_up_at",
            "last_status_code",
            "last_error",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ("at", "status_code", "latency_ms", "response_excerpt", "error", "succeeded")
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    """A delivery with every attempt, newest first."""

    attempt_log = AttemptSerializer(source="attempt_set", many=True)

    class Meta(DeliverySerializer.Meta):
        fields = (*DeliverySerializer.Meta.fields, "attempt_log")
        read_only_fields = fields


class ReplayInputSerializer(StrictInputSerializer):
    """A range of events to send an endpoint again: by time (since, until) or by event id, and optionally by type."""

    since = UTCDateTimeField(required=False, help_text="Events that occurred at or after this time.")
    until = UTCDateTimeField(required=False, help_text="Events that occurred before this time.")
    types = serializers.ListField(
        child=EventTypeField(),
        required=False,
        max_length=len(catalogue.EVENT_TYPES) * 2,
        help_text="Only these of the types it subscribes to (default: all of them).",
    )
    first_event_id = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)
    last_event_id = StrictIntegerField(required=False, min_value=1, max_value=MAX_ID)

    def validate(self, attrs):
        if not any(name in attrs for name in ("since", "until", "first_event_id", "last_event_id")):
            raise serializers.ValidationError(
                {"since": ["Give a range: since and until, or first_event_id and last_event_id."]}
            )
        if "since" in attrs and "until" in attrs and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        first, last = attrs.get("first_event_id"), attrs.get("last_event_id")
        if first is not None and last is not None and first > last:
            raise serializers.ValidationError({"last_event_id": ["Must not be below first_event_id."]})
        return attrs


class QueuedSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many deliveries were queued to be sent now.")
