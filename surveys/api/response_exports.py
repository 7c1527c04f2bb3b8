"""The responses export for staff: the responses list's filters, as CSV (streamed) or XLSX, answers included."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from common.api.filters import QuerySerializer
from common.api.permissions import HasPerm
from surveys import exports, selectors
from surveys.api.staff import ResponseFilter


class ResponseExportApi(APIView):
    """Export responses, newest first, as CSV (streamed) or XLSX: one row a response, one column per question.

    The filters are the responses list's. After the response's own columns comes one column per
    additional question of the exported surveys, headed by its key: an option's key, options joined
    with "; " (select many), an integer (the scales) or the text; empty when not answered.
    """

    permission_classes = (HasPerm("surveys.view_response"),)

    class FormatSerializer(QuerySerializer):
        format = serializers.ChoiceField(choices=list(exports.CONTENT_TYPES), default="csv")

    def perform_content_negotiation(self, request, force=False):
        """`format` names the export's file format here, not a renderer: errors are always JSON."""
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.CONTENT_TYPES), description="csv (default) or xlsx."),
            OpenApiParameter("survey", int, description="Survey id."),
            OpenApiParameter("touchpoint", str, description="Touchpoint key."),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Submitted at or after (ISO 8601)."),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="Submitted before (ISO 8601)."),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="A filter is invalid; error.fields says which."),
        },
    )
    def get(self, request):
        given = self.FormatSerializer(data={k: v for k, v in request.query_params.items() if k == "format"})
        given.is_valid(raise_exception=True)
        filtered = ResponseFilter(request.query_params, queryset=selectors.response_list())
        if not filtered.is_valid():
            raise ValidationError(filtered.errors)
        return exports.export_response(filtered.qs, kind=given.validated_data["format"])
