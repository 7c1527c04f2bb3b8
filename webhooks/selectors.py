"""Reads of the webhooks app: endpoints with their delivery counts, delivery logs, dead letters, an attempt history."""

from django.db.models import Count, Prefetch, Q, QuerySet

from webhooks.models import Attempt, Delivery, Endpoint

STATUSES = tuple(Delivery.Status.values)


def endpoint_list() -> QuerySet[Endpoint]:
    """Endpoints, oldest first, each with `<status>_count` for its deliveries by status."""
    counts = {f"{status}_count": Count("deliveries", filter=Q(deliveries__status=status)) for status in STATUSES}
    return Endpoint.objects.annotate(**counts).order_by("id")


def delivery_list(*, endpoint_id: int | None = None) -> QuerySet[Delivery]:
    """Deliveries, newest first, with the event each carries (one endpoint's, or every endpoint's)."""
    deliveries = Delivery.objects.select_related("event").defer("event__data").order_by("-id")
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    return deliveries


def dead_letters() -> QuerySet[Delivery]:
    """Failed deliveries across every endpoint: refused for good, or out of retries."""
    return delivery_list().filter(status=Delivery.Status.FAILED)


def delivery_detail(*, endpoint_id: int, delivery_id: int) -> Delivery | None:
    """One delivery of an endpoint with every attempt, newest first; None when the endpoint has no such delivery."""
    attempts = Prefetch("attempt_set", queryset=Attempt.objects.order_by("-at", "-id"))
    return (
        Delivery.objects.select_related("event")
        .prefetch_related(attempts)
        .filter(endpoint_id=endpoint_id, pk=delivery_id)
        .first()
    )


def endpoint_exists(pk: int) -> bool:
    return Endpoint.objects.filter(pk=pk).exists()


def failed_count(endpoint: Endpoint) -> int:
    """How many of the endpoint's deliveries failed (what "resend failed" would send again)."""
    return delivery_list(endpoint_id=endpoint.pk).filter(status=Delivery.Status.FAILED).count()
