"""The churn-reasons endpoint: why accounts leave, by reason, competitor and segment, with each account in context."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.models import Stage
from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from insights.api.churn_examples import CHURN_REASONS_EXAMPLE
from insights.api.metrics import InsightsApi
from insights.api.queries import within_calendar
from insights.api.retention import MoneyField, accounts_period_validate
from insights.churn_reasons_report import DEFAULT_LIMIT, KINDS, MAX_LIMIT, SEGMENTS, churn_reasons_report


class ChurnReasonsQuerySerializer(QuerySerializer):
    """Which records (confirmed, dated in the period) of which accounts, split by which segment."""

    since = serializers.DateField(
        required=False,
        validators=[within_calendar],
        help_text="First day counted (default: the first day of the 12 months that end with until's month).",
    )
    until = serializers.DateField(
        required=False, validators=[within_calendar], help_text="Last day counted (default: today)."
    )
    kind = serializers.ChoiceField(
        choices=KINDS, required=False, help_text="Churns or downgrades only (default: both)."
    )
    plan = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="Plans today; repeat for several."
    )
    stage = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices),
        required=False,
        help_text="Lifecycle stage on the record's date (set, or derived from the contract dates).",
    )
    csm = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, help_text="CSMs' usernames (today's CSM)."
    )
    segment = serializers.ChoiceField(
        choices=SEGMENTS, required=False, help_text="Split the reasons by plan, stage or CSM (default: no split)."
    )
    limit = serializers.IntegerField(
        min_value=0, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="Churned accounts listed, newest first."
    )

    def validate(self, attrs):
        since, until, filters = accounts_period_validate(attrs)
        return {
            "since": since,
            "until": until,
            "kind": attrs.get("kind"),
            "filters": filters,
            "segment": attrs.get("segment"),
            "limit": attrs["limit"],
        }


@extend_schema_serializer(component_name="ChurnTally")
class TallySerializer(serializers.Serializer):
    records = serializers.IntegerField()
    mrr_lost = MoneyField()
    churn_records = serializers.IntegerField()
    churn_mrr_lost = MoneyField()
    downgrade_records = serializers.IntegerField()
    downgrade_mrr_lost = MoneyField()


@extend_schema_serializer(component_name="ChurnReasonLine")
class ReasonLineSerializer(serializers.Serializer):
    key = serializers.CharField(source="reason.key", allow_null=True, help_text="null: records with no reason yet.")
    name = serializers.CharField(source="reason.name", help_text="In the reader's language (Accept-Language).")
    tally = TallySerializer(source="row.tally", help_text="The records with this reason, each with its whole MRR.")
    share = serializers.FloatField(source="row.share", allow_null=True, help_text="Of the period's records.")
    mrr_share = serializers.FloatField(source="row.mrr_share", allow_null=True, help_text="Of the MRR lost.")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["key"] = data["key"] or None
        return data


@extend_schema_serializer(component_name="ChurnCompetitor")
class CompetitorSerializer(serializers.Serializer):
    name = serializers.CharField()
    tally = TallySerializer()


@extend_schema_serializer(component_name="ChurnSegment")
class SegmentSerializer(serializers.Serializer):
    key = serializers.CharField(source="segment.key", help_text='A plan, stage or CSM username ("" for none).')
    name = serializers.CharField(source="segment.name")
    tally = TallySerializer(source="row.tally")
    reasons = ReasonLineSerializer(many=True)


@extend_schema_serializer(component_name="ChurnAnswer")
class AnswerSerializer(serializers.Serializer):
    response_id = serializers.IntegerField()
    survey_kind = serializers.CharField()
    score = serializers.IntegerField()
    classification = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    comment = serializers.CharField()
    url = serializers.CharField(help_text="The answer's admin page.")


@extend_schema_serializer(component_name="ChurnHealth")
class HealthSerializer(serializers.Serializer):
    date = serializers.DateField()
    score = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(help_text='red, yellow, green ("" when not scored).')
    url = serializers.CharField(help_text="The snapshot's admin page.")


@extend_schema_serializer(component_name="ChurnCase")
class CaseSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    is_open = serializers.BooleanField()
    opened_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The case's admin page.")


@extend_schema_serializer(component_name="ChurnReasonName")
class ReasonNameSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ChurnedAccount")
class ChurnedAccountSerializer(serializers.Serializer):
    record_id = serializers.IntegerField()
    record_url = serializers.CharField(help_text="The churn record's admin page.")
    kind = serializers.CharField()
    date = serializers.DateField()
    mrr_lost = MoneyField()
    reasons = ReasonNameSerializer(many=True)
    competitor = serializers.CharField()
    note = serializers.CharField()
    external_id = serializers.CharField()
    name = serializers.CharField()
    plan = serializers.CharField()
    csm = serializers.CharField()
    account_url = serializers.CharField(help_text="The account's admin page.")
    answers = AnswerSerializer(many=True, help_text="The last answers up to the end of the record's day.")
    comments = AnswerSerializer(many=True, help_text="The last answers with a comment, up to the same moment.")
    health_before = HealthSerializer(
        allow_null=True, help_text="The snapshot closest on or before the record's date minus 30 days."
    )
    health_last = HealthSerializer(allow_null=True, help_text="The last snapshot dated before the record's date.")
    cases = CaseSerializer(many=True, help_text="The last cases opened up to the end of the record's day.")
    cases_total = serializers.IntegerField()


class ChurnReasonsApi(InsightsApi):
    """Why accounts leave: the period's confirmed churn and downgrade records by reason (records and MRR lost),
    by competitor and by segment, and each churned account with its last answers, health and cases.

    A record with several reasons counts once for each: the reasons' records add up to
    `reason_mentions`, more than `totals.records` when some have several; shares are of the
    records. Definitions: docs/retention.md#why-accounts-leave.
    """

    permission_classes = (HasPerm("insights.view_insights"), HasPerm("accounts.view_churnrecord"))
    query_serializer = ChurnReasonsQuerySerializer

    @extend_schema_serializer(component_name="ChurnReasons")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateField()
        until = serializers.DateField()
        kind = serializers.CharField(allow_null=True)
        segment = serializers.CharField(allow_null=True)
        totals = TallySerializer(help_text="Each record once.")
        accounts = serializers.IntegerField(help_text="Distinct accounts among the records.")
        without_reason = serializers.IntegerField(help_text="Records with no reason yet.")
        reason_mentions = serializers.IntegerField(help_text="The reason table's records: one per reason of each.")
        reasons = ReasonLineSerializer(many=True)
        competitors = CompetitorSerializer(many=True)
        segments = SegmentSerializer(many=True, help_text="Empty without `segment`.")
        churned = ChurnedAccountSerializer(many=True, help_text="Newest first, at most `limit`.")
        churned_total = serializers.IntegerField(help_text="Records in the period (the list's full length).")

    def answer(self, **query):
        return churn_reasons_report(**query)

    @extend_schema(
        parameters=[ChurnReasonsQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
        examples=[OpenApiExample("A year of churn", value=CHURN_REASONS_EXAMPLE, response_only=True)],
    )
    def get(self, request) -> Response:
        return self.respond(request)
