"""Insights endpoints for CX staff and leads: score series, breakdowns by touchpoint and segment."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.permissions import HasPerm
from insights.api.queries import (
    BreakdownQuerySerializer,
    DriverQuerySerializer,
    ScoreQuerySerializer,
    SeriesQuerySerializer,
)
from insights.drivers import score_drivers
from insights.loop import loop_kpis, response_rates
from insights.series import score_breakdown, score_series


class InsightsApi(APIView):
    """A metrics endpoint: `get` validates the query with `query_serializer` and answers with `answer(**query)`."""

    permission_classes = (HasPerm("insights.view_insights"),)
    query_serializer: type[serializers.Serializer]
    many = False

    def answer(self, **query):
        raise NotImplementedError

    def respond(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(self.OutputSerializer(self.answer(**query.validated_data), many=self.many).data)


@extend_schema_serializer(component_name="ScoreEstimate")
class EstimateSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True)
    margin = serializers.FloatField(allow_null=True, help_text="Half the 95% interval.")
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)


@extend_schema_serializer(component_name="ScoreChangeTest")
class ChangeSerializer(serializers.Serializer):
    difference = serializers.FloatField(allow_null=True, help_text="After minus before, in the score's units.")
    z = serializers.FloatField(allow_null=True)
    p_value = serializers.FloatField(allow_null=True)
    significant = serializers.BooleanField(help_text="p < 0.05 and both samples large enough.")
    small_sample = serializers.BooleanField(help_text="Fewer answers than CX_METRICS_MIN_SAMPLE on a side.")


@extend_schema_serializer(component_name="ScoreFigure")
class FigureSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    score = EstimateSerializer(source="estimate", help_text="NPS points, CSAT %, or the CES mean (1-7).")
    agree = EstimateSerializer(allow_null=True, help_text="CES only: % answering 5-7.")
    classes = serializers.DictField(child=serializers.IntegerField())
    small_sample = serializers.SerializerMethodField()

    def get_small_sample(self, figure) -> bool:
        return figure.n < settings.CX_METRICS_MIN_SAMPLE


@extend_schema_serializer(component_name="ScoreBucket")
class BucketSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    figure = FigureSerializer()
    change = ChangeSerializer(allow_null=True, help_text="Against the bucket before.")


@extend_schema_serializer(component_name="ScoreSeriesLine")
class SeriesLineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    buckets = BucketSerializer(many=True)


@extend_schema_serializer(component_name="ScoreSegment")
class SegmentSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    figure = FigureSerializer()
    share = serializers.FloatField()
    contribution = serializers.FloatField(allow_null=True, help_text="Points this segment adds to the overall score.")
    versus_rest = ChangeSerializer(help_text="The segment against all other answers.")


class ScoreSeriesApi(InsightsApi):
    """The score per day, week or month with its 95% margin, class counts and each change's significance.

    Counted in the database from exact rollups (plus answers not yet folded in); an account filter
    reads the responses themselves. Periods widen to whole weeks (Monday first) or months.
    """

    query_serializer = SeriesQuerySerializer

    @extend_schema_serializer(component_name="ScoreSeries")
    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField()
        interval = serializers.CharField()
        since = serializers.DateField()
        until = serializers.DateField()
        group_by = serializers.CharField(allow_null=True)
        source = serializers.CharField()
        total = FigureSerializer()
        previous = FigureSerializer(help_text="As many buckets, just before the period.")
        change = ChangeSerializer(help_text="From the previous period to this one.")
        series = SeriesLineSerializer(many=True)

    def answer(self, **query):
        return score_series(**query, min_sample=settings.CX_METRICS_MIN_SAMPLE)

    @extend_schema(
        parameters=[SeriesQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        return self.respond(request)


class ScoreBreakdownApi(InsightsApi):
    """The score per touchpoint, survey, plan, account or language, the one that pulls the score down first.

    Each segment has its share of the answers, its contribution to the overall score
    (share × (segment − overall)) and a test of the segment against all other answers.
    """

    query_serializer = BreakdownQuerySerializer

    @extend_schema_serializer(component_name="ScoreBreakdown")
    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField()
        by = serializers.CharField()
        since = serializers.DateField()
        until = serializers.DateField()
        total = FigureSerializer()
        segments = SegmentSerializer(many=True)

    def answer(self, **query):
        return score_breakdown(**query, min_sample=settings.CX_METRICS_MIN_SAMPLE)

    @extend_schema(
        parameters=[BreakdownQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        return self.respond(request)


@extend_schema_serializer(component_name="ScoreDriver")
class DriverSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text='"theme:<key>" for a theme of the theme map, "keyword:<word>" otherwise; '
        '"answer:<question>:<option>" for an option chosen in a select question.'
    )
    source = serializers.CharField(help_text='"comment" (themes, keywords) or "answer" (a chosen option).')
    question = serializers.CharField(help_text="An answer's question key; empty for a comment's driver.")
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    name_zh_hant = serializers.CharField(help_text="An option's traditional Chinese label, when it has one.")
    figure = FigureSerializer(
        help_text="The answers whose comment mentions it, less the detractors praising it and the promoters "
        "complaining about it (their score is not its doing)."
    )
    mentions = serializers.IntegerField(help_text="Answers whose comment mentions it, in any tone.")
    complaints = serializers.IntegerField(help_text="Answers whose comment speaks of it negatively (aspects).")
    praise = serializers.IntegerField(help_text="Answers whose comment speaks of it positively (aspects).")
    negative_share = serializers.FloatField(
        allow_null=True, help_text="Share of commented detractors mentioning it other than positively."
    )
    positive_share = serializers.FloatField(
        allow_null=True, help_text="Share of commented promoters mentioning it other than negatively."
    )
    lift = serializers.FloatField(allow_null=True, help_text="Detractor rate among mentions ÷ among all comments.")
    impact = serializers.FloatField(allow_null=True, help_text="Score of mentions minus score of other comments.")
    contribution = serializers.FloatField(allow_null=True)
    versus_rest = ChangeSerializer()


class ScoreDriversApi(InsightsApi):
    """Themes and keywords of the period's analysed comments, those that pull the score down first.

    The theme map (feedback admin: Themes) merges words across languages (退款 / refund → Refunds);
    a keyword no theme claims is a driver of its own. The options chosen in the surveys' select
    questions rank beside them (source "answer"), each measured against the answers to its question.
    """

    query_serializer = DriverQuerySerializer

    @extend_schema_serializer(component_name="ScoreDrivers")
    class OutputSerializer(serializers.Serializer):
        kind = serializers.CharField()
        since = serializers.DateField()
        until = serializers.DateField()
        commented = FigureSerializer(help_text="Every analysed comment of the period.")
        drivers = DriverSerializer(many=True)

    def answer(self, **query):
        return score_drivers(**query, min_sample=settings.CX_METRICS_MIN_SAMPLE)

    @extend_schema(
        parameters=[DriverQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        return self.respond(request)


@extend_schema_serializer(component_name="DurationStats")
class DurationSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    median_hours = serializers.SerializerMethodField()
    p90_hours = serializers.SerializerMethodField()

    def get_median_hours(self, stats) -> float | None:
        return stats.median.total_seconds() / 3600 if stats.median is not None else None

    def get_p90_hours(self, stats) -> float | None:
        return stats.p90.total_seconds() / 3600 if stats.p90 is not None else None


class LoopKpisApi(InsightsApi):
    """How fast the loop closes: first contact, resolution, SLA compliance, recovery, root causes, open cases by age."""

    query_serializer = ScoreQuerySerializer

    @extend_schema_serializer(component_name="LoopKpis")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateTimeField()
        until = serializers.DateTimeField()
        opened = serializers.IntegerField(help_text="Cases opened in the period.")
        first_contact = DurationSerializer(help_text="Opening to first contact, for cases opened in the period.")
        resolved = serializers.IntegerField(help_text="Cases resolved in the period.")
        resolution = DurationSerializer(help_text="Opening to resolution, for cases resolved in the period.")
        resolved_on_time = serializers.IntegerField()
        sla_compliance = serializers.FloatField(
            allow_null=True, help_text="% of resolved cases resolved by their due time."
        )
        open_now = serializers.IntegerField(help_text="Open cases of the chosen surveys and segments, now.")
        overdue_now = serializers.IntegerField(help_text="Of those, past their due time.")
        open_all_now = serializers.IntegerField(help_text="Every open case, of any survey kind: what the queue counts.")
        overdue_all_now = serializers.IntegerField(help_text="Of those, past their due time.")
        open_by_age = serializers.DictField(child=serializers.IntegerField())
        resurveyed = serializers.IntegerField()
        recovered = serializers.IntegerField(help_text="Re-survey score above the score that opened the case.")
        recovery_change = serializers.FloatField(
            allow_null=True, help_text="Mean re-survey score minus original score."
        )
        root_causes = serializers.SerializerMethodField()

        def get_root_causes(self, kpis) -> list[dict]:
            return [{"key": key, "name_en": en, "name_zh": zh, "cases": n} for key, en, zh, n in kpis.root_causes]

    def answer(self, **query):
        return loop_kpis(**query)

    @extend_schema(
        parameters=[ScoreQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        return self.respond(request)


class ResponseRatesApi(InsightsApi):
    """Invitations sent, opened and answered, and the response rate, by survey, touchpoint and channel."""

    query_serializer = ScoreQuerySerializer
    many = True

    @extend_schema_serializer(component_name="ResponseRate")
    class OutputSerializer(serializers.Serializer):
        survey = serializers.CharField()
        touchpoint = serializers.CharField()
        channel = serializers.CharField()
        sent = serializers.IntegerField()
        opened = serializers.IntegerField()
        answered = serializers.IntegerField()
        rate = serializers.FloatField(allow_null=True, help_text="% of sent invitations answered.")

    def answer(self, **query):
        return response_rates(**query)

    @extend_schema(
        parameters=[ScoreQuerySerializer],
        responses={
            200: OutputSerializer(many=True),
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        return self.respond(request)
