"""The requests endpoints: what customers ask for, grouped by theme across both languages, and its export."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from insights.api.metrics import InsightsApi
from insights.api.queries import period_asked, touchpoints_known, within_calendar
from insights.api.retention import MoneyField
from insights.request_exports import FORMATS, requests_export_response
from insights.requests_report import (
    DEFAULT_EXAMPLES,
    DEFAULT_LIMIT,
    MAX_EXAMPLES,
    MAX_LIMIT,
    RequestFilters,
    requests_report,
)
from surveys.scoring import SurveyKind

# CX leads (and customer success): the insights' readers who may also see accounts (their MRR) and the comments.
PERMISSIONS = ("insights.view_insights", "accounts.view_account", "feedback.view_feedbackitem")


class RequestsQuerySerializer(QuerySerializer):
    """Which requests count: given in the period (both days included), narrowed by survey kind, touchpoint, language."""

    since = serializers.DateField(
        required=False, validators=[within_calendar], help_text="First day counted (default: 89 days before until)."
    )
    until = serializers.DateField(required=False, validators=[within_calendar], help_text="Last day (default: today).")
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=[k.value for k in SurveyKind]),
        required=False,
        help_text="Survey kinds (nps, csat, ces); repeat for several (default: all).",
    )
    touchpoint = serializers.ListField(
        child=serializers.SlugField(max_length=64), required=False, help_text="Touchpoint keys; repeat for several."
    )
    language = serializers.ListField(
        child=serializers.ChoiceField(choices=[c for c, _ in settings.LANGUAGES]),
        required=False,
        help_text="The language answered in (zh-hans, zh-hant, en); repeat for several.",
    )
    comment_language = serializers.ListField(
        child=serializers.ChoiceField(choices=["zh", "en", "mixed"]),
        required=False,
        help_text="The comment's language as analysed.",
    )
    examples = serializers.IntegerField(
        min_value=0, max_value=MAX_EXAMPLES, default=DEFAULT_EXAMPLES, help_text="Newest requests shown per group."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, help_text="Groups listed, most customers first."
    )

    def validate(self, attrs):
        keys, _ids = touchpoints_known(attrs)
        since, until = period_asked(attrs)
        filters = RequestFilters(
            kinds=tuple(dict.fromkeys(attrs.get("kind", ()))),
            touchpoint_keys=keys,
            locales=tuple(dict.fromkeys(attrs.get("language", ()))),
            languages=tuple(dict.fromkeys(attrs.get("comment_language", ()))),
        )
        return {
            "since": since,
            "until": until,
            "filters": filters,
            "examples": attrs["examples"],
            "limit": attrs["limit"],
        }


class RequestsExportQuerySerializer(RequestsQuerySerializer):
    format = serializers.ChoiceField(choices=FORMATS, default="csv", help_text="csv (default) or xlsx.")

    def validate(self, attrs):
        return {**super().validate(attrs), "format": attrs["format"]}


@extend_schema_serializer(component_name="RequestTally")
class TallySerializer(serializers.Serializer):
    customers = serializers.IntegerField(help_text="Distinct customers asking; each anonymous request counts as one.")
    accounts = serializers.IntegerField(help_text="Distinct accounts of the customers asking.")
    mrr = MoneyField(help_text="The accounts' current MRR, each account once.")
    requests = serializers.IntegerField(help_text="Requests (comments asking for something).")


@extend_schema_serializer(component_name="RequestExample")
class ExampleSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The feedback item.")
    text = serializers.CharField(help_text="As the customer wrote it.")
    given_at = serializers.DateTimeField()
    language = serializers.CharField(help_text="As analysed: zh, en, mixed.")
    locale = serializers.CharField(help_text="As answered in.")
    survey_kind = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    account = serializers.CharField(help_text='The account\'s external id ("" for none).')
    url = serializers.CharField(help_text="The feedback item's admin page.")


@extend_schema_serializer(component_name="RequestGroup")
class GroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"theme:<key>", "keyword:<word>" or "other" (requests with no keyword).')
    kind = serializers.ChoiceField(choices=["theme", "keyword", "other"])
    name = serializers.CharField(help_text="A theme's name in the reader's language (Accept-Language).")
    tally = TallySerializer()
    examples = ExampleSerializer(many=True, help_text="The newest first, at most `examples`.")


REQUESTS_EXAMPLE = {
    "since": "2026-01-01",
    "until": "2026-03-31",
    "totals": {"customers": 3, "accounts": 2, "mrr": "1500.00", "requests": 4},
    "groups": [
        {
            "key": "theme:export",
            "kind": "theme",
            "name": "Export",
            "tally": {"customers": 2, "accounts": 2, "mrr": "1500.00", "requests": 2},
            "examples": [
                {
                    "id": 812,
                    "text": "希望能导出Excel报表",
                    "given_at": "2026-03-02T06:15:00Z",
                    "language": "zh",
                    "locale": "zh-hans",
                    "survey_kind": "nps",
                    "score": 7,
                    "account": "acme",
                    "url": "/admin/feedback/feedbackitem/812/change/",
                }
            ],
        }
    ],
    "groups_total": 1,
}


class RequestsApi(InsightsApi):
    """What customers ask for: the period's requests (comments asking for a feature or a change), grouped by theme.

    The theme map merges words across languages (希望导出 / export → one theme); a keyword no theme
    claims is a group of its own, and a request without keywords is in "other". Per group: the
    customers asking (each once), their accounts (each once) and those accounts' current MRR
    (each account once), most customers first, then most MRR. Definitions: docs/analysis.md#what-customers-ask-for.
    """

    permission_classes = tuple(HasPerm(name) for name in PERMISSIONS)
    query_serializer = RequestsQuerySerializer

    @extend_schema_serializer(component_name="Requests")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateField()
        until = serializers.DateField()
        totals = TallySerializer(help_text="Every request once, each customer and account once.")
        groups = GroupSerializer(many=True, help_text="At most `limit`.")
        groups_total = serializers.IntegerField()

    def answer(self, **query):
        return requests_report(**query)

    @extend_schema(
        parameters=[RequestsQuerySerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
        examples=[OpenApiExample("A quarter of requests", value=REQUESTS_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return self.respond(request)


class RequestsExportApi(APIView):
    """The requests report as a file for the product team: CSV or XLSX, one row a group, its examples in columns."""

    permission_classes = tuple(HasPerm(name) for name in PERMISSIONS)

    def perform_content_negotiation(self, request, force=False):
        """`format` names the file's format here, not a renderer: errors are always JSON."""
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[RequestsExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="A parameter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        query = RequestsExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        kind = data.pop("format")
        return requests_export_response(requests_report(**data), kind=kind, examples=data["examples"])
