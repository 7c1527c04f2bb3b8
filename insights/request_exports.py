"""The requests report as files the product team opens in a spreadsheet: CSV and XLSX, one row a group.

The report is a few hundred groups at most, so both are built in memory. Cells are written as
the advocate export writes them (`closedloop.exports.text_cell`): a text that starts like a
formula gets a leading `'`, money to the cent, times in UTC; the XLSX keeps counts and MRR as
numbers and drops the control characters XML cannot hold. Columns: `export_columns`.
"""

import csv
import io

from django.http import HttpResponse

from closedloop.exports import CONTENT_TYPES, text_cell
from insights.requests_report import RequestsReport, export_columns, export_rows

FORMATS = tuple(CONTENT_TYPES)  # csv, xlsx
XLSX_SHEET = "requests"


def requests_csv(report: RequestsReport, *, examples: int) -> bytes:
    """UTF-8 with a byte-order mark first, for spreadsheets; lines end with CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export_columns(examples))
    for row in export_rows(report, examples):
        writer.writerow([text_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode()


def requests_xlsx(report: RequestsReport, *, examples: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = XLSX_SHEET
    sheet.append(export_columns(examples))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in export_rows(report, examples):
        sheet.append([text_cell(ILLEGAL_CHARACTERS_RE.sub("", v)) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def requests_export_response(report: RequestsReport, *, kind: str, examples: int) -> HttpResponse:
    """The report as a download; the admin and the API use it."""
    body = requests_xlsx(report, examples=examples) if kind == "xlsx" else requests_csv(report, examples=examples)
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    name = f"requests-{report.since:%Y%m%d}-{report.until:%Y%m%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
