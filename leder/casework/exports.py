"""The local area contact's export of the case list, as CSV or XLSX.

The rows are the list's rows (same filters, same order, every page) limited to the ICBs where the
user is a local area contact. An export takes identifiable data out of the service, so each one
is audited before the first row leaves: who, which filters, how many rows and which references.
The file then contains exactly the audited cases (rows are fetched by those ids, in chunks, so
a CSV streams without holding every row in memory).

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV or
formula injection): a notifier could type `=HYPERLINK(…)` as a name. CSV cells starting with one
of those (or a tab or carriage return) get a leading `'`; XLSX cells are written as explicit
text, never as formulas.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from leder.accounts.models import Role
from leder.casework.models import Case
from leder.casework.presenters.case_list import CaseRow
from leder.casework.selectors.case_list import (
    CaseListFilters,
    audit_scope,
    case_export,
    icb_ids_where,
)
from leder.core import audit
from leder.core.audit import client_ip
from leder.core.models import AuditAction
from leder.core.presenters import nhs_number
from leder.core.time import today as today_in_london

CSV = "csv"
XLSX = "xlsx"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500
# What a spreadsheet program may take as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable[[CaseRow], object]


def _nhs_number(row: CaseRow) -> str:
    # Grouped 3-3-4 as on screen; a spreadsheet then keeps it as text, not a number.
    digits = row.notification.nhs_number
    return nhs_number(digits) if digits else ""


def _reviewer(row: CaseRow) -> str:
    return row.reviewer_name if row.case.reviewer_id else ""


COLUMNS = (
    Column("Reference", 18, lambda r: r.reference),
    Column("Name", 28, lambda r: r.person_name),
    Column("NHS number", 14, _nhs_number),
    Column("Date of death", 14, lambda r: r.notification.date_of_death),
    Column("Age at death", 8, lambda r: r.age),
    Column("Ethnic group", 14, lambda r: r.ethnic_group),
    Column("Ethnic category", 36, lambda r: r.ethnic_category),
    Column("State", 30, lambda r: r.state_label),
    Column("Reviewer", 24, _reviewer),
    Column("Date notified", 14, lambda r: r.case.notified_on),
    Column("Due date", 14, lambda r: r.case.due_on),
    Column("Due status", 14, lambda r: r.due_label),
    Column("ICB", 30, lambda r: r.notification.icb.display_name),
)


@dataclass
class Export:
    """An audited export, ready to be written as a file."""

    filename: str
    content_type: str
    case_ids: list[int]
    queryset: QuerySet[Case]
    today: date

    def rows(self) -> Iterator[list]:
        """Each case's values (dates as dates), in the list's order, fetched in chunks."""
        for start in range(0, len(self.case_ids), CHUNK):
            part = self.case_ids[start : start + CHUNK]
            by_id = {case.pk: case for case in self.queryset.filter(pk__in=part)}
            for pk in part:
                case = by_id.get(pk)
                if case is not None:
                    row = CaseRow(case, today=self.today)
                    yield [column.value(row) for column in COLUMNS]


def case_list_export(
    *, actor, filters: CaseListFilters, export_format: str, request=None
) -> Export:
    """Audit an export of the case list by `actor` (action EXPORT, with the format, filters, row
    count and references) and return what to write. Only a local area contact's own ICBs'
    cases are included (`selectors.case_list.case_export`); anyone else gets an empty export,
    though views refuse them first. The audit row is committed before any row is written."""
    today = today_in_london()
    queryset = case_export(user=actor, filters=filters, today=today)
    pairs = list(queryset.values_list("pk", "notification__reference"))
    scope = audit_scope(filters=filters, icb_ids=icb_ids_where(actor, Role.LAC))
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=("casework.CaseList", scope),
        summary=f"Exported {len(pairs)} case(s) as {export_format.upper()}",
        details={
            "format": export_format,
            "filters": filters.as_details(),
            "rows": len(pairs),
            "references": [reference for _pk, reference in pairs],
        },
        ip_address=client_ip(request) if request is not None else None,
    )
    return Export(
        filename=f"cases-{today:%Y-%m-%d}.{export_format}",
        content_type="text/csv; charset=utf-8" if export_format == CSV else XLSX_CONTENT_TYPE,
        case_ids=[pk for pk, _reference in pairs],
        queryset=queryset.order_by(),
        today=today,
    )


def csv_safe(value) -> str:
    """The cell's text, with a leading `'` if a spreadsheet could take it as a formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Line:
    """A file-like object that hands back what the csv writer writes, one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The CSV file, line by line: a byte-order mark (so Excel reads UTF-8 names correctly),
    the header, then one line per row."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    yield writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    """The XLSX file: a bold, frozen header row, set column widths, dates as dates (shown
    day/month/year), and every text cell stored as text (never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Cases"
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, str):
                # openpyxl would store "=…" as a formula; this keeps it as the text typed.
                cell.data_type = "s"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
