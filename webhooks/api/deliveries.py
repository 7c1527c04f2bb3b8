"""An endpoint's delivery log through the API: its deliveries and their attempts, resend, replay, dead letters.

Views translate HTTP to one service or selector call (webhooks.services.replay, webhooks.selectors).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response

from common.api.permissions import HasPerm
from webhooks import selectors
from webhooks.api import examples
from webhooks.api.endpoints import NOT_FOUND, UNKNOWN
from webhooks.api.filters import DeadLetterFilter, DeliveryFilter, DeliveryPagination
from webhooks.api.serializers import (
    DeliveryDetailSerializer,
    DeliverySerializer,
    QueuedSerializer,
    ReplayInputSerializer,
)
from webhooks.models import Endpoint
from webhooks.services.replay import deliveries_resend, deliveries_resend_failed, events_replay

DELIVERY_NOT_FOUND = "This endpoint has no delivery with this id."
READ = HasPerm("webhooks.view_delivery")
RESEND = HasPerm("webhooks.change_delivery")
BAD_FILTER = OpenApiResponse(description="A filter or page is invalid; error.fields says which.")


def _endpoint_exists(pk: int) -> None:
    if not selectors.endpoint_exists(pk):
        raise NotFound(NOT_FOUND)


class DeliveryListApi(ListAPIView):
    """An endpoint's deliveries, newest first, filtered by status and event type."""

    permission_classes = (READ,)
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    pagination_class = DeliveryPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator: no endpoint in the address
            return selectors.delivery_list()
        return selectors.delivery_list(endpoint_id=self.kwargs["pk"])

    @extend_schema(
        responses={
            200: DeliverySerializer(many=True),
            400: BAD_FILTER,
            404: OpenApiResponse(description="Unknown endpoint, or no such page."),
        }
    )
    def get(self, request, pk: int):
        _endpoint_exists(pk)
        return super().get(request, pk)


class DeliveryDetailApi(GenericAPIView):
    """One delivery with every attempt: when, the status that came back, latency, response excerpt, error."""

    permission_classes = (READ,)
    serializer_class = DeliveryDetailSerializer
    filter_backends = ()

    @extend_schema(responses={200: DeliveryDetailSerializer, 404: OpenApiResponse(description="Unknown delivery.")})
    def get(self, request, pk: int, delivery_id: int):
        delivery = selectors.delivery_detail(endpoint_id=pk, delivery_id=delivery_id)
        if delivery is None:
            raise NotFound(DELIVERY_NOT_FOUND)
        return Response(self.get_serializer(delivery).data)


class DeliveryResendApi(GenericAPIView):
    """Send one delivery again now, with the same webhook-id, and three more days of retries."""

    permission_classes = (RESEND,)
    serializer_class = QueuedSerializer
    filter_backends = ()

    @extend_schema(
        request=None, responses={200: QueuedSerializer, 404: OpenApiResponse(description="Unknown delivery.")}
    )
    def post(self, request, pk: int, delivery_id: int):
        if selectors.delivery_list(endpoint_id=pk).filter(pk=delivery_id).first() is None:
            raise NotFound(DELIVERY_NOT_FOUND)
        return Response({"queued": deliveries_resend(delivery_ids=[delivery_id])})


class DeliveryResendFailedApi(GenericAPIView):
    """Send every failed delivery of an endpoint (its dead letters) again now."""

    permission_classes = (RESEND,)
    serializer_class = QueuedSerializer
    filter_backends = ()

    @extend_schema(request=None, responses={200: QueuedSerializer, 404: UNKNOWN})
    def post(self, request, pk: int):
        _endpoint_exists(pk)
        return Response({"queued": deliveries_resend_failed(endpoint_id=pk)})


class EventReplayApi(GenericAPIView):
    """Send an endpoint a range of events again (of the types it subscribes to): by time or by event id.

    Events it had already are sent again with their webhook-id; older ones for the first time.
    """

    permission_classes = (RESEND,)
    serializer_class = QueuedSerializer
    filter_backends = ()

    @extend_schema(
        request=ReplayInputSerializer,
        examples=examples.REPLAY_EXAMPLES,
        responses={
            200: QueuedSerializer,
            400: OpenApiResponse(description="No range, or a bad one; `error.fields` names the field and why."),
            404: UNKNOWN,
        },
    )
    def post(self, request, pk: int):
        serializer = ReplayInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            queued = events_replay(
                endpoint_id=pk,
                since=data.get("since"),
                until=data.get("until"),
                types=data.get("types", ()),
                first_id=data.get("first_event_id"),
                last_id=data.get("last_event_id"),
            )
        except Endpoint.DoesNotExist:
            raise NotFound(NOT_FOUND) from None
        return Response({"queued": queued})


class DeadLetterListApi(ListAPIView):
    """Failed deliveries across every endpoint (refused for good, or out of retries), newest first."""

    permission_classes = (READ,)
    serializer_class = DeliverySerializer
    filterset_class = DeadLetterFilter
    pagination_class = DeliveryPagination

    def get_queryset(self):
        return selectors.dead_letters()

    @extend_schema(
        responses={
            200: DeliverySerializer(many=True),
            400: BAD_FILTER,
            404: OpenApiResponse(description="No such page."),
        }
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
