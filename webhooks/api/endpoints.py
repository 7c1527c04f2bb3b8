"""Endpoints through the API: subscribe one (its secret shown in that answer only), list, show, change, delete,
rotate its secret; and the catalogue of event types.

Views translate HTTP to one service or selector call; the rules (which URLs, which events) are in
webhooks.services.endpoints, and a refusal comes back as a 400 naming the field.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from common.api.permissions import HasPerm
from webhooks import catalogue, selectors
from webhooks.api import examples
from webhooks.api.serializers import (
    EndpointCreatedSerializer,
    EndpointInputSerializer,
    EndpointSerializer,
    EventTypeSerializer,
    SecretRotatedSerializer,
)
from webhooks.models import Endpoint
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_delete,
    endpoint_secret_rotate,
    endpoint_update,
)

NOT_FOUND = "No webhook endpoint has this id."
REFUSED = OpenApiResponse(
    description="Bad input, or a URL refused (not http(s), or a private, loopback or link-local address); "
    "`error.fields` names the field and why."
)
UNKNOWN = OpenApiResponse(description="Unknown endpoint.")


def endpoint_or_404(pk: int) -> Endpoint:
    endpoint = selectors.endpoint_list().filter(pk=pk).first()
    if endpoint is None:
        raise NotFound(NOT_FOUND)
    return endpoint


class EndpointListApi(GenericAPIView):
    """List the webhook endpoints, or subscribe a new one."""

    permission_classes = (HasPerm("webhooks.view_endpoint", write="webhooks.add_endpoint"),)
    serializer_class = EndpointSerializer
    filter_backends = ()
    pagination_class = None

    @extend_schema(responses={200: EndpointSerializer(many=True)})
    def get(self, request):
        return Response(self.get_serializer(selectors.endpoint_list(), many=True).data)

    @extend_schema(
        request=EndpointInputSerializer,
        examples=examples.ENDPOINT_CREATE_EXAMPLES,
        description="Subscribe an endpoint; you become its owner (emailed if it is disabled). The answer holds "
        "its signing `secret`, shown this once: store it now.",
        responses={201: EndpointCreatedSerializer, 400: REFUSED},
    )
    def post(self, request):
        serializer = EndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = endpoint_create(owner=request.user, **serializer.validated_data)
        return Response(EndpointCreatedSerializer(endpoint_or_404(endpoint.pk)).data, status=status.HTTP_201_CREATED)


class EndpointDetailApi(GenericAPIView):
    """Show one endpoint (never its secret), change it, or delete it with its delivery log."""

    permission_classes = (HasPerm("webhooks.view_endpoint", write="webhooks.change_endpoint"),)
    serializer_class = EndpointSerializer
    filter_backends = ()

    @extend_schema(responses={200: EndpointSerializer, 404: UNKNOWN})
    def get(self, request, pk: int):
        return Response(self.get_serializer(endpoint_or_404(pk)).data)

    @extend_schema(
        request=EndpointInputSerializer,
        examples=examples.ENDPOINT_CHANGE_EXAMPLES,
        description="Change any of its fields; one left out stays as it is. Turning a disabled endpoint back on "
        "clears its failure record.",
        responses={200: EndpointSerializer, 400: REFUSED, 404: UNKNOWN},
    )
    def patch(self, request, pk: int):
        serializer = EndpointInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint_update(endpoint_id=pk, **serializer.validated_data)
        except Endpoint.DoesNotExist:
            raise NotFound(NOT_FOUND) from None
        return Response(self.get_serializer(endpoint_or_404(pk)).data)

    @extend_schema(responses={204: None, 404: UNKNOWN})
    def delete(self, request, pk: int):
        if not request.user.has_perm("webhooks.delete_endpoint"):
            raise PermissionDenied()
        endpoint_or_404(pk)
        endpoint_delete(endpoint_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointSecretRotateApi(GenericAPIView):
    """Give an endpoint a new secret; the old one keeps signing deliveries (beside the new) for 24 hours."""

    permission_classes = (HasPerm("webhooks.change_endpoint"),)
    serializer_class = SecretRotatedSerializer
    filter_backends = ()

    @extend_schema(
        request=None,
        responses={
            200: SecretRotatedSerializer,
            400: OpenApiResponse(description="Rotated less than 24 hours ago: `error.fields.secret` says until when."),
            404: UNKNOWN,
        },
    )
    def post(self, request, pk: int):
        try:
            endpoint = endpoint_secret_rotate(endpoint_id=pk)
        except Endpoint.DoesNotExist:
            raise NotFound(NOT_FOUND) from None
        data = {"secret": endpoint.secret, "previous_secret_valid_until": endpoint.previous_secret_until}
        return Response(SecretRotatedSerializer(data).data)


class EventTypeListApi(GenericAPIView):
    """The event types an endpoint can subscribe to."""

    permission_classes = (HasPerm("webhooks.view_endpoint"),)
    serializer_class = EventTypeSerializer
    filter_backends = ()
    pagination_class = None

    @extend_schema(responses={200: EventTypeSerializer(many=True)})
    def get(self, request):
        types = [{"type": value, "description": str(label)} for value, label in catalogue.EVENT_CHOICES]
        return Response(self.get_serializer(types, many=True).data)
