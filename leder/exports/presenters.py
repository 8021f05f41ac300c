"""Formatting exports, recipients and agreements for the national analyst's pages. Nothing here
is identifiable: exports carry counts, hashes and versions only."""

from dataclasses import dataclass

from django.urls import reverse

from leder.core.presenters import count, date_long, datetime_long
from leder.core.time import today
from leder.exports import formats
from leder.exports.models import AgreementState, DatasetExport, ExportFormat, ExportStatus
from leder.exports.services import cohort_of

STATUS_TAG_COLOURS = {
    ExportStatus.QUEUED: "grey",
    ExportStatus.RUNNING: "blue",
    ExportStatus.DONE: "green",
    ExportStatus.FAILED: "red",
}
REVIEW_STATUS_LABELS = {
    "completed": "Completed and signed off",
    "in_progress": "In progress",
    "awaiting_triage": "Awaiting triage",
    "child_death_review": "Child death review",
}
REDACTION_LABELS = {
    "name": "Names",
    "nhs_number": "NHS numbers",
    "postcode": "Postcodes",
    "phone": "Telephone numbers",
    "email": "E-mail addresses",
    "date": "Dates",
    "address": "Addresses",
    "record_number": "Hospital and other record numbers",
    "ni_number": "National Insurance numbers",
    "place": "Places and organisations",
}


@dataclass(frozen=True)
class Row:
    key: str
    value: str


class ExportPresenter:
    def __init__(self, export: DatasetExport):
        self.export = export
        self.pk = export.pk
        self.href = reverse("exports:detail", kwargs={"pk": export.pk})
        self.recipient = export.recipient.name
        self.agreement = export.agreement.reference
        self.cohort = cohort_of(export).name
        self.status = export.get_status_display()
        self.status_tag = {"text": self.status, "classes": f"nhsuk-tag--{self.tag_colour}"}
        self.progress = export.progress
        self.requested = datetime_long(export.requested_at)
        self.requested_by = export.requested_by_label
        self.finished = datetime_long(export.finished_at) if export.finished_at else ""
        self.rows = count(export.row_count, "death") if export.row_count is not None else ""
        self.failure = export.failure
        self.is_running = not export.is_finished
        self.is_done = export.status == ExportStatus.DONE
        labels = dict(ExportFormat.choices)
        self.formats = ", ".join(labels[f] for f in export.formats)

    @property
    def tag_colour(self) -> str:
        return STATUS_TAG_COLOURS[self.export.status]

    def downloads(self) -> list[dict]:
        files = self.export.files or {}
        return [
            {
                "label": formats.KIND_LABELS[kind],
                "href": reverse("exports:download", kwargs={"pk": self.pk, "kind": kind}),
                "name": files[kind],
            }
            for kind in formats.KINDS
            if kind in files
        ]

    def summary_rows(self) -> list[Row]:
        rows = [
            Row("Recipient", self.recipient),
            Row("Data-sharing agreement", self.agreement),
            Row("Cohort", self.cohort),
            Row("Formats", self.formats),
            Row("Specification version", self.export.spec_version),
            Row("Requested", f"{self.requested} by {self.requested_by}"),
            Row("Status", self.status),
        ]
        if self.finished:
            rows.append(Row("Finished", self.finished))
        if self.rows:
            rows.append(Row("Records", self.rows))
        return rows

    def manifest_rows(self) -> list[Row]:
        manifest = self.export.manifest or {}
        if not manifest:
            return []
        definitions = manifest.get("definitions", {})
        reconciliation = manifest.get("reconciliation", {})
        rows = [
            Row(
                "Deaths notified in the cohort",
                count(reconciliation.get("notified_deaths_in_cohort")),
            ),
            Row("Records in the dataset", count(manifest.get("rows"))),
        ]
        for state, number in reconciliation.get("left_out", {}).items():
            label = reconciliation.get("left_out_because", {}).get(state, state)
            rows.append(Row(f"Left out: {label}", count(number)))
        rows.append(Row("Counts reconcile", "Yes" if reconciliation.get("balanced") else "No"))
        for status, number in manifest.get("review_status_counts", {}).items():
            rows.append(
                Row(f"Review status: {REVIEW_STATUS_LABELS.get(status, status)}", count(number))
            )
        rows += [
            Row("Data specification", definitions.get("data_specification", "")),
            Row("Avoidable mortality list", definitions.get("avoidable_mortality_list", "")),
            Row("Grading scales", ", ".join(definitions.get("grading_scales", [])) or "None used"),
            Row("Manifest SHA-256", self.export.manifest_sha256),
        ]
        return rows

    def redaction_rows(self) -> list[Row]:
        redaction = (self.export.manifest or {}).get("redaction")
        if not redaction:
            return []
        rows = [
            Row("Pieces of free text", count(redaction.get("texts"))),
            Row("Pieces with something removed", count(redaction.get("texts_changed"))),
        ]
        for kind, number in redaction.get("removed", {}).items():
            rows.append(Row(REDACTION_LABELS.get(kind, kind), count(number)))
        return rows

    def free_text_rows(self) -> list[Row]:
        """How many free-text fields were released and withheld, by field."""
        free_text = (self.export.manifest or {}).get("free_text")
        if not free_text:
            return []
        rows = [
            Row("Fields released", count(free_text.get("released"))),
            Row("Fields withheld, awaiting release", count(free_text.get("withheld"))),
        ]
        for name, numbers in free_text.get("by_field", {}).items():
            rows.append(
                Row(
                    name,
                    f"{count(numbers.get('released'))} released, "
                    f"{count(numbers.get('withheld'))} withheld",
                )
            )
        return rows

    def anonymity(self) -> dict | None:
        """The k-anonymity step's record in the manifest, for the page."""
        return (self.export.manifest or {}).get("k_anonymity")

    def file_rows(self) -> list[dict]:
        return [
            {
                "name": f["name"],
                "rows": count(f["rows"]) if f.get("rows") is not None else "",
                "bytes": count(f["bytes"]),
                "sha256": f["sha256"],
            }
            for f in (self.export.manifest or {}).get("files", [])
        ]


