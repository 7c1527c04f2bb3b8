"""Feedback items: recorded with their source, claimed in batches, analysed once, handed to the closed loop."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from closedloop import services as closedloop_services
from closedloop.contracts import AnalysedFeedback
from feedback.contracts import FeedbackSource
from feedback.models import FeedbackItem

logger = logging.getLogger(__name__)

KICK_KEY = "feedback:analysis-kick"  # set while a run is on its way, for CX_ANALYSIS_KICK_SECONDS
_SNAPSHOT_FIELDS = tuple(name for name in FeedbackSource.__slots__ if name not in ("source", "source_id"))
_QUEUE_FIELDS = ("status", "pending_since", "claimed_by", "claimed_at", "attempts", "updated_at")
_RESULT_FIELDS = ("status", "language", "polarity", "label", "keywords", "analyzer", "analysed_at", "last_error")


def feedback_item_record(*, source: FeedbackSource) -> None:
    """Create the item for a source's comment, or refresh it when the source changed; in the caller's transaction.

    A refreshed item is analysed again. A blank comment records nothing (an earlier item stays).
    Its analysis is queued once the caller's transaction commits.
    """
    if not source.text.strip():
        return
    now = timezone.now()
    item = FeedbackItem(
        **asdict(source),
        status=FeedbackItem.Status.PENDING,
        pending_since=now,
        created_at=now,
        updated_at=now,
    )
    FeedbackItem.objects.bulk_create(
        [item],
        update_conflicts=True,
        unique_fields=["source", "source_id"],
        update_fields=[
            *_SNAPSHOT_FIELDS,
            "status",
            "pending_since",
            "claimed_by",
            "claimed_at",
            "attempts",
            "updated_at",
        ],
    )
    transaction.on_commit(feedback_analysis_kick, robust=True)


def feedback_analysis_kick() -> None:
    """Hand pending items to the analysis queue: one message per window however many comments arrive.

    The first comment of a window (CX_ANALYSIS_KICK_SECONDS, per process) sends a run that starts
    once the window has closed, so that run also takes every item committed during the window,
    which send nothing. No shared cache is needed: each web process keeps its own window. A
    message lost with the broker is made up by beat's sweep. Without a broker (the embedded
    setup) the run happens at once, in this process.
    """
    from feedback import tasks  # tasks import these services

    if tasks.feedback_analyse_pending.app.conf.task_always_eager:  # no broker: analyse now, in this process
        tasks.feedback_analyse_pending.delay()
        return
    window = settings.CX_ANALYSIS_KICK_SECONDS
    try:
        first = cache.add(KICK_KEY, 1, timeout=window)
    except Exception:  # a cache outage costs one message per comment, nothing more
        logger.warning("Cache unavailable; sending an analysis run for this comment", exc_info=True)
        first = True
    if first:
        tasks.feedback_analyse_pending.apply_async(countdown=window + 1)  # +1 s: clocks of other machines


def feedback_items_claim(*, claim: str, limit: int | None = None) -> list[int]:
    """Claim up to `limit` pending items for one task run and return their ids, oldest first.

    An item is free when nobody claimed it, when the claim is this run's own (a redelivered task
    keeps its id), or when the claim is older than CX_ANALYSIS_STALE_MINUTES (its worker died).
    Concurrent claimers skip each other's rows (SKIP LOCKED on PostgreSQL).
    """
    limit = limit or settings.CX_ANALYSIS_BATCH
    now = timezone.now()
    free = Q(claimed_by="") | Q(claimed_by=claim) | Q(claimed_at__lt=now - _stale())
    with transaction.atomic():
        ids = list(
            FeedbackItem.objects.select_for_update(skip_locked=True)
            .filter(free, status=FeedbackItem.Status.PENDING)
            .order_by("pending_since", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            FeedbackItem.objects.filter(id__any_of=ids).update(
                claimed_by=claim, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def feedback_items_analyse(*, ids: Sequence[int], claim: str) -> int:
    """Analyse the claimed items and store each result once; return how many were stored.

    The texts are analysed outside any transaction. Results are then written only to items this
    claim still holds and that are still pending, so a second delivery, or a run whose claim went
    stale and was taken over, stores nothing twice. An item whose analysis raises is retried by
    a later run, and marked failed after CX_ANALYSIS_MAX_ATTEMPTS.
    """
    items = list(
        FeedbackItem.objects.filter(id__any_of=list(ids), claimed_by=claim, status=FeedbackItem.Status.PENDING).only(
            "id", "text", "attempts"
        )
    )
    if not items:
        return 0
    results = _analyse_texts([item.text for item in items])
    return _store(items, results, mine=Q(claimed_by=claim, status=FeedbackItem.Status.PENDING))


def feedback_items_reanalyse(*, ids: Sequence[int]) -> int:
    """Analyse these items again, whatever their status, and store the new results; the old stay until then."""
    items = list(FeedbackItem.objects.filter(id__any_of=list(ids)).only("id", "text", "attempts"))
    if not items:
        return 0
    return _store(items, _analyse_texts([item.text for item in items]), mine=Q())


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
        transaction.on_commit(feedback_analysis_kick, robust=True)
    return count


def feedback_analyse_all_pending(*, claim: str = "inline", progress: Callable[[int], None] | None = None) -> int:
    """Analyse every pending item in this process, batch by batch (demo data, tests, the embedded setup)."""
    done = 0
    while ids := feedback_items_claim(claim=claim):
        done += feedback_items_analyse(ids=ids, claim=claim)
        if progress:
            progress(len(ids))
    return done


def feedback_pending_stale_exists(*, now: datetime | None = None) -> bool:
    """Whether some item has waited, unclaimed or with a dead claim, longer than CX_ANALYSIS_STALE_MINUTES."""
    cutoff = (now or timezone.now()) - _stale()
    return FeedbackItem.objects.filter(
        Q(claimed_by="", pending_since__lt=cutoff) | Q(claimed_at__lt=cutoff), status=FeedbackItem.Status.PENDING
    ).exists()


def _stale() -> timedelta:
    return timedelta(minutes=settings.CX_ANALYSIS_STALE_MINUTES)


def _analyse_texts(texts: list[str]) -> list:
    """Analyse a batch at once; if the batch raises, each text alone, so that one bad text fails only itself.

    The analysers are imported here, not at the top: web processes record items but never analyse.
    """
    from feedback import analysis

    try:
        return list(analysis.analyze_many(texts))
    except Exception:
        logger.exception("Batch analysis failed; analysing its %d texts one by one", len(texts))
    results: list = []
    for text in texts:
        try:
            results.append(analysis.analyze(text))
        except Exception as exc:
            results.append(exc)
    return results


def _store(items: list[FeedbackItem], results: list, *, mine: Q) -> int:
    now = timezone.now()
    by_id = dict(zip((item.id for item in items), results, strict=True))
    with transaction.atomic():
        locked = list(FeedbackItem.objects.select_for_update().filter(mine, id__any_of=list(by_id)).order_by("id"))
        for item in locked:
            result = by_id[item.id]
            item.updated_at = now
            if isinstance(result, Exception):
                item.last_error = f"{type(result).__name__}: {result}"[:2000]
                if item.attempts >= settings.CX_ANALYSIS_MAX_ATTEMPTS:
                    item.status = FeedbackItem.Status.FAILED
                else:  # let a later run try again
                    item.claimed_by = ""
                continue
            item.status = FeedbackItem.Status.ANALYSED
            item.language = result.language
            item.polarity = result.polarity
            item.label = result.label
            item.keywords = list(result.keywords)
            item.analyzer = result.analyzer
            item.analysed_at = now
            item.last_error = ""
        FeedbackItem.objects.bulk_update(locked, [*_RESULT_FIELDS, "claimed_by", "updated_at"])
        analysed = [item for item in locked if item.status == FeedbackItem.Status.ANALYSED]
        if analysed:
            closedloop_services.feedback_analysed(items=[_handed_over(item) for item in analysed])
    return len(analysed)


def _handed_over(item: FeedbackItem) -> AnalysedFeedback:
    return AnalysedFeedback(
        feedback_id=item.id,
        source=item.source,
        source_id=item.source_id,
        text=item.text,
        given_at=item.given_at,
        survey_id=item.survey_id,
        survey_kind=item.survey_kind,
        score=item.score,
        classification=item.classification,
        touchpoint_id=item.touchpoint_id,
        touchpoint_key=item.touchpoint_key,
        customer_id=item.customer_id,
        customer_external_id=item.customer_external_id,
        locale=item.locale,
        language=item.language,
        polarity=item.polarity,
        label=item.label,
        keywords=tuple(item.keywords),
    )
