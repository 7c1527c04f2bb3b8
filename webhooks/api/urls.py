from django.urls import path

from webhooks.api import deliveries, endpoints

urlpatterns = [
    path("webhooks/", endpoints.EndpointListApi.as_view(), name="webhook-list"),
    path("webhooks/event-types/", endpoints.EventTypeListApi.as_view(), name="webhook-event-types"),
    path("webhooks/dead-letters/", deliveries.DeadLetterListApi.as_view(), name="webhook-dead-letters"),
    path("webhooks/<int:pk>/", endpoints.EndpointDetailApi.as_view(), name="webhook-detail"),
    path("webhooks/<int:pk>/rotate-secret/", endpoints.EndpointSecretRotateApi.as_view(), name="webhook-rotate"),
    path("webhooks/<int:pk>/deliveries/", deliveries.DeliveryListApi.as_view(), name="webhook-deliveries"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/",
        deliveries.DeliveryDetailApi.as_view(),
        name="webhook-delivery",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/resend/",
        deliveries.DeliveryResendApi.as_view(),
        name="webhook-delivery-resend",
    ),
    path(
        "webhooks/<int:pk>/resend-failed/", deliveries.DeliveryResendFailedApi.as_view(), name="webhook-resend-failed"
    ),
    path("webhooks/<int:pk>/replay/", deliveries.EventReplayApi.as_view(), name="webhook-replay"),
]
