"""Staff endpoints (token or session, staff users only): surveys and responses."""

import django_filters
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination

from surveys import scoring, selectors
from surveys.models import Response, Survey


class SurveyListApi(ListAPIView):
    """List every survey with its public key, scale and current headline score."""

    @extend_schema_serializer(component_name="Survey")
    class OutputSerializer(serializers.ModelSerializer):
        scale = serializers.SerializerMethodField()
        questions = serializers.SerializerMethodField()
        follow_ups = serializers.SerializerMethodField()
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
    survey = django_filters.NumberFilter(field_name="survey_id", help_text="Survey id.")
    touchpoint = django_filters.CharFilter(field_name="touchpoint__key", help_text="Touchpoint key.")
    since = django_filters.IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="gte", help_text="Submitted at or after (ISO 8601)."
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="submitted_at", lookup_expr="lt", help_text="Submitted before (ISO 8601)."
    )


class ResponsePagination(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ResponseListApi(ListAPIView):
    """List responses, newest first, filtered by survey, touchpoint and period."""

    @extend_schema_serializer(component_name="Response")
    class OutputSerializer(serializers.ModelSerializer):
        survey = serializers.CharField(source="survey.public_key")
        survey_id = serializers.IntegerField()
        touchpoint = serializers.CharField(source="touchpoint.key", allow_null=True, default=None)
        customer = serializers.CharField(source="customer.external_id", allow_null=True, default=None)

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
                "locale",
                "channel",
                "consent_to_contact",
                "submitted_at",
            )

    serializer_class = OutputSerializer
    filterset_class = ResponseFilter
    pagination_class = ResponsePagination

    def get_queryset(self):
        return selectors.response_list()
