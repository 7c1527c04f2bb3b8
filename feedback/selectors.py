"""Reading feedback items."""

from datetime import datetime

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
