"""Why accounts leave, counted: reasons by records and by MRR lost, competitors, and the same per segment. Pure.

A record with several reasons counts once for each of them, with its whole MRR lost: the reason
table's records and MRR add up to more than the totals, and a reason's share is of the records
(not of the mentions), so that "price: 40% of the records" stays true. A record without a reason
counts once under NO_REASON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

CHURN, DOWNGRADE = "churn", "downgrade"
NO_REASON = ""  # the key of "no reason yet"


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """One confirmed churn or downgrade record, as the tally reads it."""

    id: int
    kind: str  # CHURN or DOWNGRADE
    mrr_lost: Decimal
    reasons: tuple[str, ...] = ()  # the reasons' keys
    competitor: str = ""
    segment: str = ""  # the record's segment key (a plan, stage or CSM username; "" for none)


@dataclass(frozen=True, slots=True)
class Tally:
    """Records and the MRR they lost, in all and for each kind."""

    records: int = 0
    mrr_lost: Decimal = Decimal(0)
    churn_records: int = 0
    churn_mrr_lost: Decimal = Decimal(0)
    downgrade_records: int = 0
    downgrade_mrr_lost: Decimal = Decimal(0)

    def plus(self, record: RecordFacts) -> Tally:
        churn = record.kind == CHURN
        return Tally(
            records=self.records + 1,
            mrr_lost=self.mrr_lost + record.mrr_lost,
            churn_records=self.churn_records + churn,
            churn_mrr_lost=self.churn_mrr_lost + (record.mrr_lost if churn else 0),
            downgrade_records=self.downgrade_records + (not churn),
            downgrade_mrr_lost=self.downgrade_mrr_lost + (0 if churn else record.mrr_lost),
        )


def tally(records: Iterable[RecordFacts]) -> Tally:
    total = Tally()
    for record in records:
        total = total.plus(record)
    return total


@dataclass(frozen=True, slots=True)
class ReasonRow:
    key: str  # NO_REASON for the records without one
    tally: Tally
    share: float | None  # of the records (records with this reason / all records)
    mrr_share: float | None  # of the MRR lost (their MRR lost / all MRR lost)


@dataclass(frozen=True, slots=True)
class CompetitorRow:
    name: str  # as first written (names are grouped ignoring case and surrounding spaces)
    tally: Tally


@dataclass(frozen=True, slots=True)
class SegmentRow:
    key: str
    tally: Tally
    reasons: list[ReasonRow] = field(default_factory=list)


def _share(part, whole) -> float | None:
    return float(part / whole) if whole else None


def reason_table(records: Sequence[RecordFacts], order: Sequence[str] = ()) -> list[ReasonRow]:
    """Each reason met, most records first (then most MRR, then the taxonomy's `order`); "no reason yet" last."""
    by_reason: dict[str, Tally] = {}
    for record in records:
        for key in dict.fromkeys(record.reasons) or (NO_REASON,):
            by_reason[key] = by_reason.get(key, Tally()).plus(record)
    total = tally(records)
    position = {key: n for n, key in enumerate(order)}

    def rank(key: str) -> tuple:
        counted = by_reason[key]
        return (key == NO_REASON, -counted.records, -counted.mrr_lost, position.get(key, len(position)), key)

    return [
        ReasonRow(
            key=key,
            tally=by_reason[key],
            share=_share(by_reason[key].records, total.records),
            mrr_share=_share(by_reason[key].mrr_lost, total.mrr_lost),
        )
        for key in sorted(by_reason, key=rank)
    ]


def competitor_table(records: Sequence[RecordFacts]) -> list[CompetitorRow]:
    """Each competitor named, most records first; "Rival" and " rival " are the same one."""
    names: dict[str, str] = {}
    by_name: dict[str, Tally] = {}
    for record in records:
        name = " ".join(record.competitor.split())
        if not name:
            continue
        same = name.casefold()
        names.setdefault(same, name)
        by_name[same] = by_name.get(same, Tally()).plus(record)
    ordered = sorted(by_name, key=lambda same: (-by_name[same].records, -by_name[same].mrr_lost, same))
    return [CompetitorRow(name=names[same], tally=by_name[same]) for same in ordered]


def segment_table(records: Sequence[RecordFacts], order: Sequence[str] = ()) -> list[SegmentRow]:
    """Each segment's records and MRR lost with its own reason table, most records first."""
    grouped: dict[str, list[RecordFacts]] = {}
    for record in records:
        grouped.setdefault(record.segment, []).append(record)
    rows = [
        SegmentRow(key=key, tally=tally(group), reasons=reason_table(group, order)) for key, group in grouped.items()
    ]
    return sorted(rows, key=lambda row: (-row.tally.records, -row.tally.mrr_lost, row.key == "", row.key))
