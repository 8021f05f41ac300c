"""A published figure's table as CSV or as an Excel workbook (XLSX).

Both come from the same `FigureTable` the page shows: the CSV holds exactly the cells' text
(so it equals the table on the page, "[c]" included); the workbook holds the same cells as
numbers (rounded as shown) with the figure's title, cohort, scope, definition version and the
suppression note on a second sheet, so the download explains itself.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from leder.reports.presenters import Figure

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(figure: Figure, scope_code: str, cohort_slug: str, extension: str) -> str:
    return f"leder-{figure.key.replace('_', '-')}-{scope_code}-{cohort_slug}.{extension}".lower()


def as_csv(figure: Figure) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(figure.table.headings)
    writer.writerows(figure.table.text_rows())
    # A byte-order mark, so that Excel opens the UTF-8 file with its en dashes intact.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def about_rows(figure: Figure) -> list[tuple[str, str]]:
    rows = [
        ("Figure", figure.title),
        ("Cohort", figure.cohort),
        ("Area", figure.scope),
        ("Definition version", figure.version),
        ("Definition", figure.definition),
    ]
    rows += [("Note", note) for note in figure.notes]
    if figure.has_suppressed:
        rows.append(("[c]", figure.suppression_note))
    return rows


def as_xlsx(figure: Figure) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(figure.table.headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in figure.table.value_rows():
        sheet.append(row)
    for index, heading in enumerate(figure.table.headings, start=1):
        width = max([len(heading)] + [len(str(r[index - 1].text)) for r in figure.table.rows])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 60)
    about = book.create_sheet("About")
    for row in about_rows(figure):
        about.append(row)
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
