"""Reading feedback items."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Count

from feedback.models import FeedbackItem


def feedback_item_ids(
    *, since: datetime | None = None, survey_id: int | None = None, failed_only: bool = False
) -> list[int]:
    items = FeedbackItem.objects.all()
    if since is not None:
        items = items.filter(given_at__gte=since)
    if survey_id is not None:
        items = items.filter(survey_id=survey_id)
    if failed_only:
        items = items.filter(status=FeedbackItem.Status.FAILED)
    return list(items.order_by("id").values_list("id", flat=True))


def feedback_status_counts() -> dict[str, int]:
    """How many items are pending, analysed and failed."""
    counts = dict.fromkeys(FeedbackItem.Status.values, 0)
    for row in FeedbackItem.objects.values("status").order_by().annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def feedback_source_ids(*, source: str, ids: list[int]) -> set[int]:
    """Which of these source ids already have an item."""
    return set(FeedbackItem.objects.filter(source=source, source_id__any_of=ids).values_list("source_id", flat=True))


def feedback_detractor_recently(*, items: Sequence[FeedbackItem], window: timedelta) -> set[int]:
    """Ids of the items whose customer gave another detractor answer in the `window` before them (one query)."""
    identified = [item for item in items if item.customer_id is not None]
    if not identified:
        return set()
    earlier = FeedbackItem.objects.filter(
        customer_id__any_of=sorted({item.customer_id for item in identified}),
        classification="detractor",
        given_at__gte=min(item.given_at for item in identified) - window,
        given_at__lte=max(item.given_at for item in identified),
    ).values_list("id", "customer_id", "given_at")
    by_customer: dict[int, list[tuple[int, datetime]]] = {}
    for pk, customer_id, given_at in earlier:
        by_customer.setdefault(customer_id, []).append((pk, given_at))
    return {
        item.id
        for item in identified
        if any(
            pk != item.id and item.given_at - window <= given_at <= item.given_at
            for pk, given_at in by_customer.get(item.customer_id, ())
        )
    }
