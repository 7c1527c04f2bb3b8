"""Feedback items: recorded with their source, claimed in batches, analysed once, handed to the closed loop."""

import functools
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, astuple, dataclass, field, fields
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from closedloop import services as closedloop_services
from closedloop.contracts import AnalysedFeedback
from common.snapshot import snapshot_forgotten
from feedback import selectors
from feedback.contracts import FeedbackSource
from feedback.models import FeedbackItem

logger = logging.getLogger(__name__)

_SOURCE_FIELDS = tuple(f.name for f in fields(FeedbackSource))
_SNAPSHOT_FIELDS = tuple(name for name in _SOURCE_FIELDS if name not in ("source", "source_id"))
_QUEUE_FIELDS = ("status", "pending_since", "claimed_by", "claimed_at", "attempts", "updated_at")
REPEAT_WINDOW = timedelta(days=90)  # an earlier detractor answer within this makes a repeat detractor
_RESULT_FIELDS = ("status", "language", "polarity", "label", "keywords", "analyzer", "analysed_at", "last_error")


def feedback_item_record(*, source: FeedbackSource) -> None:
    """Create the item for a source's answer, or refresh it when the answer changed; in the caller's transaction.

    A refreshed item is analysed (and handed to the closed loop) again. Its analysis is queued once
    the caller's transaction commits.
    """
    FeedbackItem.objects.bulk_create(
        [_new_item(source)],
        update_conflicts=True,
        unique_fields=["source", "source_id"],
        update_fields=[*_SNAPSHOT_FIELDS, *_QUEUE_FIELDS],
    )
    feedback_item_recorded()


def feedback_item_insert_sql(
    *, source: FeedbackSource, ids_from: str, from_relation: Sequence[str] = ("source_id", "customer_id")
) -> tuple[str, list]:
    """The upsert of a source's item as SQL for the source's own statement (PostgreSQL), and its parameters.

    The busiest path stores an answer and its item in one statement: no transaction to open and
    commit around two. `ids_from` names the caller's relation (one row), and `from_relation` the
    FeedbackSource fields it holds as columns of the same names; the others come from `source`.
    Call feedback_item_recorded() once the statement ran.
    """
    sql, names, fresh = _item_insert_template(ids_from, tuple(from_relation))
    now = timezone.now()
    values = {**fresh, **{name: getattr(source, name) for name in _SOURCE_FIELDS}}
    values.update(pending_since=now, created_at=now, updated_at=now)
    return sql, [values[name] for name in names]


@functools.cache
def _item_insert_template(
    ids_from: str, from_relation: tuple[str, ...]
) -> tuple[str, tuple[str, ...], dict[str, object]]:
    """The statement (built once per process), the order of its parameters, and a new item's other values."""
    quote = connection.ops.quote_name
    fields = [f for f in FeedbackItem._meta.concrete_fields if not f.primary_key]
    values = ", ".join(quote(f.attname) if f.attname in from_relation else "%s" for f in fields)
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in (*_SNAPSHOT_FIELDS, *_QUEUE_FIELDS))
    sql = (
        f"INSERT INTO {quote(FeedbackItem._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608
        f" SELECT {values} FROM {ids_from} ON CONFLICT (source, source_id) DO UPDATE SET {updates}"
    )
    blank = FeedbackItem(status=FeedbackItem.Status.PENDING)
    fresh = {
        f.attname: f.get_db_prep_save(getattr(blank, f.attname), connection)
        for f in fields
        if f.attname not in _SOURCE_FIELDS
    }
    return sql, tuple(f.attname for f in fields if f.attname not in from_relation), fresh


def feedback_items_delete(*, source: str, source_ids: Sequence[int]) -> int:
    """Delete the items of deleted sources (answers); return how many went."""
    deleted, _ = FeedbackItem.objects.filter(source=source, source_id__any_of=list(source_ids)).delete()
    return deleted


def feedback_items_forget(*, customer_ids: Sequence[int]) -> int:
    """Drop who gave the customers' items and what they wrote; scores, classes and times stay for the figures."""
    return FeedbackItem.objects.filter(customer_id__any_of=sorted(set(customer_ids))).update(
        **snapshot_forgotten(),
        text="",
        keywords=[],
        last_error="",
        claimed_by="",  # an analysis in flight loses its claim, so it cannot write the comment's words back
        updated_at=timezone.now(),
    )


def feedback_comments_purge(*, before: datetime) -> int:
    """Empty the text and keywords of items given before a moment (the retention period); return how many."""
    return (
        FeedbackItem.objects.filter(given_at__lt=before)
        .exclude(text="", keywords=[])
        .update(text="", keywords=[], claimed_by="", updated_at=timezone.now())  # see feedback_items_forget
    )


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


