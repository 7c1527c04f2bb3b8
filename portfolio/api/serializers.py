"""How the accounts API reads an account and writes one: fields and types only, the rules are accounts.services."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.models import Account, Band, HealthSnapshot, Stage
from common.api.fields import StrictCharField, StrictInputSerializer

MEASURE_SCHEMA = {
    "type": "object",
    "description": "One measure: what it adds to the score. A measure without data has value null, "
    'points 0, weight 0 and "missing": true.',
    "properties": {
        "key": {"type": "string"},
        "window": {"type": "string"},
        "value": {"type": "number", "nullable": True},
        "weight": {"type": "number", "description": "Percentage of the score this measure weighs."},
        "points": {"type": "number", "description": "What it adds; the points of a score add up to the score."},
        "missing": {"type": "boolean"},
    },
}
BAND_SCHEMA = {"type": "string", "enum": [*Band.values, ""], "description": "red, yellow, green; blank until computed."}


STAGE_CHOICES = [*Stage.choices, ("", "Derived from the contract start and renewal date")]


def _score(score, band, measures, computed_at) -> dict:
    return {"score": score, "band": band, "measures": measures or [], "computed_at": computed_at}


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "score": {"type": "integer", "nullable": True, "description": "0-100; null until computed."},
            "band": BAND_SCHEMA,
            "measures": {"type": "array", "items": MEASURE_SCHEMA},
            "computed_at": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
    component_name="Score",
)
class ScoreField(serializers.Field):
    """A score with its band and explanation; `source="*"`, the fields named by `prefix`."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        computed_at = getattr(value, "health_computed_at", None) or getattr(value, "computed_at", None)
        computed_at = serializers.DateTimeField().to_representation(computed_at) if computed_at else None
        if self.kind == "health":
            return _score(value.health_score, value.health_band, value.health_measures, computed_at)
        return _score(value.temperature, value.temperature_band, value.temperature_measures, computed_at)


@extend_schema_serializer(component_name="Account")
class AccountSerializer(serializers.ModelSerializer):
    """An account as stored, with its latest health and temperature."""

    stage = serializers.ChoiceField(choices=STAGE_CHOICES, read_only=True, help_text="Blank: derived.")
    csm = serializers.CharField(source="csm.username", read_only=True, allow_null=True, default=None)
    health = ScoreField(kind="health")
    temperature = ScoreField(kind="temperature")

    class Meta:
        model = Account
        fields = (
            "external_id",
            "name",
            "plan",
            "mrr",
            "stage",
            "contract_start",
            "renewal_date",
            "csm",
            "health",
            "temperature",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


@extend_schema_serializer(component_name="HealthSnapshot")
class HealthSnapshotSerializer(serializers.ModelSerializer):
    health = ScoreField(kind="health")
    temperature = ScoreField(kind="temperature")

    class Meta:
        model = HealthSnapshot
        fields = ("date", "health", "temperature", "computed_at")
        read_only_fields = fields


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "pattern": r"^\d{1,12}(\.\d{1,2})?$"},
        ],
        "nullable": True,
        "description": 'A JSON number or a decimal string ("12000.00"), at most 2 decimals.',
    }
)
class StrictDecimalField(serializers.DecimalField):
    """A JSON number or a decimal string ("199.00"); true, null-like strings and non-finite values are refused."""

    def validate_empty_values(self, data):
        if data == "":  # DRF reads "" as null when null is allowed: here it is a mistake
            self.fail("invalid")
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    """A date written YYYY-MM-DD, as a JSON string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(data)


@extend_schema_serializer(component_name="AccountIn")
class AccountInputSerializer(StrictInputSerializer):
    """An account to create or update by external id; a field left out keeps its value."""

    external_id = StrictCharField(max_length=200, help_text="Your system's id for the account.")
    name = StrictCharField(required=False, allow_blank=True, max_length=200)
    plan = StrictCharField(required=False, allow_blank=True, max_length=100)
    mrr = StrictDecimalField(
        required=False, allow_null=True, max_digits=14, decimal_places=2, min_value=0, help_text="Monthly revenue."
    )
    stage = serializers.ChoiceField(
        choices=STAGE_CHOICES,
        required=False,
        help_text="Lifecycle stage; blank: derived from the contract dates.",
    )
    contract_start = StrictDateField(required=False, allow_null=True)
    renewal_date = StrictDateField(required=False, allow_null=True)
    csm = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=150,
        help_text="Username of the customer-success manager (active staff); null or blank for none.",
    )


@extend_schema_serializer(component_name="AccountSignal")
class SignalSerializer(serializers.Serializer):
    """One row of a signal batch: documentation only, rows are checked by accounts.signal_rows."""

    account = serializers.CharField(max_length=200, help_text="The account's external id.")
    date = serializers.DateField(help_text="YYYY-MM-DD, from 2000-01-01 to tomorrow.")
    key = serializers.RegexField(r"^[a-z0-9_]{1,64}$", help_text="active_users, logins, features_used, … or yours.")
    value = serializers.FloatField(help_text="A finite number.")


@extend_schema_serializer(component_name="SignalsIngested")
class SignalsIngestedSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="Rows in the batch.")
    written = serializers.IntegerField(help_text="Rows inserted or replaced (a repeated row counts once).")
    accounts_created = serializers.IntegerField()
    accounts = serializers.IntegerField(help_text="Accounts whose signals were written; their health is refreshed.")
