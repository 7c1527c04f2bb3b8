"""Why accounts leave, read: the confirmed churn log of a period, counted by reason, competitor and segment.

The counting is insights.churn_reasons' (pure); each churned account's answers, health and cases
are insights.churn_context's. Filters: the records' dates (both days included) and kind; the
accounts' plan and CSM as they are today; the stage the account was in on the record's date (the
stage set on it, or derived from its contract dates on that day, as the scorecards read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import ChurnReason, ChurnRecord, Stage
from accounts.stages import StageDays, stage_on
from insights import churn_reasons as counting
from insights.churn_context import ChurnedAccount, churned_accounts
from insights.retention_report import RetentionFilters

SEGMENTS = ("plan", "stage", "csm")
KINDS = (counting.CHURN, counting.DOWNGRADE)
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
NO_FILTERS = RetentionFilters()


@dataclass(frozen=True, slots=True)
class Named:
    """A key (a reason, a segment) with the name a person reads, in the active language."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class ReasonLine:
    reason: Named
    row: counting.ReasonRow


@dataclass(frozen=True, slots=True)
class SegmentLine:
    segment: Named
    row: counting.SegmentRow
    reasons: list[ReasonLine]


@dataclass(frozen=True, slots=True)
class ChurnReasonsReport:
    since: date
    until: date
    kind: str | None
    segment: str | None
    totals: counting.Tally
    accounts: int  # distinct accounts among the records
    without_reason: int  # records with no reason yet
    reason_mentions: int  # records counted once per reason (the reason table's total)
    reasons: list[ReasonLine]
    competitors: list[counting.CompetitorRow]
    segments: list[SegmentLine]
    churned: list[ChurnedAccount]  # newest first, at most `limit`
    churned_total: int


def _records(*, since: date, until: date, kind: str | None, filters: RetentionFilters) -> list[ChurnRecord]:
    records = (
        ChurnRecord.objects.filter(status=ChurnRecord.Status.CONFIRMED, date__gte=since, date__lte=until)
        .select_related("account", "account__csm")
        .prefetch_related("reasons")
        .order_by("-date", "-id")
    )
    if kind:
        records = records.filter(kind=kind)
    if filters.plans:
        records = records.filter(account__plan__in=filters.plans)
    if filters.csms:
        records = records.filter(account__csm__username__in=filters.csms)
    chosen = list(records)
    if filters.stages:
        chosen = [record for record in chosen if _stage(record) in filters.stages]
    return chosen


def _stage(record: ChurnRecord) -> str:
    account = record.account
    days = StageDays(**settings.CX_STAGE_DAYS)
    return account.stage or stage_on(
        record.date, contract_start=account.contract_start, renewal_date=account.renewal_date, days=days
    )


def _segment_key(record: ChurnRecord, segment: str | None) -> str:
    if segment == "plan":
        return record.account.plan
    if segment == "stage":
        return _stage(record)
    if segment == "csm":
        return record.account.csm.username if record.account.csm else ""
    return ""


def _segment_names(records: list[ChurnRecord], segment: str | None) -> dict[str, str]:
    if segment == "stage":
        return {str(value): str(label) for value, label in Stage.choices} | {"": _("No stage")}
    if segment == "csm":
        names = {r.account.csm.username: r.account.csm.get_full_name() for r in records if r.account.csm}
        return {username: name or username for username, name in names.items()} | {"": _("No CSM")}
    return {"": _("No plan")}


def no_reason_name() -> str:
    return _("No reason yet")


def churn_reasons_report(
    *,
    since: date,
    until: date,
    kind: str | None = None,
    filters: RetentionFilters = NO_FILTERS,
    segment: str | None = None,
    limit: int = DEFAULT_LIMIT,
    context: int = 3,
) -> ChurnReasonsReport:
    """The period's confirmed records by reason, competitor and segment, and its churned accounts in context."""
    records = _records(since=since, until=until, kind=kind, filters=filters)
    facts = [
        counting.RecordFacts(
            id=record.pk,
            kind=record.kind,
            mrr_lost=record.mrr_lost,
            reasons=tuple(reason.key for reason in record.reasons.all()),
            competitor=record.competitor,
            segment=_segment_key(record, segment),
        )
        for record in records
    ]
    taxonomy = list(ChurnReason.objects.all())
    order = [reason.key for reason in taxonomy]
    language = translation.get_language()
    names = {reason.key: reason.name_in(language) for reason in taxonomy} | {counting.NO_REASON: no_reason_name()}

    def lines(rows: list[counting.ReasonRow]) -> list[ReasonLine]:
        return [ReasonLine(reason=Named(row.key, names.get(row.key, row.key)), row=row) for row in rows]

    reasons = counting.reason_table(facts, order)
    segment_names = _segment_names(records, segment)
    segments = (
        [
            SegmentLine(
                segment=Named(row.key, segment_names.get(row.key, row.key)), row=row, reasons=lines(row.reasons)
            )
            for row in counting.segment_table(facts, order)
        ]
        if segment
        else []
    )
    return ChurnReasonsReport(
        since=since,
        until=until,
        kind=kind,
        segment=segment,
        totals=counting.tally(facts),
        accounts=len({record.account_id for record in records}),
        without_reason=sum(1 for fact in facts if not fact.reasons),
        reason_mentions=sum(row.tally.records for row in reasons),
        reasons=lines(reasons),
        competitors=counting.competitor_table(facts),
        segments=segments,
        churned=churned_accounts(records[:limit], names=names, context=context),
        churned_total=len(records),
    )
