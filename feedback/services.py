"""Feedback items: recorded with their source, forgotten with it, and queued for analysis; the app's facade.

Other apps call feedback through this module only. The analysis queue itself (claims, runs,
results) is feedback.analysis_queue, re-exported here; the item's upsert as a step of a source's
own statement is feedback.sql's FeedbackItemUpsert (with FromRelation), re-exported too.
"""

import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from closedloop import services as closedloop_services
from common.snapshot import snapshot_forgotten
from feedback.analysis_queue import REPEAT_WINDOW as REPEAT_WINDOW
from feedback.analysis_queue import feedback_analyse_all_pending as feedback_analyse_all_pending
from feedback.analysis_queue import feedback_items_analyse as feedback_items_analyse
from feedback.analysis_queue import feedback_items_claim as feedback_items_claim
from feedback.analysis_queue import feedback_items_reanalyse as feedback_items_reanalyse
from feedback.analysis_queue import feedback_pending_stale_exists as feedback_pending_stale_exists
from feedback.contracts import FeedbackSource
from feedback.models import FeedbackItem, SentimentCorrection
from feedback.sql import QUEUE_FIELDS, SNAPSHOT_FIELDS
from feedback.sql import FeedbackItemUpsert as FeedbackItemUpsert
from feedback.sql import FromRelation as FromRelation


def feedback_item_record(*, source: FeedbackSource) -> None:
    """Create the item for a source's answer, or refresh it when the answer changed; in the caller's transaction.

    A refreshed item is analysed (and handed to the closed loop) again. Its analysis is queued once
    the caller's transaction commits.
    """
    FeedbackItem.objects.bulk_create(
        [_new_item(source)],
        update_conflicts=True,
        unique_fields=["source", "source_id"],
        update_fields=[*SNAPSHOT_FIELDS, *QUEUE_FIELDS],
    )
    feedback_item_recorded()


def feedback_items_record(*, sources: Sequence[FeedbackSource]) -> None:
    """Create the items of many new answers at once (an import's batch), in the caller's transaction.

    As feedback_item_record, one INSERT for the lot; their analysis is queued once the caller commits.
    """
    if not sources:
        return
    FeedbackItem.objects.bulk_create(
        [_new_item(source) for source in sources],
        update_conflicts=True,
        unique_fields=["source", "source_id"],
        update_fields=[*SNAPSHOT_FIELDS, *QUEUE_FIELDS],
    )
    feedback_item_recorded()


def feedback_items_delete(*, source: str, source_ids: Sequence[int]) -> int:
    """Delete the items of deleted sources (answers); return how many went."""
    deleted, _ = FeedbackItem.objects.filter(source=source, source_id__any_of=list(source_ids)).delete()
    return deleted


def feedback_items_forget(*, customer_ids: Sequence[int]) -> int:
    """Drop who gave the customers' items and what they wrote; scores, classes and times stay for the figures.

    Their sentiment corrections lose the comment's text and staff's note (the labels stay, without the words).
    """
    ids = sorted(set(customer_ids))
    SentimentCorrection.objects.filter(item__customer_id__any_of=ids).update(text="", note="")
    return FeedbackItem.objects.filter(customer_id__any_of=ids).update(
        **snapshot_forgotten(),
        text="",
        keywords=[],
        aspects=[],
        last_error="",
        claimed_by="",  # an analysis in flight loses its claim, so it cannot write the comment's words back
        updated_at=timezone.now(),
    )


def feedback_comments_purge(*, before: datetime) -> int:
    """Empty the text, keywords and aspects of items given before a moment (the retention period); return how many."""
    SentimentCorrection.objects.filter(item__given_at__lt=before).exclude(text="", note="").update(text="", note="")
    return (
        FeedbackItem.objects.filter(given_at__lt=before)
        .exclude(text="", keywords=[], aspects=[])
        .update(text="", keywords=[], aspects=[], claimed_by="", updated_at=timezone.now())  # see feedback_items_forget
    )


class SentimentRefused(ValueError):
    """A correction that cannot be made: the message says why."""


@transaction.atomic
def sentiment_correct(*, item_id: int, label: str, actor, note: str = "") -> SentimentCorrection:
    """Staff set a comment's sentiment label: kept (the analysis never overwrites it), logged on the item and on
    the case holding the answer, which shows it from now on."""
    if label not in FeedbackItem.Label.values:
        raise SentimentRefused(f"label: {label!r} is none of {', '.join(FeedbackItem.Label.values)}")
    item = FeedbackItem.objects.select_for_update().get(pk=item_id)
    if not item.text.strip():
        raise SentimentRefused("This answer has no comment (or it was forgotten): there is no sentiment to correct.")
    before = item.corrected_label or item.label
    note = note.strip()
    correction = SentimentCorrection.objects.create(
        item=item,
        text=item.text,
        language=item.language,
        old_label=before,
        new_label=label,
        corrected_by=actor,
        note=note,
    )
    item.corrected_label, item.updated_at = label, timezone.now()
    item.save(update_fields=["corrected_label", "updated_at"])
    closedloop_services.case_sentiment_corrected(
        source=item.source, source_id=item.source_id, before=before, after=label, actor=actor, note=note
    )
    return correction


def feedback_item_recorded() -> None:
    """Queue the analysis of a just-recorded item once the caller's transaction commits (at once outside one)."""
    transaction.on_commit(feedback_analysis_kick, robust=True)


def _new_item(source: FeedbackSource) -> FeedbackItem:
    now = timezone.now()
    return FeedbackItem(
        **asdict(source), status=FeedbackItem.Status.PENDING, pending_since=now, created_at=now, updated_at=now
    )


class KickWindow:
    """Opens at most once per window, in this process.

    Threads of one process may race on it; the worst case is one extra message, which finds
    nothing left to claim. No lock and no cache: the busiest endpoint pays one clock read.
    """

    def __init__(self) -> None:
        self.closes_at = 0.0

    def open(self, *, now: float, seconds: float) -> bool:
        """True for the first call of a window (which then starts), False for the others."""
        if now < self.closes_at:
            return False
        self.closes_at = now + seconds
        return True


_kick_window = KickWindow()


def feedback_analysis_kick() -> None:
    """Hand pending items to the analysis queue: one message per window however many comments arrive.

    The first comment of a window (CX_ANALYSIS_KICK_SECONDS, per process) sends a run that starts
    once the window has closed, so that run also takes every item committed during the window,
    which send nothing. Each web process keeps its own window, so nothing is shared or locked. A
    message lost with the broker is made up by beat's sweep. Without a broker (the embedded
    setup) the run happens at once, in this process.
    """
    from feedback import tasks  # tasks import these services

    task = tasks.feedback_analyse_pending
    if task.app.conf.task_always_eager:  # no broker: analyse now, in this process
        task.delay()
        return
    window = settings.CX_ANALYSIS_KICK_SECONDS
    if _kick_window.open(now=time.monotonic(), seconds=window):
        task.apply_async(countdown=window + 1)  # +1 s: clocks of other machines


def feedback_items_retry(*, ids: Sequence[int]) -> int:
    """Put failed (or any) items back in the queue for a fresh analysis; return how many."""
    count = FeedbackItem.objects.filter(id__any_of=list(ids)).update(
        status=FeedbackItem.Status.PENDING,
        pending_since=timezone.now(),
        claimed_by="",
        claimed_at=None,
        attempts=0,
        updated_at=timezone.now(),
    )
    if count:
        feedback_item_recorded()
    return count
