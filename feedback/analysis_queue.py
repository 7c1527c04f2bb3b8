"""The analysis queue: pending items claimed in batches, analysed once, their results stored and handed on.

Web processes record items (feedback.services); workers claim them here, analyse the texts
outside any transaction, and store each result once, in the same transaction as its hand-over
to the closed loop. The facade (feedback.services) re-exports what other modules call.
"""

import json
import logging
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from closedloop import services as closedloop_services
from closedloop.contracts import AnalysedFeedback
from common.sql import postgresql_paths
from feedback import locks, selectors
from feedback.models import FeedbackItem
from feedback.sql import analysis_results_update_sql
from feedback.webhook_payloads import feedback_data
from webhooks.catalogue import FEEDBACK_ANALYSED
from webhooks.services.events import events_record

logger = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(days=90)  # an earlier detractor answer within this makes a repeat detractor
_RESULT_FIELDS = (
    "status",
    "language",
    "polarity",
    "label",
    "confidence",
    "keywords",
    "aspects",
    "is_request",
    "analyzer",
    "analysed_at",
    "last_error",
)


_RENEW_EVERY = 50  # items analysed between two renewals of a run's claim


def feedback_items_claim(*, claim: str, limit: int | None = None) -> list[int]:
    """Claim up to `limit` pending items for one task run and return their ids, oldest first.

    An item is free when nobody claimed it, when the claim is this run's own (a redelivered task
    keeps its id), or when the claim is older than CX_ANALYSIS_STALE_SECONDS (its worker died:
    a live run renews its claim as it goes).
    Concurrent claimers skip each other's rows (SKIP LOCKED on PostgreSQL). An item claimed
    CX_ANALYSIS_MAX_ATTEMPTS times whose runs never stored a result is marked failed instead.
    """
    limit = limit or settings.CX_ANALYSIS_BATCH
    now = timezone.now()
    free = Q(claimed_by="") | Q(claimed_by=claim) | Q(claimed_at__lt=now - _stale())
    with transaction.atomic():
        # Claimed as often as allowed and still pending: their runs never finished (a worker killed by the
        # text, say), so they are failed here rather than claimed again and again with their batches.
        FeedbackItem.objects.filter(
            free, status=FeedbackItem.Status.PENDING, attempts__gte=settings.CX_ANALYSIS_MAX_ATTEMPTS
        ).update(
            status=FeedbackItem.Status.FAILED,
            last_error="Claimed as many times as allowed without a result (its runs did not finish).",
            claimed_by="",
            claimed_at=None,
            updated_at=now,
        )
        ids = locks.items_claimable_lock(free, limit=limit)
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
    results: list = []
    for start in range(0, len(items), _RENEW_EVERY):
        results += _analyse_texts([item.text for item in items[start : start + _RENEW_EVERY]])
        # still alive: renew the claim, so that only a dead run's claim goes stale
        FeedbackItem.objects.filter(id__any_of=[item.id for item in items], claimed_by=claim).update(
            claimed_at=timezone.now()
        )
    return _store(items, results, claim=claim)


def feedback_items_reanalyse(*, ids: Sequence[int]) -> int:
    """Analyse these items again, whatever their status, and store the new results; the old stay until then."""
    items = list(FeedbackItem.objects.filter(id__any_of=list(ids)).only("id", "text", "attempts"))
    if not items:
        return 0
    return _store(items, _analyse_texts([item.text for item in items]), claim=None)


def feedback_analyse_all_pending(*, claim: str = "inline") -> int:
    """Analyse every pending item in this process, batch by batch (demo data, tests, the embedded setup)."""
    done = 0
    while ids := feedback_items_claim(claim=claim):
        done += feedback_items_analyse(ids=ids, claim=claim)
    return done


def feedback_pending_stale_exists(*, now: datetime | None = None) -> bool:
    """Whether some item has waited, unclaimed or with a dead claim, longer than CX_ANALYSIS_STALE_SECONDS."""
    cutoff = (now or timezone.now()) - _stale()
    return FeedbackItem.objects.filter(
        Q(claimed_by="", pending_since__lt=cutoff) | Q(claimed_at__lt=cutoff), status=FeedbackItem.Status.PENDING
    ).exists()


def _stale() -> timedelta:
    return timedelta(seconds=settings.CX_ANALYSIS_STALE_SECONDS)


@dataclass(frozen=True, slots=True)
class _NoText:
    """The result for an answer without a comment: nothing to analyse, no sentiment."""

    language: str = ""
    polarity: float | None = None
    label: str = ""
    confidence: float | None = None
    keywords: tuple[str, ...] = ()
    aspects: tuple = ()
    is_request: bool = False
    analyzer: str = ""


