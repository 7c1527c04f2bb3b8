"""Metrics endpoints for staff: what promoters, advocates and their referrals add up to."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from insights.advocacy import advocacy_metrics


class AdvocacyMetricsApi(APIView):
    """Promoters, advocates by status, referrals, conversion rate, K-factor, referral revenue and ROI.

    Referrals and promoters are counted with `since <= time < until` (until defaults to now);
    advocate statuses and link visits are as they stand now. ROI needs CX_REFERRAL_REWARD_COST.
    """

    permission_classes = (HasPerm("closedloop.view_advocate"),)

    class PeriodSerializer(QuerySerializer):
        since = serializers.DateTimeField(required=False)
        until = serializers.DateTimeField(required=False)

        def validate(self, attrs):
            since, until = attrs.get("since"), attrs.get("until")
            if since is not None and until is not None and until <= since:
                raise serializers.ValidationError({"until": ["until must be later than since."]})
            return attrs

    @extend_schema_serializer(component_name="AdvocacyMetrics")
    class OutputSerializer(serializers.Serializer):
        since = serializers.DateTimeField(allow_null=True)
        until = serializers.DateTimeField()
        promoters = serializers.IntegerField(help_text="Customers with an NPS promoter answer in the period.")
        consented_promoters = serializers.IntegerField(help_text="Of those, customers who agreed to be contacted.")
        anonymous_promoter_answers = serializers.IntegerField()
        existing_customers = serializers.IntegerField(help_text="Customers known when the period began.")
        advocates_by_status = serializers.DictField(child=serializers.IntegerField())
        link_visits = serializers.IntegerField(help_text="Visits to referral links, all time.")
        signups = serializers.IntegerField()
        conversions = serializers.IntegerField()
        conversion_rate = serializers.FloatField(allow_null=True, help_text="Conversions per signup.")
        k_factor = serializers.FloatField(
            allow_null=True, help_text="Customers won through referrals per existing customer."
        )
        revenue = serializers.DecimalField(max_digits=24, decimal_places=2)
        reward_cost = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Per conversion.")
        roi = serializers.FloatField(allow_null=True, help_text="(revenue − reward cost) / reward cost.")

    @extend_schema(
        parameters=[PeriodSerializer],
        responses={200: OutputSerializer, 400: OpenApiResponse(description="since or until is invalid.")},
    )
    def get(self, request):
        period = self.PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        metrics = advocacy_metrics(**period.validated_data, reward_cost=settings.CX_REFERRAL_REWARD_COST)
        return Response(self.OutputSerializer(metrics).data)
