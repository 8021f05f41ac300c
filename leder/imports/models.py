"""Bulk imports of historic notifications and completed reviews (issue 7, part 4).

A local area contact uploads a file (`ImportBatch`): it is checked at once (the dry run) and
every row gets an outcome (`ImportRow`): ready to import, a duplicate, or rejected with its
reasons, column by column. Nothing else is written until the contact commits the batch, which
imports every ready row in one transaction or nothing at all. The file itself is kept under
`LEDER_PRIVATE_MEDIA_ROOT/imports/` only until the batch is committed or discarded.

An imported completed review is an ordinary `reviews.Review`, locked as signed off, with an
`ImportedReview` beside it holding what the previous platform recorded as it was given (its
original dates included): that row is what marks the review as imported.
"""

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    # The background worker checks and imports a file in parts (ADR 0155); the batch's page
    # shows how far it has got.
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked, waiting for you to import it"
    COMMITTING = "committing", "Being imported"
    COMMITTED = "committed", "Imported"
    DISCARDED = "discarded", "Discarded"


class ImportBatch(models.Model):
    icb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="import_batches"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    file_name = models.CharField(max_length=255)
    # SHA-256 of the file's bytes: with the row number it makes each row's submission key, so
    # importing the same file twice cannot import a row twice.
    sha256 = models.CharField(max_length=64, db_index=True)
    # Relative to the imports folder; emptied when the file is deleted (commit or discard).
    stored_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=12, choices=BatchStatus.choices, default=BatchStatus.CHECKED
    )
    checked_at = models.DateTimeField()
    # The dry run's report: {"counts": {...}, "rows": [{"row", "outcome", "reason", "errors"}]}.
    report = models.JSONField(default=dict)
    rows_total = models.PositiveIntegerField(default=0)
    rows_ready = models.PositiveIntegerField(default=0)
    rows_duplicate = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the last attempt to import failed (everything was rolled back), for the report page.
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.file_name}"


class RowOutcome(models.TextChoices):
    READY = "ready", "Ready to import"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Duplicate"
    REJECTED = "rejected", "Rejected"


class ImportRow(models.Model):
    """What became of one data row of the file (`row_number` is the spreadsheet's row number:
    the header is row 1)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    # A duplicate's reason ("Already notified as LDR-2026-000012: same NHS number").
    reason = models.CharField(max_length=300, blank=True)
    # A rejected row's problems: [{"column": ..., "message": ...}], in column order.
    errors = models.JSONField(default=list, blank=True)
    case_outcome = models.CharField(max_length=24, blank=True)
    notification = models.OneToOneField(
        "notifications.Notification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_row",
    )

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="one_outcome_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.batch}, row {self.row_number}: {self.outcome}"


class ImportedReview(models.Model):
    """Marks a review as imported, and keeps what the previous platform recorded about it."""

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="imported"
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="reviews")
    row_number = models.PositiveIntegerField()
    completed_on = models.DateField("date the review was completed")
    grading_level = models.PositiveSmallIntegerField()
    grading_scale_version = models.CharField(max_length=20)
    underlying_cause_code = models.CharField(max_length=8)
    place_of_death = models.CharField(max_length=12, blank=True)
    learning_themes = models.JSONField(default=list, blank=True)
    summary = models.TextField()

    def __str__(self) -> str:
        return f"{self.review} (imported, batch {self.batch_id} row {self.row_number})"
