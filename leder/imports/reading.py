"""Reading an uploaded CSV or XLSX file into rows of text keyed by column name.

Everything about the *file* is checked here (its kind, that it can be read, that it has every
template column and at least one row), with messages a local area contact can act on; the rows'
*values* are checked by `validation`. Cells come back as text, except that a spreadsheet's date
cells stay dates (so that a date typed in Excel is not misread as a number).
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from leder.imports.columns import NAMES, REQUIRED_NAMES

# A region's history (issue 15): checked and imported in parts (ADR 0155).
MAX_ROWS = 50_000
MAX_BYTES = 100 * 1024 * 1024


class FileProblem(Exception):
    """The file as a whole cannot be imported. The message is written for the uploader."""


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number: the header is row 1
    values: dict  # column name -> str (or date, for spreadsheet date cells)


def kind_of(name: str, content: bytes) -> str:
    """ "csv" or "xlsx", by the file's name and its first bytes. FileProblem otherwise."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise FileProblem("The file is not a valid Excel (.xlsx) file. Save it as .xlsx again.")
        return "xlsx"
    if lower.endswith(".csv"):
        return "csv"
    raise FileProblem(
        "The file must be a CSV (.csv) or Excel (.xlsx) file made from the import template."
    )


def read_rows(name: str, content: bytes) -> list[Row]:
    """The data rows of the file, blank rows left out. FileProblem if it cannot be imported."""
    if not content:
        raise FileProblem("The file is empty. Fill in the import template and upload it again.")
    if len(content) > MAX_BYTES:
        raise FileProblem("The file must be smaller than 100 MB. Split it into smaller files.")
    kind = kind_of(name, content)
    table = _xlsx_table(content) if kind == "xlsx" else _csv_table(content)
    # (spreadsheet row number, cells) of every row with something in it: blank rows are left
    # out but keep their numbers, so the report points at the row the uploader sees.
    numbered = [
        (number, cells)
        for number, cells in enumerate(table, start=1)
        if any(_text(cell) for cell in cells)
    ]
    if not numbered:
        raise FileProblem("The file is empty. Fill in the import template and upload it again.")
    header = [_text(cell).lower().replace(" ", "_") for cell in numbered[0][1]]
    missing = [column for column in REQUIRED_NAMES if column not in header]
    if missing:
        raise FileProblem(
            "The file is missing these columns: "
            + ", ".join(missing)
            + ". Start from the import template, which has every column."
        )
    rows = []
    for number, cells in numbered[1:]:
        # A column the file leaves out (one added to the template later) reads as empty.
        values = dict.fromkeys(NAMES, "")
        present = set()
        for index, column in enumerate(header):
            if column in values and column not in present:
                present.add(column)
                cell = cells[index] if index < len(cells) else ""
                values[column] = cell if isinstance(cell, date) else _text(cell)
        rows.append(Row(number=number, values=values))
    if not rows:
        raise FileProblem(
            "The file has column headings but no rows. Add one row for each death and upload "
            "it again."
        )
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
    return rows


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("The file could not be read. Save it as CSV (UTF-8) and upload it again.")


def _csv_table(content: bytes) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(_decode(content), newline="")))
    except csv.Error:
        raise FileProblem(
            "The file could not be read as CSV. Save it as CSV (UTF-8) and upload it again."
        ) from None


def _xlsx_table(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem(
            "The file is not a valid Excel (.xlsx) file. Save it as .xlsx again."
        ) from None
    try:
        sheet = book.worksheets[0]
        table = []
        for cells in sheet.iter_rows(values_only=True):
            table.append([c.date() if isinstance(c, datetime) else c for c in cells])
        return table
    finally:
        book.close()
