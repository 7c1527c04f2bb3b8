"""Reading a file row by row, never whole: CSV with the csv module, XLSX with openpyxl's read-only mode."""

import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from openpyxl import load_workbook


class FileRefused(ValueError):
    """The file cannot be read as CSV or XLSX; the message says why."""


def file_kind(name: str) -> str:
    """ "xlsx" or "csv", by the file's name; FileRefused for another kind."""
    suffix = Path(name).suffix.casefold()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ""):
        return "csv"
    raise FileRefused(f"{name}: not a CSV or XLSX file (by its name, {suffix}).")


@contextmanager
def rows_open(source: str | Path | IO[bytes], *, kind: str) -> Iterator[Iterator[list]]:
    """The file's rows, header first, as lists of cells; read as the iterator advances."""
    if kind == "xlsx":
        try:
            workbook = load_workbook(source, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise FileRefused(f"Not a readable XLSX workbook: {error}") from None
        try:
            yield (list(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
        finally:
            workbook.close()
        return
    if isinstance(source, str | Path):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            yield _csv_rows(handle)
        return
    yield _csv_rows(io.TextIOWrapper(source, encoding="utf-8-sig", newline=""))


def _csv_rows(handle: IO[str]) -> Iterator[list]:
    try:
        yield from csv.reader(handle)
    except UnicodeDecodeError:
        raise FileRefused("The CSV file is not UTF-8 text; save it as CSV UTF-8.") from None
    except csv.Error as error:
        raise FileRefused(f"The CSV file is malformed: {error}") from None