def _analyse_texts(texts: list[str]) -> list:
    """Analyse a batch at once; if the batch raises, each text alone, so that one bad text fails only itself.

    A blank text (an answer without a comment) is not analysed. The analysers are imported here,
    not at the top: web processes record items but never analyse.
    """
    from feedback import analysis

    todo = [i for i, text in enumerate(texts) if text.strip()]
    results: list = [_NoText()] * len(texts)
    try:
        for i, result in zip(todo, analysis.analyze_many([texts[i] for i in todo]), strict=True):
            results[i] = result
        return results
    except Exception:
        logger.exception("Batch analysis failed; analysing its %d texts one by one", len(todo))
    for i in todo:
        try:
            results[i] = analysis.analyze(texts[i])
        except Exception as exc:
            results[i] = exc
    return results


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One item's result as it is written: `ok` False keeps the earlier result and records `last_error`."""

    id: int
    ok: bool
    status: str | None  # None keeps the item's status
    language: str = ""
    polarity: float | None = None
    label: str = ""
    confidence: float | None = None
    keywords: list[str] = field(default_factory=list)
    aspects: list[dict] = field(default_factory=list)
    is_request: bool = False
    analyzer: str = ""
    last_error: str = ""


def _result_row(item: FeedbackItem, result) -> ResultRow:
    if isinstance(result, Exception):
        failed = item.attempts >= settings.CX_ANALYSIS_MAX_ATTEMPTS
        error = f"{type(result).__name__}: {result}"[:2000]
        return ResultRow(item.id, False, FeedbackItem.Status.FAILED if failed else None, last_error=error)
    return ResultRow(
        item.id,
        True,
        FeedbackItem.Status.ANALYSED,
        result.language,
        result.polarity,
        result.label,
        result.confidence,
        list(result.keywords),
        [{"term": aspect.term, "label": aspect.label} for aspect in result.aspects],
        result.is_request,
        result.analyzer,
    )


def _store(items: list[FeedbackItem], results: list, *, claim: str | None) -> int:
    """Write the results to the items `claim` still holds (any item when None); hand the analysed to the closed loop.

    A failure keeps the item's earlier result, records the error, and frees the item for a later
    run, or marks it failed after CX_ANALYSIS_MAX_ATTEMPTS.
    """
    rows = [_result_row(item, result) for item, result in zip(items, results, strict=True)]
    with transaction.atomic():
        analysed_ids = results_write(rows, claim=claim, now=timezone.now())
        if analysed_ids:
            # an imported answer from before its import's cut-off is analysed for the figures, never acted on
            analysed = list(FeedbackItem.objects.filter(id__any_of=analysed_ids, closed_loop=True).order_by("id"))
            # a comment's analysis is news; an answer without one has nothing analysed (no analyser ran)
            events_record((FEEDBACK_ANALYSED, feedback_data(item), item.pk) for item in analysed if item.analyzer)
            closedloop_services.feedback_analysed(items=_handed_over(analysed))
    return len(analysed_ids)


def results_write(rows: list[ResultRow], *, claim: str | None, now: datetime) -> list[int]:
    """Write the rows to the items `claim` still holds (any item when None); return the ids analysed, in order.

    On PostgreSQL one UPDATE … FROM over the rows sent as one JSON parameter (Django's bulk_update
    builds a CASE per field and row and cost ten times the analysis itself); elsewhere lock, set
    and bulk_update. Both write the same (tests/feedback/test_sql.py). In the caller's transaction.
    """
    if postgresql_paths():
        payload = json.dumps([astuple(row) for row in rows], ensure_ascii=False)
        params: list[Any] = [now, now, payload, *([claim, FeedbackItem.Status.PENDING] if claim is not None else [])]
        with connection.cursor() as cursor:
            cursor.execute(analysis_results_update_sql(claimed=claim is not None), params)
            return sorted(pk for pk, ok in cursor.fetchall() if ok)
    mine = Q(claimed_by=claim, status=FeedbackItem.Status.PENDING) if claim is not None else Q()
    by_id = {row.id: row for row in rows}
    locked = locks.items_lock(list(by_id), mine=mine)
    for item in locked:
        row = by_id[item.id]
        item.status = row.status or item.status
        item.last_error = row.last_error
        item.updated_at = now
        if row.ok:
            item.language, item.polarity, item.label = row.language, row.polarity, row.label
            item.confidence, item.aspects, item.is_request = row.confidence, row.aspects, row.is_request
            item.keywords, item.analyzer, item.analysed_at = row.keywords, row.analyzer, now
        else:
            item.claimed_by = ""
    FeedbackItem.objects.bulk_update(locked, [*_RESULT_FIELDS, "claimed_by", "updated_at"])
    return [item.id for item in locked if by_id[item.id].ok]


def _handed_over(items: list[FeedbackItem]) -> list[AnalysedFeedback]:
    recent = selectors.feedback_detractor_recently(items=items, window=REPEAT_WINDOW)
    return [
        AnalysedFeedback(
            **{name: getattr(item, name) for name in _HANDED_OVER_FIELDS},
            label=item.corrected_label or item.label,  # staff's correction outlives every analysis
            confidence=1.0 if item.corrected_label else item.confidence,  # a person's reading is certain
            feedback_id=item.id,
            keywords=tuple(item.keywords),
            detractor_recently=item.id in recent,
        )
        for item in items
    ]


_HANDED_OVER_FIELDS = tuple(
    f.name
    for f in fields(AnalysedFeedback)
    if f.name not in ("feedback_id", "label", "confidence", "keywords", "detractor_recently")
)
