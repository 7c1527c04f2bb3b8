"""Importing history: a file read as a stream, mapped row by row, stored batch by batch (each all or nothing).

A dry run reads and checks the whole file and says what would be created and which rows would be
refused, and why, without writing anything.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from django.utils import timezone

from importers.mappings import ColumnMap, columns_resolve
from importers.reading import FileRefused, rows_open
from importers.rows import MappedRow, RowRefused, row_map
from surveys.import_selectors import ImportTarget, import_keys_stored
from surveys.services.imports import ImportedAnswer, import_key, responses_import
from surveys.services.stats import survey_stats_refresh

DEFAULT_BATCH = 2_000
REFUSALS_KEPT = 1_000  # refused rows reported one by one; past that, only counted
PREVIEW_ROWS = 20


@dataclass
class ImportReport:
    """What an import did (or, dry, would do). Row numbers count the header as row 1, as a spreadsheet shows."""

    dry_run: bool
    rows: int = 0
    history: int = 0  # stored as history, before the cut-off (no case, no email, no event)
    live: int = 0  # stored as live answers, from the cut-off on (cases and advocates as usual)
    skipped: int = 0  # stored by an earlier run (or repeated in the file)
    refused: int = 0
    refusals: list[tuple[int, str]] = field(default_factory=list)
    preview: list[MappedRow] = field(default_factory=list)

    @property
    def created(self) -> int:
        return self.history + self.live


def import_run(
    *,
    source: str | Path | IO[bytes],
    kind: str,
    target: ImportTarget,
    column_map: ColumnMap,
    cutoff: datetime | None = None,
    dry_run: bool = False,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the file's answers into the target survey; return the report.

    `cutoff`: answers before it are history (never acted on); None means now (all are history).
    Raises FileRefused or MappingRefused (both ValueError) before writing anything when the file
    cannot be read or lacks a required column; a refused row is reported and the others go on.
    """
    cutoff = cutoff or timezone.now()
    report = ImportReport(dry_run=dry_run)
    with rows_open(source, kind=kind) as rows:
        header = next(rows, None)
        if header is None:
            raise FileRefused("The file is empty: it has no header row.")
        columns = columns_resolve(column_map, header)
        seen: set[str] = set()  # the dry run's keys so far: a key repeated further down is skipped, as on a run
        for chunk in _chunks(_mapped(rows, columns, target, column_map, report, cutoff), batch):
            answers = [_answer(row) for _number, row in chunk]
            if dry_run:
                _count_dry(report, target, answers, cutoff, seen)
            else:
                stored = responses_import(target=target, answers=answers, cutoff=cutoff, source=column_map.name)
                report.history += stored.history
                report.live += stored.live
                report.skipped += stored.skipped
            if progress is not None:
                progress(chunk[-1][0] - 1)
    if report.created:
        survey_stats_refresh(survey_id=target.survey_id)
    return report


def _mapped(
    rows: Iterator[list],
    columns: dict[str, int],
    target: ImportTarget,
    column_map: ColumnMap,
    report: ImportReport,
    cutoff: datetime,
) -> Iterator[tuple[int, MappedRow]]:
    zone = timezone.get_default_timezone()
    for number, cells in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue  # a blank line
        report.rows += 1
        try:
            row = row_map(
                cells,
                columns,
                scale=target.scale,
                date_format=column_map.date_format,
                zone=zone,
                consent_if_filled=column_map.consent_if_filled,
            )
            if target.require_identity and not row.external_id and row.submitted_at >= cutoff:
                raise RowRefused("external_id: this survey takes answers from known customers only; none is given.")
        except RowRefused as refusal:
            report.refused += 1
            if len(report.refusals) < REFUSALS_KEPT:
                report.refusals.append((number, str(refusal)))
            continue
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(row)
        yield number, row


def _chunks(rows: Iterator[tuple[int, MappedRow]], size: int) -> Iterator[list[tuple[int, MappedRow]]]:
    chunk: list[tuple[int, MappedRow]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _answer(row: MappedRow) -> ImportedAnswer:
    return ImportedAnswer(
        key=import_key(row.source_key),
        score=row.score,
        submitted_at=row.submitted_at,
        comment=row.comment,
        locale=row.locale,
        consent_to_contact=row.consent,
        external_id=row.external_id,
        email=row.email,
        name=row.name,
    )


def _count_dry(
    report: ImportReport, target: ImportTarget, answers: list[ImportedAnswer], cutoff: datetime, seen: set[str]
) -> None:
    stored = import_keys_stored(survey_id=target.survey_id, keys=[answer.key for answer in answers])
    for answer in answers:
        if answer.key in stored or answer.key in seen:
            report.skipped += 1
            continue
        seen.add(answer.key)
        if answer.submitted_at < cutoff:
            report.history += 1
        else:
            report.live += 1
