"""The retention endpoint: logo churn, gross and net revenue retention, and the MRR movements behind them."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.models import Stage
from common.api.filters import QuerySerializer
from insights.api.metrics import InsightsApi
from insights.api.queries import within_calendar
from insights.retention_report import (
    INTERVALS,
    MAX_BUCKETS,
    RetentionFilters,
    bucket_bounds,
    default_since,
    period_align,
    retention_series,
)


def accounts_period_validate(attrs) -> tuple:
    """The period (since, until: the 12 months to today by default) and the accounts' filters of a query.

    Raises a ValidationError naming `csm` for an unknown CSM, `until` for a period that ends before it starts.
    """
    csms = tuple(dict.fromkeys(attrs.get("csm", ())))
    known = set(get_user_model().objects.filter(username__in=csms).values_list("username", flat=True))
    unknown = [name for name in csms if name not in known]
    if unknown:
        raise serializers.ValidationError({"csm": [f"Unknown user: {', '.join(unknown)}."]})
    until = attrs.get("until") or timezone.localdate()
    since = attrs.get("since") or default_since(until)
    if since > until:
        raise serializers.ValidationError({"until": ["until must not be before since."]})
    filters = RetentionFilters(
        plans=tuple(dict.fromkeys(attrs.get("plan", ()))),
        stages=tuple(dict.fromkeys(attrs.get("stage", ()))),
        csms=csms,
    )
    return since, until, filters


class RetentionQuerySerializer(QuerySerializer):
    """Which accounts (as they are today) and which months or quarters."""

    since = serializers.DateField(
        required=False,
        validators=[within_calendar],
        help_text="A day of the first bucket (default: the 12 months that end with until's month).",
    )
    until = serializers.DateField(
        required=False, validators=[within_calendar], help_text="A day of the last bucket (default: today)."
    )
    interval = serializers.ChoiceField(
        choices=INTERVALS, default="month", help_text="Calendar months, or quarters starting in January."
    )
    plan = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="Plans; repeat for several."
    )
    stage = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices),
        required=False,
        help_text="Lifecycle stages today (set, or derived from the contract dates).",
    )
    csm = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, help_text="CSMs' usernames."
    )

    def validate(self, attrs):
        since, until, filters = accounts_period_validate(attrs)
        interval = attrs["interval"]
        aligned = period_align(interval=interval, since=since, until=until)
        if len(bucket_bounds(interval=interval, since=aligned[0], until=aligned[1])) > MAX_BUCKETS:
            raise serializers.ValidationError(
                {"since": [f"At most {MAX_BUCKETS} buckets at once; choose quarters or a shorter period."]}
            )
        return {"interval": interval, "since": since, "until": until, "filters": filters}


class MoneyField(serializers.DecimalField):
    """An amount as decimal text to the cent, however large (a signal may be any finite number)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=2, read_only=True, **kwargs)

    def to_representation(self, value):
        return format(value, ".2f")


def _money():
    return MoneyField()


@extend_schema_serializer(component_name="RetentionBucket")
class RetentionBucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The bucket's last day.")
    accounts_start = serializers.IntegerField(help_text="Accounts with MRR above 0 at the start (the cohort).")
    churned_accounts = serializers.IntegerField(help_text="Of those, with a confirmed churn dated in the bucket.")
    downgraded_accounts = serializers.IntegerField(help_text="Others with a confirmed downgrade in the bucket.")
    expanded_accounts = serializers.IntegerField(help_text="Others whose MRR rose.")
    logo_churn = serializers.FloatField(allow_null=True, help_text="churned_accounts / accounts_start (0.05 = 5%).")
    mrr_start = _money()
    churned_mrr = _money()
    contraction_mrr = _money()
    expansion_mrr = _money()
    recorded_downgrade_mrr = _money()
    mrr_end = _money()
    revenue_churn = serializers.FloatField(allow_null=True, help_text="(churned + contraction) / mrr_start.")
    grr = serializers.FloatField(allow_null=True, help_text="(mrr_start − churned − contraction) / mrr_start.")
    nrr = serializers.FloatField(
        allow_null=True, help_text="(mrr_start − churned − contraction + expansion) / mrr_start."
    )


class RetentionApi(InsightsApi):
    """Logo churn, gross and net revenue retention, revenue churn, contraction and expansion per month or quarter.

    Each bucket follows the accounts paying at its start (a cohort: accounts won during it are not
    in it). MRR comes from the accounts' `mrr` signals; churns and downgrades from the confirmed
    records of the churn log. Definitions: docs/retention.md.
    """

    query_serializer = RetentionQuerySerializer

    @extend_schema_serializer(component_name="Retention")
    class OutputSerializer(serializers.Serializer):
        interval = serializers.CharField()
        since = serializers.DateField(help_text="The first bucket's first day.")
        until = serializers.DateField(help_text="The last bucket's last day.")
        buckets = RetentionBucketSerializer(many=True)

    def answer(self, **query):
        return retention_series(**query)

    @extend_schema(
        parameters=[RetentionQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request) -> Response:
        return self.respond(request)
