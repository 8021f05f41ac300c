"""How import batches and their rows read on the pages and in the CSV report."""

from django.urls import reverse

from leder.core import presenters
from leder.imports.columns import LABELS
from leder.imports.models import BatchStatus, ImportBatch, ImportRow, RowOutcome

STATUS_TAG = {
    BatchStatus.CHECKING: {"text": "Being checked", "classes": "nhsuk-tag--white"},
    BatchStatus.COMMITTING: {"text": "Being imported", "classes": "nhsuk-tag--white"},
    BatchStatus.CHECKED: {"text": "Checked", "classes": "nhsuk-tag--blue"},
    BatchStatus.COMMITTED: {"text": "Imported", "classes": "nhsuk-tag--green"},
    BatchStatus.DISCARDED: {"text": "Discarded", "classes": "nhsuk-tag--grey"},
}
OUTCOME_TAG = {
    RowOutcome.READY: {"text": "Ready to import", "classes": "nhsuk-tag--blue"},
    RowOutcome.IMPORTED: {"text": "Imported", "classes": "nhsuk-tag--green"},
    RowOutcome.DUPLICATE: {"text": "Duplicate", "classes": "nhsuk-tag--yellow"},
    RowOutcome.REJECTED: {"text": "Rejected", "classes": "nhsuk-tag--red"},
}
CASE_OUTCOMES = {
    "notified": "Notified, awaiting triage",
    "eligible": "Eligible, awaiting allocation",
    "awaiting_allocation": "Eligible, awaiting allocation",
    "allocated": "Allocated to a reviewer",
    "in_review": "In review",
    "on_hold": "On hold",
    "child_death_review": "Child death review",
    "not_eligible": "Not eligible",
    "completed": "Completed review",
}


def column_label(column: str) -> str:
    return f"{LABELS[column]} ({column})" if column in LABELS else "The row"


class BatchPresenter:
    def __init__(self, batch: ImportBatch):
        self.batch = batch

    @property
    def href(self) -> str:
        return reverse("imports:batch", args=[self.batch.pk])

    @property
    def title(self) -> str:
        return f"Import {self.batch.pk}: {self.batch.file_name}"

    @property
    def status_tag(self) -> dict:
        return STATUS_TAG[self.batch.status]

    @property
    def uploaded(self) -> str:
        return presenters.datetime_long(self.batch.uploaded_at)

    @property
    def uploaded_short(self) -> str:
        return presenters.date_short(self.batch.uploaded_at)

    @property
    def imported_text(self) -> str:
        if self.batch.status != BatchStatus.COMMITTED:
            return ""
        imported = presenters.count(self.batch.rows_imported, "row")
        return f"{imported} imported from {self.batch.file_name}"

    @property
    def is_running(self) -> bool:
        return self.batch.status in (BatchStatus.CHECKING, BatchStatus.COMMITTING)

    @property
    def progress(self) -> dict:
        """What the worker is doing and how far it has got: {"stage", "percent", "text"}."""
        from leder.imports.services import progress_of

        found = progress_of(self.batch.pk) or {}
        committing = self.batch.status == BatchStatus.COMMITTING
        stage = found.get("stage") or ("waiting to import" if committing else "waiting to check")
        done, total = found.get("done", 0), found.get("total", 0)
        if stage == "importing":
            # Checked again (the first half), then written a table at a time (the second).
            percent = 50 + int(50 * done / max(total, 1))
            text = "Importing the rows"
        elif total:
            percent = int(100 * done / total)
            if committing:
                percent //= 2
            text = f"{stage.capitalize()}: {done:,} of {total:,} rows"
        else:
            percent = 0
            text = f"{stage.capitalize()}: {self.batch.rows_total:,} rows"
        return {"stage": stage, "percent": percent, "text": text}

    @property
    def is_checked(self) -> bool:
        return self.batch.status == BatchStatus.CHECKED

    @property
    def to_import(self) -> int:
        b = self.batch
        return b.rows_imported if b.status == BatchStatus.COMMITTED else b.rows_ready

    @property
    def count_rows(self) -> list[dict]:
        """The summary: every row of the file is one of these, and they add up."""
        b = self.batch
        first = (
            ("Imported", b.rows_imported)
            if b.status == BatchStatus.COMMITTED
            else ("Ready to import", b.rows_ready)
        )
        pairs = [
            ("Rows in the file", b.rows_total),
            first,
            ("Duplicates (not imported)", b.rows_duplicate),
            ("Rejected (not imported)", b.rows_rejected),
        ]
        return [
            {"key": {"text": key}, "value": {"text": presenters.count(value, "row")}}
            for key, value in pairs
        ]

    @property
    def detail_rows(self) -> list[dict]:
        b = self.batch
        rows = [
            ("ICB", b.icb.display_name),
            ("File", b.file_name),
            ("Uploaded", f"{self.uploaded} by {b.uploaded_by.full_name}"),
            ("Status", STATUS_TAG[b.status]["text"]),
        ]
        if b.finished_at:
            verb = "Imported" if b.status == BatchStatus.COMMITTED else "Discarded"
            rows.append((verb, f"{presenters.datetime_long(b.finished_at)}"))
        rows.append(("SHA-256 of the file", b.sha256))
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]


class RowPresenter:
    def __init__(self, row: ImportRow):
        self.row = row

    @property
    def number(self) -> int:
        return self.row.row_number

    @property
    def outcome_tag(self) -> dict:
        return OUTCOME_TAG[self.row.outcome]

    @property
    def outcome_text(self) -> str:
        return OUTCOME_TAG[self.row.outcome]["text"]

    @property
    def case_outcome(self) -> str:
        return CASE_OUTCOMES.get(self.row.case_outcome, "")

    @property
    def problems(self) -> list[dict]:
        return [
            {"column": column_label(e["column"]), "message": e["message"]} for e in self.row.errors
        ]

    @property
    def reference(self) -> str:
        return self.row.notification.reference if self.row.notification_id else ""

    @property
    def detail(self) -> str:
        """One line for a row that is not rejected."""
        if self.row.outcome == RowOutcome.DUPLICATE:
            return self.row.reason
        if self.row.outcome == RowOutcome.IMPORTED:
            return f"Imported as {self.reference}: {self.case_outcome.lower()}"
        return f"Will be imported: {self.case_outcome.lower()}"

    def csv_lines(self) -> list[list[str]]:
        """The CSV report's lines for this row: one per problem, or one with the outcome."""
        base = [str(self.number), self.outcome_text]
        if self.row.errors:
            return [[*base, e["column"], e["message"]] for e in self.row.errors]
        return [[*base, "", self.detail]]


CSV_HEADER = ["row", "outcome", "column", "message"]
