"""The health back-test endpoint: would the health score have warned us of the churn we recorded?"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.backtest_report import DEFAULT_MONTHS, HORIZONS, default_since, health_backtest
from common.api.filters import QuerySerializer
from insights.api.metrics import InsightsApi
from insights.api.queries import within_calendar

MAX_DAYS = 3660  # ten years of landmarks at most


class BacktestQuerySerializer(QuerySerializer):
    since = serializers.DateField(
        required=False,
        validators=[within_calendar],
        help_text=f"Landmarks are first days of months from this one (default: {DEFAULT_MONTHS} months ago).",
    )
    until = serializers.DateField(
        required=False,
        validators=[within_calendar],
        help_text="The last day whose churn counts (default: today); a landmark is used once its horizon is over.",
    )

    def validate(self, attrs):
        until = attrs.get("until") or timezone.localdate()
        since = attrs.get("since") or default_since(until)
        if since > until:
            raise serializers.ValidationError({"until": ["until must not be before since."]})
        if until - since > timedelta(days=MAX_DAYS):
            raise serializers.ValidationError({"since": [f"At most {MAX_DAYS} days at once."]})
        return {"since": since, "until": until}


@extend_schema_serializer(component_name="BacktestFigure")
class FigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True, help_text="The 95% bootstrap interval's lower end.")
    high = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="BacktestMarker")
class MarkerSerializer(serializers.Serializer):
    auc = FigureSerializer(help_text="ROC AUC: 0.5 is a coin toss, 1 a perfect warning.")
    observations = serializers.IntegerField(help_text="Account-landmarks the AUC rests on.")
    churned = serializers.IntegerField(help_text="Of them, those that churned within the horizon.")


@extend_schema_serializer(component_name="BacktestMeasure")
class MeasureSerializer(MarkerSerializer):
    key = serializers.CharField()
    window = serializers.CharField()
    per_key = serializers.CharField()


@extend_schema_serializer(component_name="BacktestBand")
class BandSerializer(serializers.Serializer):
    band = serializers.ChoiceField(choices=("red", "yellow", "green"))
    observations = serializers.IntegerField()
    churned = serializers.IntegerField()
    churn_rate = FigureSerializer(source="rate", help_text="The share that churned within the horizon.")


@extend_schema_serializer(component_name="BacktestHorizon")
class HorizonSerializer(serializers.Serializer):
    days = serializers.IntegerField(source="horizon")
    health = MarkerSerializer(help_text="The health score as it was on the landmark.")
    usage_alone = MarkerSerializer(
        source="usage", allow_null=True, help_text="Usage and billing measures alone, without the experience signals."
    )
    measures = serializers.SerializerMethodField()
    bands = BandSerializer(source="bands.rates", many=True)
    red_lift = FigureSerializer(source="bands.red_lift", help_text="Red's churn rate over green's.")

    @extend_schema_field(MeasureSerializer(many=True))
    def get_measures(self, horizon) -> list[dict]:
        return [
            {"key": m.source[0], "window": m.source[1], "per_key": m.source[2], **MarkerSerializer(m.result).data}
            for m in horizon.measures
        ]


class HealthBacktestApi(InsightsApi):
    """How well the health score would have warned of the churn recorded in the churn log.

    On the first day of each month, every account still a customer is an observation with the score it
    had; it churned at a horizon if its first confirmed churn came within that many days (30, 60, 90).
    AUCs and rates carry 95% intervals from a bootstrap over accounts. Method: docs/health-backtest.md.
    """

    query_serializer = BacktestQuerySerializer

    @extend_schema_serializer(component_name="HealthBacktest")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateField()
        until = serializers.DateField()
        landmarks = serializers.ListField(child=serializers.DateField(), help_text="The days the scores were read.")
        accounts = serializers.IntegerField(help_text="Accounts with at least one observation.")
        churned_accounts = serializers.IntegerField(help_text="Of them, those whose churn followed an observation.")
        measured_accounts = serializers.IntegerField(
            help_text="Accounts whose measures were read: all, or a weighted sample of the churned and of the others."
        )
        horizons = HorizonSerializer(many=True)

    def answer(self, **query):
        return health_backtest(horizons=HORIZONS, **query)

    @extend_schema(
        parameters=[BacktestQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request) -> Response:
        return self.respond(request)
