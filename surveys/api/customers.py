"""Customers' personal data through the API: forgetting one (PIPL / GDPR)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.permissions import HasPerm
from surveys.models import Customer, Erasure
from surveys.services.privacy import customer_forget


class CustomerForgetApi(APIView):
    """Forget a customer: their answers, feedback, cases and advocate are anonymized, the rest deleted.

    Scores and times stay, so every metric stays right. The erasure is audited with counts and a
    keyed hash of the id, never the id itself. Asking again for the same id is a 404.
    """

    permission_classes = (HasPerm("surveys.delete_customer"),)

    @extend_schema_serializer(component_name="Erasure")
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Erasure
            fields = ("id", "via", "counts", "created_at")

    @extend_schema(
        responses={
            200: OutputSerializer,
            403: OpenApiResponse(description="Not allowed to delete customers."),
            404: OpenApiResponse(description="No customer has this external id (or it was forgotten already)."),
        }
    )
    def delete(self, request, external_id: str):
        try:
            erasure = customer_forget(external_id=external_id, via=Erasure.Via.API, actor=request.user)
        except Customer.DoesNotExist:
            raise NotFound("No customer has this external id.") from None
        return Response(self.OutputSerializer(erasure).data)