def feedback_items_claim(*, claim: str, limit: int | None = None) -> list[int]:
    """Claim up to `limit` pending items for one task run and return their ids, oldest first.

    An item is free when nobody claimed it, when the claim is this run's own (a redelivered task
    keeps its id), or when the claim is older than CX_ANALYSIS_STALE_MINUTES (its worker died).
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
    return _store(items, _analyse_texts([item.text for item in items]), claim=claim)


def feedback_items_reanalyse(*, ids: Sequence[int]) -> int:
    """Analyse these items again, whatever their status, and store the new results; the old stay until then."""
    items = list(FeedbackItem.objects.filter(id__any_of=list(ids)).only("id", "text", "attempts"))
    if not items:
        return 0
    return _store(items, _analyse_texts([item.text for item in items]), claim=None)


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


def feedback_analyse_all_pending(*, claim: str = "inline") -> int:
    """Analyse every pending item in this process, batch by batch (demo data, tests, the embedded setup)."""
    done = 0
    while ids := feedback_items_claim(claim=claim):
        done += feedback_items_analyse(ids=ids, claim=claim)
    return done


def feedback_pending_stale_exists(*, now: datetime | None = None) -> bool:
    """Whether some item has waited, unclaimed or with a dead claim, longer than CX_ANALYSIS_STALE_MINUTES."""
    cutoff = (now or timezone.now()) - _stale()
    return FeedbackItem.objects.filter(
        Q(claimed_by="", pending_since__lt=cutoff) | Q(claimed_at__lt=cutoff), status=FeedbackItem.Status.PENDING
    ).exists()


def _stale() -> timedelta:
    return timedelta(minutes=settings.CX_ANALYSIS_STALE_MINUTES)


@dataclass(frozen=True, slots=True)
class _NoText:
    """The result for an answer without a comment: nothing to analyse, no sentiment."""

    language: str = ""
    polarity: float | None = None
    label: str = ""
    keywords: tuple[str, ...] = ()
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


def _store(items: list[FeedbackItem], results: list, *, claim: str | None) -> int:
    """Write the results to the items `claim` still holds (any item when None); hand the analysed to the closed loop.

    A failure keeps the item's earlier result, records the error, and frees the item for a later
    run, or marks it failed after CX_ANALYSIS_MAX_ATTEMPTS.
    """
    now = timezone.now()
    rows = []
    for item, result in zip(items, results, strict=True):
        if isinstance(result, Exception):
            failed = item.attempts >= settings.CX_ANALYSIS_MAX_ATTEMPTS
            error = f"{type(result).__name__}: {result}"[:2000]
            rows.append(_Row(item.id, False, FeedbackItem.Status.FAILED if failed else None, last_error=error))
        else:
            rows.append(
                _Row(
                    item.id,
                    True,
                    FeedbackItem.Status.ANALYSED,
                    result.language,
                    result.polarity,
                    result.label,
                    list(result.keywords),
                    result.analyzer,
                )
            )
    with transaction.atomic():
        write = _write_postgresql if connection.vendor == "postgresql" else _write_orm
        analysed_ids = write(rows, claim=claim, now=now)
        if analysed_ids:
            analysed = FeedbackItem.objects.filter(id__any_of=analysed_ids).order_by("id")
            closedloop_services.feedback_analysed(items=_handed_over(list(analysed)))
    return len(analysed_ids)


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    ok: bool
    status: str | None  # None keeps the item's status
    language: str = ""
    polarity: float | None = None
    label: str = ""
    keywords: list[str] = field(default_factory=list)
    analyzer: str = ""
    last_error: str = ""


def _write_postgresql(rows: list[_Row], *, claim: str | None, now) -> list[int]:
    """One UPDATE … FROM over the rows sent as one JSON parameter; return the ids analysed.

    Django's bulk_update builds a CASE per field and row and cost ten times the analysis itself.
    The WHERE is checked again on each row once it is locked, so a claim taken over meanwhile
    keeps this run from writing.
    """
    table = connection.ops.quote_name(FeedbackItem._meta.db_table)
    mine = "AND f.claimed_by = %s AND f.status = %s" if claim is not None else ""
    kept = ("language", "polarity", "label", "keywords", "analyzer")
    sets = ", ".join(f"{name} = CASE WHEN u.ok THEN u.{name} ELSE f.{name} END" for name in kept)
    sql = (
        f"UPDATE {table} AS f SET status = coalesce(u.status, f.status), {sets},"  # noqa: S608 - names are ours
        " analysed_at = CASE WHEN u.ok THEN %s ELSE f.analysed_at END, last_error = u.last_error,"
        " claimed_by = CASE WHEN u.ok THEN f.claimed_by ELSE '' END, updated_at = %s"
        " FROM (SELECT (r->>0)::bigint AS id, (r->>1)::boolean AS ok, r->>2 AS status, r->>3 AS language,"
        " (r->>4)::float8 AS polarity, r->>5 AS label, r->6 AS keywords, r->>7 AS analyzer, r->>8 AS last_error"
        " FROM jsonb_array_elements(%s::jsonb) AS r) AS u"
        f" WHERE f.id = u.id {mine} RETURNING f.id, u.ok"
    )
    payload = json.dumps([astuple(row) for row in rows], ensure_ascii=False)
    params = [now, now, payload] + ([claim, FeedbackItem.Status.PENDING] if claim is not None else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(pk for pk, ok in cursor.fetchall() if ok)


def _write_orm(rows: list[_Row], *, claim: str | None, now) -> list[int]:
    """The same on other databases (SQLite in the embedded setup): lock, set, bulk_update."""
    mine = Q(claimed_by=claim, status=FeedbackItem.Status.PENDING) if claim is not None else Q()
    by_id = {row.id: row for row in rows}
    locked = list(FeedbackItem.objects.select_for_update().filter(mine, id__any_of=list(by_id)).order_by("id"))
    for item in locked:
        row = by_id[item.id]
        item.status = row.status or item.status
        item.last_error = row.last_error
        item.updated_at = now
        if row.ok:
            item.language, item.polarity, item.label = row.language, row.polarity, row.label
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
            feedback_id=item.id,
            keywords=tuple(item.keywords),
            detractor_recently=item.id in recent,
        )
        for item in items
    ]


_HANDED_OVER_FIELDS = tuple(
    f.name for f in fields(AnalysedFeedback) if f.name not in ("feedback_id", "keywords", "detractor_recently")
)
