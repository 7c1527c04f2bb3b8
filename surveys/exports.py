"""The responses export: CSV (streamed) and XLSX, with one column per additional question.

The columns are RESPONSE_COLUMNS, then one per additional question of the exported surveys,
headed by its key (each survey's questions in order; a key several surveys share is one
column). A select-one answer is the option's key, a select-many answer its options' keys joined
with "; ", a scale answer an integer, a text answer as written; a question not answered is empty.

Rows are read BATCH at a time, and each batch's answers in one more query, never one a row.
Times are UTC; a text cell that a spreadsheet would run as a formula is defused as the advocate
export does (`closedloop.exports.text_cell`).
"""

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from closedloop.exports import CONTENT_TYPES, text_cell
from surveys.models import Answer, Question, Response
from surveys.questions import SCALES, SELECT_KINDS

BATCH = 2000
# The response's own columns, and the field each reads.
_FIELDS = {
    "id": "id",
    "submitted_at": "submitted_at",
    "survey_id": "survey_id",
    "survey": "survey__name",
    "touchpoint": "touchpoint__key",
    "customer": "customer__external_id",
    "score": "score",
    "classification": "classification",
    "comment": "comment",
    "locale": "locale",
    "channel": "channel",
    "consent_to_contact": "consent_to_contact",
}
RESPONSE_COLUMNS = tuple(_FIELDS)


def export_questions(responses: QuerySet[Response]) -> dict[int, tuple[str, str]]:
    """Each additional question of the surveys these responses answer, by id: its key and kind, in order."""
    surveys = responses.order_by().values("survey_id").distinct()
    rows = Question.objects.filter(survey_id__in=surveys).order_by("survey_id", "position", "id")
    return {pk: (key, kind) for pk, key, kind in rows.values_list("id", "key", "kind")}


def question_keys(questions: dict[int, tuple[str, str]]) -> list[str]:
    """The export's last columns: the questions' keys, each once (a key several surveys share is one column)."""
    return list(dict.fromkeys(key for key, _kind in questions.values()))


def export_rows(responses: QuerySet[Response], questions: dict[int, tuple[str, str]]) -> Iterator[list[list]]:
    """The responses as rows (RESPONSE_COLUMNS, then one per question key), a batch at a time: two queries a batch."""
    keys = question_keys(questions)
    batch: list[tuple] = []
    for row in responses.values_list(*_FIELDS.values()).iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield _with_answers(batch, keys, questions)
            batch = []
    if batch:
        yield _with_answers(batch, keys, questions)


def _with_answers(batch: list[tuple], keys: Sequence[str], questions: dict[int, tuple[str, str]]) -> list[list]:
    if not keys:
        return [list(row) for row in batch]
    cells = _answer_cells([row[0] for row in batch], questions)
    empty: dict[str, object] = {}
    return [[*row, *map((cells.get(row[0]) or empty).get, keys)] for row in batch]


def _answer_cells(response_ids: list[int], questions: dict[int, tuple[str, str]]) -> dict[int, dict[str, object]]:
    """The batch's answers in one query (one array parameter), as each response's cells by question key.

    The values of `answers_by_response`'s mapping, select-many options joined with "; ", read
    without its join: the export knows its questions already.
    """
    cells: dict[int, dict[str, object]] = defaultdict(dict)
    answers = Answer.objects.filter(response_id__any_of=response_ids).order_by("id")
    for response_id, question_id, choice, number, text in answers.values_list(
        "response_id", "question_id", "choice", "number", "text"
    ):
        key, kind = questions[question_id]
        if kind == "multiple":
            chosen = cells[response_id].get(key)
            cells[response_id][key] = f"{chosen}; {choice}" if chosen else choice
        else:
            cells[response_id][key] = choice if kind in SELECT_KINDS else number if kind in SCALES else text
    return cells


def _cell(value: object) -> object:
    return ("true" if value else "false") if isinstance(value, bool) else text_cell(value)


def csv_stream(responses: QuerySet[Response]) -> Iterator[bytes]:
    """The export as CSV bytes, a batch at a time (UTF-8 with a byte-order mark first, for spreadsheets)."""
    questions = export_questions(responses)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([*RESPONSE_COLUMNS, *question_keys(questions)])
    yield ("\ufeff" + text.getvalue()).encode()
    for rows in export_rows(responses, questions):
        text.seek(0)
        text.truncate()
        writer.writerows([_cell(value) for value in row] for row in rows)
        yield text.getvalue().encode()


def xlsx_file(responses: QuerySet[Response]):
    """The export as an XLSX workbook in a temporary file, rewound (scores and scale answers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    questions = export_questions(responses)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.freeze_panes = "A2"
    sheet.append([*RESPONSE_COLUMNS, *question_keys(questions)])

    def cell(value):
        if isinstance(value, str):  # dropped before defusing: "\x01=…" must not become a formula
            return text_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
        return _cell(value) if isinstance(value, (bool, datetime)) else value

    for rows in export_rows(responses, questions):
        for row in rows:
            sheet.append([cell(value) for value in row])
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(target)
    target.seek(0)
    return target


def export_response(responses: QuerySet[Response], *, kind: str) -> StreamingHttpResponse:
    """The export as a download: CSV streamed as it is read, XLSX once written."""
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    response: StreamingHttpResponse
    if kind == "xlsx":
        response = FileResponse(xlsx_file(responses), content_type=CONTENT_TYPES[kind])
    else:
        response = StreamingHttpResponse(csv_stream(responses), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="responses-{stamp}.{kind}"'
    return response
