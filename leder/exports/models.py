"""Recipients of the national dataset, their data-sharing agreements, and the exports made for
them.

- `Recipient`: an organisation the de-identified dataset is shared with. Each has a random
  `pseudonym_salt`; its HMAC key is derived from the salt *and* the installation's
  `LEDER_PSEUDONYM_KEY` (see `pseudonyms.py`), so the database alone cannot reproduce a
  pseudonym and two recipients' files cannot be linked. A recipient may be linked to one API
  client, which may then start and fetch that recipient's exports and no others.
- `DataSharingAgreement`: why and on what legal basis a recipient may receive the data, and for
  how long. Outside `starts_on`..`expires_on` it blocks exports and downloads.
- `DatasetExport`: one generation of the dataset for one recipient under one agreement, for one
  cohort, in the chosen formats. Its files live under `LEDER_PRIVATE_MEDIA_ROOT/exports/<id>/`
  (never served directly: every download goes through `services.dataset_download`, which
  audits it), and its `manifest` says what is in them (row counts, SHA-256 of each file,
  versions of every definition used, the redaction report, when and by whom).

Administrators manage recipients and agreements (Django admin, through the services); national
analysts read them and request, follow and download exports.
"""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_salt() -> str:
    return secrets.token_hex(32)


class Recipient(models.Model):
    name = models.CharField(max_length=200, unique=True)
    organisation = models.CharField(
        max_length=200, help_text="The organisation that receives the data."
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    # Random per recipient, never shown: one half of the pseudonym key (the other half is the
    # LEDER_PSEUDONYM_KEY setting, which is not in the database).
    pseudonym_salt = models.CharField(max_length=64, default=new_salt, editable=False)
    api_client = models.OneToOneField(
        "api.ApiClient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dataset_recipient",
        verbose_name="API client",
        help_text="The API client that may start and fetch this recipient's exports, if any.",
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgreementState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_FORCE = "in_force", "In force"
    EXPIRED = "expired", "Expired"


class AgreementQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> "AgreementQuerySet":
        """The agreements in force on `day`: the query form of `DataSharingAgreement.state_on`."""
        return self.filter(starts_on__lte=day, expires_on__gte=day)


def current_spec_version() -> str:
    from leder.exports import spec

    return spec.VERSION


def spec_version_choices() -> list[tuple[str, str]]:
    from leder.exports import spec

    return [(version, version) for version in spec.VERSIONS]


class DataSharingAgreement(models.Model):
    """An agreement is in force from `starts_on` to `expires_on`, both days included; this model
    is the one place that says so (`state_on`, and `in_force_on` for queries)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="agreements")
    reference = models.CharField(max_length=60, unique=True)
    purpose = models.TextField()
    legal_basis = models.TextField(
        help_text="For example: Section 251 of the NHS Act 2006 (CAG reference …)."
    )
    starts_on = models.DateField()
    expires_on = models.DateField(help_text="The last day on which data may be shared.")
    documents_note = models.TextField(
        blank=True, help_text="Where the signed agreement and its annexes are kept."
    )
    # The data specification the agreement was made for: its exports use that version, so a
    # new specification never changes what an existing agreement shares (ADR 0141).
    spec_version = models.CharField(
        "data specification version",
        max_length=20,
        choices=spec_version_choices,
        default=current_spec_version,
        help_text="Exports under this agreement use this version of the data specification.",
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["recipient", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("starts_on")),
                name="agreement_expires_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.recipient})"

    def state_on(self, day: date) -> AgreementState:
        if self.expires_on < day:
            return AgreementState.EXPIRED
        if self.starts_on > day:
            return AgreementState.NOT_STARTED
        return AgreementState.IN_FORCE

    def in_force_on(self, day: date) -> bool:
        return self.state_on(day) == AgreementState.IN_FORCE


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    PARQUET = "parquet", "Parquet"


class DatasetExport(models.Model):
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="exports")
    agreement = models.ForeignKey(
        DataSharingAgreement, on_delete=models.PROTECT, related_name="exports"
    )
    # The cohort: deaths in a calendar year, or in the financial year starting in April of
    # `cohort_year`.
    cohort_year = models.PositiveSmallIntegerField()
    cohort_financial = models.BooleanField(default=False)
    spec_version = models.CharField(max_length=20)
    formats = models.JSONField(help_text="The ExportFormat values requested.")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    failure = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who asked, as the audit log names them: a user's e-mail or "api-client:<name>".
    requested_by_label = models.CharField(max_length=250)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    # SHA-256 of the manifest file itself (the manifest lists every other file's hash).
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    # File name (inside the export's folder) by download kind: csv, xlsx, parquet,
    # spec_csv, spec_json, manifest.
    files = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100")
        ]

    def __str__(self) -> str:
        return f"Dataset export {self.pk} for {self.recipient}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class FreeTextRelease(models.Model):
    """A person's work on one free-text field of one case's signed-off review before it may
    leave in the national dataset (issue 13): the redactions they added, the automatic ones they
    undid, and, once they release it, the text that leaves.

    A row belongs to one version of the text (`text_sha256` of the original): when a reopened
    review is signed off again with different text, the old row no longer matches and the field
    is withheld until someone releases the new text. The original text is never copied here; it
    stays in the sign-off's snapshot.
    """

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    # The dataset's column: learning_good_practice, learning_improvement, learning_concerns.
    field = models.CharField(max_length=60)
    text_sha256 = models.CharField(max_length=64)
    signoff = models.ForeignKey("governance.SignOff", on_delete=models.PROTECT, related_name="+")
    # [[start, end, kind], …]: removed by a person (positions in the original text).
    added = models.JSONField(default=list, blank=True)
    # [[start, end], …]: automatic redactions a person undid.
    kept = models.JSONField(default=list, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What leaves: the redacted text as released, and how many of each kind it lost.
    released_text = models.TextField(blank=True)
    released_counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "field", "text_sha256"], name="one_release_per_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field} of case {self.case_id}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


__all__ = [
    "DataSharingAgreement",
    "DatasetExport",
    "ExportFormat",
    "ExportStatus",
    "FreeTextRelease",
    "Recipient",
]
