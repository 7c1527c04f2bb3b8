"""The advocate export as files marketing opens in a spreadsheet: CSV (streamed) and XLSX.

Both hold the rows `selectors.advocates_exportable` chooses, in `selectors.EXPORT_COLUMNS`, and
both log the export (`services.export_logged`) with the rows they handed over.

- CSV on PostgreSQL is PostgreSQL's own `COPY (SELECT …) TO STDOUT (FORMAT csv)`, streamed in
  blocks of about 64 KB as the server sends them: Python never builds a row object, and memory
  stays flat whatever the number of rows. Elsewhere (the embedded SQLite) rows go through
  Python's csv module. The two write the same bytes (a test compares them on PostgreSQL).
- XLSX is written with openpyxl's write-only workbook into a temporary file, then streamed.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
leading `'`, so a spreadsheet never runs it as a formula. Times are UTC.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat, Left, NullIf
from django.db.models.lookups import In
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from closedloop import selectors, services
from closedloop.advocate_selectors import FIGURE_COLUMNS
from closedloop.models import Advocate
from closedloop.sql import UtcText, copy_csv_sql
from common.sql import postgresql_paths

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
BLOCK = 64 * 1024
XLSX_SHEET = "advocates"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(kind: str, filters, *, actor, logged: dict, ids=None):
    """The export as a download: CSV streamed as it is read, XLSX once written. The API and the admin use it."""
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    if kind == "xlsx":
        body = xlsx_file(filters, actor=actor, logged=logged, ids=ids)
        response = FileResponse(body, content_type=CONTENT_TYPES[kind])
    else:
        body = csv_stream(filters, actor=actor, logged=logged, ids=ids)
        response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="advocates-{stamp}.{kind}"'
    return response


def text_cell(value) -> str:
    """A CSV or XLSX cell's text: empty for nothing, UTC times, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(TIME_FORMAT)
    if isinstance(value, Decimal):  # money, to the cent as PostgreSQL's COPY writes it (SQLite drops the zeros)
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- CSV -----------------------------------------------------------------------------------------


def csv_stream(filters: selectors.AdvocateFilters, *, actor, logged: dict, ids=None) -> Iterator[bytes]:
    """The export as CSV bytes, a block at a time (UTF-8, a byte-order mark first, for spreadsheets).

    The export is logged once the stream ends, with the rows handed over: also when the client
    goes away part-way (the server closes the generator, and `finally` still runs).
    """
    sent = 0
    # A COPY cut short is cancelled, which inside a transaction aborts it (and the log with it):
    # COPY only in autocommit, as a streamed response runs.
    copy = postgresql_paths() and not connection.in_atomic_block
    rows = _copy_blocks(filters, ids) if copy else _python_blocks(filters, ids)
    try:
        yield ("\ufeff" + _csv_line(selectors.EXPORT_COLUMNS)).encode()
        for block, count in rows:
            sent += count
            yield block
    finally:
        rows.close()  # ends a COPY cut short (psycopg cancels it) before the connection writes the log
        services.export_logged(actor=actor, format="csv", filters=logged, row_count=sent)


class _Line:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


# Python's csv module quotes a field holding a character of its line ending: with \r\n, fields
# holding either (as PostgreSQL's COPY does). Lines then end with \n, as COPY's do.
_WRITER = csv.writer(_Line(), lineterminator="\r\n")


def _csv_line(values: Iterable) -> str:
    return _WRITER.writerow(values)[:-2] + "\n"


def _python_blocks(filters, ids) -> Iterator[tuple[bytes, int]]:
    lines, size = [], 0
    for row in selectors.advocates_exportable(filters, ids=ids).iterator(chunk_size=2000):
        line = _csv_line([text_cell(value) for value in row])
        lines.append(line)
        size += len(line)
        if size >= BLOCK:
            yield "".join(lines).encode(), len(lines)
            lines, size = [], 0
    if lines:
        yield "".join(lines).encode(), len(lines)


def _defused(name: str):
    """A text column with formulas defused, and empty text as NULL (COPY then writes it unquoted, like csv)."""
    field = F(name)
    return NullIf(
        Case(
            When(In(Left(field, 1), list(FORMULA_STARTS)), then=Concat(Value("'"), field, output_field=CharField())),
            default=field,
            output_field=CharField(),
        ),
        Value(""),
        output_field=CharField(),
    )


def _copy_query(filters, ids) -> tuple[str, tuple]:
    columns = {}
    for name in selectors.EXPORT_COLUMNS:
        if name in FIGURE_COLUMNS:  # the referral link and figures, annotated by the export's queryset
            columns[f"x_{name}"] = F(name)
            continue
        field = Advocate._meta.get_field(name)
        if field.get_internal_type() == "DateTimeField":
            columns[f"x_{name}"] = UtcText(F(name))
        elif field.get_internal_type() in ("CharField", "TextField"):
            columns[f"x_{name}"] = _defused(name)
        else:
            columns[f"x_{name}"] = F(name)
    rows = selectors.advocates_export_queryset(filters, ids=ids).annotate(**columns).values_list(*columns)
    sql, params = rows.query.sql_with_params()
    return copy_csv_sql(sql), params


def _copy_blocks(filters, ids) -> Iterator[tuple[bytes, int]]:
    """COPY's rows, gathered into blocks; each with how many rows it holds (COPY sends one row a message)."""
    statement, params = _copy_query(filters, ids)
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        block, count = bytearray(), 0
        for data in copy:
            block += data
            count += 1
            if len(block) >= BLOCK:
                yield bytes(block), count
                block, count = bytearray(), 0
        if block:
            yield bytes(block), count


# --- XLSX ----------------------------------------------------------------------------------------


def xlsx_file(filters: selectors.AdvocateFilters, *, actor, logged: dict, ids=None):
    """The export as an XLSX workbook in a temporary file, rewound; logged with its row count.

    openpyxl's write-only workbook keeps one row in memory at a time. Cells hold what the CSV
    holds (times as UTC ISO 8601 text), but scores and visits are numbers; characters XML cannot
    hold (control characters) are dropped before a cell is defused.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_SHEET)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in selectors.EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def cell(value):
        if isinstance(value, datetime):  # as in the CSV: typed dates cost openpyxl a fifth of its time
            return text_cell(value)
        if isinstance(value, str):  # dropped before defusing: "\x01=…" must not become a formula
            return text_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
        return value

    count = 0
    for row in selectors.advocates_exportable(filters, ids=ids).iterator(chunk_size=2000):
        sheet.append([cell(value) for value in row])
        count += 1
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(target)
    target.seek(0)
    services.export_logged(actor=actor, format="xlsx", filters=logged, row_count=count)
    return target
