"""Staff endpoints (token or session, staff users only): surveys and responses."""

from typing import Any

import django_filters
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination

from common.api.filters import IdFilter, UTCDateTimeFilter, to_utc
from common.api.permissions import HasPerm
from surveys import scoring, selectors
from surveys.models import Response, Survey
from surveys.question_selectors import answers_by_response


class SurveyListApi(ListAPIView):
    """List every survey with its public key, scale and current headline score."""

    permission_classes = (HasPerm("surveys.view_survey"),)

    @extend_schema_serializer(component_name="Survey")
    class OutputSerializer(serializers.ModelSerializer):
        scale = serializers.SerializerMethodField()
        questions = serializers.SerializerMethodField()
        follow_ups = serializers.SerializerMethodField()
        consent_texts = serializers.SerializerMethodField()
        stats = serializers.SerializerMethodField()

        class Meta:
            model = Survey
            fields = (
                "id",
                "name",
                "kind",
                "scale",
                "public_key",
                "active",
                "default_locale",
                "questions",
                "follow_ups",
                "consent_texts",
                "widget_origins",
                "stats",
                "created_at",
            )

        def get_scale(self, survey) -> dict[str, int]:
            low, high = scoring.scale_for(survey.kind)
            return {"min": low, "max": high}

        def get_questions(self, survey) -> dict[str, str]:
            return {"en": survey.question_en, "zh-hans": survey.question_zh_hans, "zh-hant": survey.question_zh_hant}

        def get_follow_ups(self, survey) -> dict[str, str]:
            return {"en": survey.follow_up_en, "zh-hans": survey.follow_up_zh_hans, "zh-hant": survey.follow_up_zh_hant}

        def get_consent_texts(self, survey) -> dict[str, str]:
            """The survey's own consent wording per language; blank shows the translated default."""
            return {"en": survey.consent_en, "zh-hans": survey.consent_zh_hans, "zh-hant": survey.consent_zh_hant}

        def get_stats(self, survey) -> dict | None:
            stats = getattr(survey, "stats", None)
            if stats is None:
                return None
            return {
                "responses": stats.responses,
                "score": stats.score,
                "margin": stats.margin,
                "low": stats.low,
                "high": stats.high,
                "class_counts": stats.class_counts,
                "refreshed_at": stats.refreshed_at,
            }

    serializer_class = OutputSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.survey_list()


class ResponseFilter(django_filters.FilterSet):
    survey = IdFilter(field_name="survey_id", min_value=1, max_value=2**63 - 1, help_text="Survey id.")
    touchpoint = django_filters.CharFilter(field_name="touchpoint__key", max_length=64, help_text="Touchpoint key.")
    since = UTCDateTimeFilter(
        field_name="submitted_at", lookup_expr="gte", help_text="Submitted at or after (ISO 8601)."
    )
    until = UTCDateTimeFilter(field_name="submitted_at", lookup_expr="lt", help_text="Submitted before (ISO 8601).")


class ResponsePagination(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        """A page_size given but not a whole number from 1 up is a 400, not quietly the default."""
        given = request.query_params.get(self.page_size_query_param)
        if given is not None and not (given.isascii() and given.isdigit() and int(given) > 0):
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def decode_cursor(self, request):
        """Refuse a cursor whose position is not a date-time we could have issued."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        position = parse_datetime(cursor.position) if len(cursor.position) <= 40 else None
        if position is None or position.tzinfo is None:
            raise NotFound(self.invalid_cursor_message)
        try:
            return cursor._replace(position=str(to_utc(position)))
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None


class ResponseListApi(ListAPIView):
    """List responses, newest first, filtered by survey, touchpoint and period."""

    permission_classes = (HasPerm("surveys.view_response"),)

    @extend_schema_serializer(component_name="Response")
    class OutputSerializer(serializers.ModelSerializer):
        survey = serializers.CharField(source="survey.public_key")
        survey_id = serializers.IntegerField()
        touchpoint = serializers.CharField(source="touchpoint.key", allow_null=True, default=None)
        customer = serializers.CharField(source="customer.external_id", allow_null=True, default=None)
        answers = serializers.SerializerMethodField(
            help_text="The answers to the survey's additional questions by key: an option's key (select one), a "
            "list of them (select many), an integer (the scales) or a text; questions not answered are absent."
        )

        class Meta:
            model = Response
            fields = (
                "id",
                "survey",
                "survey_id",
                "touchpoint",
                "customer",
                "score",
                "classification",
                "comment",
                "answers",
                "locale",
                "channel",
                "consent_to_contact",
                "submitted_at",
            )

        def get_answers(self, response) -> dict[str, Any]:
            return self.context.get("answers", {}).get(response.pk, {})

    serializer_class = OutputSerializer
    filterset_class = ResponseFilter
    pagination_class = ResponsePagination

    def get_queryset(self):
        return selectors.response_list()

    def paginate_queryset(self, queryset):
        """The page, with its responses' answers read in one query (kept for the serializer's context)."""
        page = super().paginate_queryset(queryset)
        self.page_answers = answers_by_response(response_ids=[response.pk for response in page or ()])
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "answers": getattr(self, "page_answers", {})}

    @extend_schema(
        responses={
            200: OutputSerializer(many=True),
            400: OpenApiResponse(description="A filter is invalid; error.fields says which."),
            404: OpenApiResponse(description="The cursor is not one this API gave out."),
        }
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