AGREEMENT_TAG_CLASSES = {
    AgreementState.EXPIRED: "nhsuk-tag--red",
    AgreementState.NOT_STARTED: "nhsuk-tag--grey",
    AgreementState.IN_FORCE: "nhsuk-tag--green",
}


class AgreementPresenter:
    def __init__(self, agreement):
        day = today()
        self.reference = agreement.reference
        self.purpose = agreement.purpose
        self.legal_basis = agreement.legal_basis
        self.starts = date_long(agreement.starts_on)
        self.expires = date_long(agreement.expires_on)
        self.documents_note = agreement.documents_note
        state = agreement.state_on(day)
        self.state_tag = {"text": state.label, "classes": AGREEMENT_TAG_CLASSES[state]}


class RecipientPresenter:
    def __init__(self, recipient):
        self.name = recipient.name
        self.organisation = recipient.organisation
        self.contact = ", ".join(
            part for part in (recipient.contact_name, recipient.contact_email) if part
        )
        self.api_client = recipient.api_client.name if recipient.api_client_id else ""
        self.agreements = [AgreementPresenter(a) for a in recipient.agreements.all()]


class ReleaseItemPresenter:
    """One free-text field waiting for release, or released, for the release queue's pages.
    With `identifiers` (the case's record), also the redactions and the highlighted texts."""

    def __init__(self, item, *, identifiers=None):
        from leder.exports import release as queue

        self.item = item
        self.case = item.case
        self.reference = item.case.notification.reference
        self.icb = item.case.notification.icb.name
        self.label = item.label
        self.field = item.field
        self.sha256 = item.sha256
        self.is_released = item.is_released
        self.href = reverse(
            "exports_release:item", kwargs={"case_id": item.case.pk, "field": item.field}
        )
        self.add_href = reverse(
            "exports_release:add", kwargs={"case_id": item.case.pk, "field": item.field}
        )
        self.toggle_href = reverse(
            "exports_release:toggle", kwargs={"case_id": item.case.pk, "field": item.field}
        )
        release = item.release
        self.signed_off = date_long(item.signoff.signed_off_at) if item.signoff else ""
        self.released = (
            f"{datetime_long(release.released_at)} by {release.released_by.full_name}"
            if release and release.is_released
            else ""
        )
        self.changes = (len(release.added) + len(release.kept)) if release else 0
        if identifiers is not None:
            self.redactions = queue.redactions(item.text, identifiers, release)
            self.segments = queue.segments(item.text, self.redactions)
            self.result = queue.redacted_text(item.text, self.redactions)
            self.in_force = count(sum(1 for r in self.redactions if not r.undone), "redaction")

    def output_segments(self) -> list[dict]:
        """The text that would leave, as plain pieces and highlighted placeholders."""
        import re

        return [
            {"text": piece, "placeholder": bool(re.fullmatch(r"\[[A-Z ]+\]", piece))}
            for piece in re.split(r"(\[[A-Z ]+\])", self.result.text)
            if piece
        ]
