"""The downloadable templates and the documented template say the same as `columns.COLUMNS`."""

import csv
from pathlib import Path

from openpyxl import load_workbook

from leder.imports.columns import COLUMNS, NAMES
from leder.imports.reading import read_rows

FOLDER = Path(__file__).resolve().parents[1] / "templates_files"
DOC = Path(__file__).resolve().parents[3] / "docs" / "import-template.md"


def test_the_csv_template_has_every_column_and_the_example():
    with (FOLDER / "import-template.csv").open(encoding="utf-8") as handle:
        header, example = list(csv.reader(handle))
    assert tuple(header) == NAMES
    assert example == [c.example for c in COLUMNS]


def test_the_xlsx_template_has_every_column_and_reads_as_the_csv_does():
    book = load_workbook(FOLDER / "import-template.xlsx", read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert tuple(header) == NAMES
    from_xlsx = read_rows("t.xlsx", (FOLDER / "import-template.xlsx").read_bytes())
    from_csv = read_rows("t.csv", (FOLDER / "import-template.csv").read_bytes())
    assert from_xlsx == from_csv


def test_the_documented_template_lists_every_column_in_order():
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("| `")]
    documented = [line.split("`")[1] for line in lines]
    assert tuple(documented) == NAMES
    for column, line in zip(COLUMNS, lines, strict=True):
        assert line == (
            f"| `{column.name}` | {column.label} | {column.description} | {column.example} |"
        )
