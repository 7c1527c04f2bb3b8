"""Advocate endpoints: recording referrals (the customer's systems) and exporting advocates (marketing).

Views translate HTTP to one service or selector call; which advocates may be exported is
`selectors.advocates_exportable`, and a refused referral comes back as a 4xx naming the field.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from closedloop import exports, selectors, services
from closedloop.api import examples
from closedloop.models import Advocate, Referral
from common.api.errors import error_body
from common.api.fields import StrictCharField, StrictInputSerializer
from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm


class ReferralCreateApi(APIView):
    """Record a signup or conversion that came through an advocate's referral code (once per external id)."""

    permission_classes = (HasPerm("closedloop.add_referral"),)

    @extend_schema_serializer(component_name="ReferralInput", examples=examples.REFERRAL_EXAMPLES)
    class InputSerializer(StrictInputSerializer):
        code = StrictCharField(max_length=32)
        external_id = StrictCharField(max_length=200)
        kind = serializers.ChoiceField(choices=Referral.Kind.choices)
        revenue = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)
        occurred_at = serializers.DateTimeField(required=False)

    class OutputSerializer(serializers.ModelSerializer):
        code = serializers.CharField(source="advocate.code")

        class Meta:
            model = Referral
            fields = ("id", "code", "external_id", "kind", "revenue", "occurred_at")

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(description="A field is invalid, or no advocate has the code."),
            409: OpenApiResponse(description="A referral with this external id is already recorded."),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            referral = services.referral_record(**data.validated_data)
        except services.AdvocateRefused as refused:
            code = status.HTTP_409_CONFLICT if refused.reason == "duplicate" else status.HTTP_400_BAD_REQUEST
            fields = refused.message_dict
            message = " ".join(message for messages in fields.values() for message in messages)
            return Response(error_body(refused.reason, message, fields), status=code)
        return Response(self.OutputSerializer(referral).data, status=status.HTTP_201_CREATED)


class AdvocateExportApi(APIView):
    """Export the advocates marketing may contact, as CSV (streamed) or XLSX. Every export is logged."""

    permission_classes = (HasPerm("closedloop.export_advocate"),)

    class FilterSerializer(QuerySerializer):
        format = serializers.ChoiceField(choices=list(exports.CONTENT_TYPES), default="csv")
        since = serializers.DateTimeField(required=False)
        touchpoint = serializers.CharField(required=False, max_length=64)
        plan = serializers.CharField(required=False, max_length=100)
        language = serializers.CharField(required=False, max_length=8)
        status = serializers.ChoiceField(choices=[str(value) for value in Advocate.EXPORTABLE_STATUSES], required=False)

    def perform_content_negotiation(self, request, force=False):
        """`format` names the export's file format here, not a renderer: errors are always JSON."""
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.CONTENT_TYPES), description="csv (default) or xlsx."),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Last NPS answer at or after."),
            OpenApiParameter("touchpoint", str, description="Touchpoint key of the last promoter answer."),
            OpenApiParameter("plan", str),
            OpenApiParameter("language", str, description="Language of the last comment: zh, en, mixed or other."),
            OpenApiParameter("status", str, enum=[str(value) for value in Advocate.EXPORTABLE_STATUSES]),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="A filter is invalid."),
        },
    )
    def get(self, request):
        given = self.FilterSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        kind = given.validated_data["format"]
        filters = {key: value for key, value in given.validated_data.items() if key != "format"}
        logged = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in filters.items()}
        return exports.export_response(kind, selectors.AdvocateFilters(**filters), actor=request.user, logged=logged)
