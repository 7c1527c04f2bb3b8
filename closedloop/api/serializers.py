"""How the cases API writes a case: in the queue, and whole with its answers and log.

The queue's rows are built from `.values()` by `closedloop.values_rows.ValuesRows`, which
writes exactly what CaseSerializer would (tests/closedloop/test_values_rows.py).
"""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from closedloop.models import Case, CaseActivity, CaseTrigger

MAX_ID = 2**63 - 1  # ids are big integers


def _named_choice_field(component_name: str, choices) -> type[serializers.ChoiceField]:
    """A choice field whose enum is one named schema component.

    "status", "reason" and "sla" name other choice sets elsewhere in the API; without a name of
    its own each of the case's enums would be named by a hash and drf-spectacular would warn.
    """
    schema = {
        "type": "string",
        "enum": [value for value, _ in choices],
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices),
    }

    @extend_schema_field(schema, component_name=component_name)
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return NamedChoiceField


CaseStatusField = _named_choice_field("CaseStatusEnum", Case.Status.choices)
CaseReasonField = _named_choice_field("CaseReasonEnum", Case.Reason.choices)
CaseSlaField = _named_choice_field("CaseSlaEnum", Case.Sla.choices)


@extend_schema_serializer(component_name="Case")
class CaseSerializer(serializers.ModelSerializer):
    """A case as the queue shows it."""

    status = CaseStatusField(read_only=True)
    reason = CaseReasonField(read_only=True)
    sla = CaseSlaField(read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True, help_text="Owner's user id.")
    owner_username = serializers.CharField(source="owner.username", read_only=True, allow_null=True, default=None)
    team = serializers.CharField(source="team.name", read_only=True, allow_null=True, default=None)
    root_cause = serializers.CharField(
        source="root_cause.key", read_only=True, allow_null=True, default=None, help_text="Root cause key."
    )
    touchpoint = serializers.CharField(source="touchpoint_key", read_only=True, help_text="Touchpoint key.")
    customer = serializers.CharField(
        source="customer_external_id", read_only=True, help_text="The customer's external id."
    )
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    sentiment_confidence = serializers.FloatField(
        source="confidence",
        read_only=True,
        help_text="How sure the sentiment is, 0 to 1: the analysis' probability of its label (for comments analysed "
        "before it was stored, derived from the polarity), 1 when staff corrected it; null without a comment.",
    )

    class Meta:
        model = Case
        fields = (
            "id",
            "status",
            "priority",
            "reason",
            "sla",
            "owner",
            "owner_username",
            "team",
            "root_cause",
            "survey_kind",
            "score",
            "classification",
            "comment",
            "language",
            "sentiment",
            "sentiment_confidence",
            "sentiment_corrected",
            "polarity",
            "keywords",
            "touchpoint",
            "customer",
            "customer_id",
            "customer_name",
            "customer_email",
            "customer_value",
            "customer_plan",
            "customer_account",
            "locale",
            "given_at",
            "opened_at",
            "due_at",
            "escalated_at",
            "first_contact_at",
            "resolved_at",
            "closed_at",
            "customer_notified_at",
            "updated_at",
        )
        read_only_fields = fields


@extend_schema_serializer(component_name="CaseAnswer")
class AnswerSerializer(serializers.ModelSerializer):
    """An answer that opened the case or was attached to it."""

    touchpoint = serializers.CharField(source="touchpoint_key", read_only=True, help_text="Touchpoint key.")

    class Meta:
        model = CaseTrigger
        fields = (
            "id",
            "source",
            "source_id",
            "feedback_id",
            "survey_kind",
            "score",
            "comment",
            "sentiment",
            "touchpoint",
            "given_at",
        )
        read_only_fields = fields


@extend_schema_serializer(component_name="CaseActivity")
class ActivitySerializer(serializers.ModelSerializer):
    """One entry of a case's log."""

    actor = serializers.IntegerField(
        source="actor_id", read_only=True, allow_null=True, help_text="User id; null for the system."
    )
    actor_username = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)
    text = serializers.CharField(
        read_only=True, help_text="What happened, in the request's language (Accept-Language): what a person reads."
    )
    message = serializers.CharField(
        read_only=True, help_text="What happened in English (a note: as written), as stored; stable across languages."
    )
    code = serializers.CharField(
        read_only=True, help_text="What kind of entry the text is (e.g. escalated); empty for a note or an old entry."
    )
    params = serializers.DictField(read_only=True, help_text="The values the text is made of, by name.")

    class Meta:
        model = CaseActivity
        fields = ("id", "kind", "text", "message", "code", "params", "actor", "actor_username", "created_at")
        read_only_fields = fields


@extend_schema_serializer(component_name="CaseDetail")
class CaseDetailSerializer(CaseSerializer):
    """A case with its resolution, the answers attached to it and its activity log."""

    root_cause_name_en = serializers.CharField(
        source="root_cause.name_en", read_only=True, allow_null=True, default=None
    )
    root_cause_name_zh = serializers.CharField(
        source="root_cause.name_zh", read_only=True, allow_null=True, default=None
    )
    answers = AnswerSerializer(source="triggers", many=True, read_only=True)
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (
            *CaseSerializer.Meta.fields,
            "source",
            "source_id",
            "feedback_id",
            "survey_id",
            "root_cause_name_en",
            "root_cause_name_zh",
            "resolution",
            "customer_note",
            "customer_note_error",
            "resurvey_due_at",
            "resurvey_sent_at",
            "recovery_score",
            "answers",
            "activities",
        )
        read_only_fields = fields
