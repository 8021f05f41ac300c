"""Writes for the national dataset: recipients and their agreements (administrators), exports
(national analysts and recipients' API clients), and downloads.

Every function checks who is acting, validates with messages written for the person reading
them, changes state and writes its audit row in one transaction. The Django admin, the pages,
the API and the export task call these; nothing else writes the exports app's models.

Who may do what:
- administrators create and change recipients and agreements, and cannot request or download
  data (they have no access to case content);
- a national analyst requests exports for any recipient and downloads them;
- an API client with the `dataset:export` scope does the same for the one recipient it is
  linked to, and no other.

An agreement outside its dates blocks new exports and downloads of earlier ones.
"""

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.analytics.cohorts import Cohort
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.presenters import date_long
from leder.core.time import now, today
from leder.exports import formats, spec
from leder.exports.models import (
    AgreementState,
    DatasetExport,
    DataSharingAgreement,
    ExportFormat,
    ExportStatus,
    Recipient,
)

logger = logging.getLogger(__name__)

#: Records left out by the re-identification check, as the manifest's reconciliation names them.
SUPPRESSED = "suppressed_k_anonymity"

#: LeDeR began in 2015: no cohort before it.
FIRST_COHORT_YEAR = 2015

RECIPIENT_FIELDS = ("name", "organisation", "contact_name", "contact_email", "api_client")
AGREEMENT_FIELDS = (
    "reference",
    "spec_version",
    "purpose",
    "legal_basis",
    "starts_on",
    "expires_on",
    "documents_note",
)


# --- who is acting -------------------------------------------------------------------------------


def _is_api_client(actor) -> bool:
    from leder.api.models import ApiClient

    return isinstance(actor, ApiClient)


def actor_label(actor) -> str:
    if _is_api_client(actor):
        from leder.api.auth import actor_label as client_label

        return client_label(actor)
    return getattr(actor, "email", "") or str(actor)


def _audit_actor(actor):
    return actor_label(actor) if _is_api_client(actor) else actor


def _check_administrator(actor) -> None:
    if _is_api_client(actor) or not rules.is_administrator(actor):
        raise PermissionDenied(
            "Only an administrator can manage dataset recipients and data-sharing agreements."
        )


def may_use_dataset(actor, recipient: Recipient | None = None) -> bool:
    """A national analyst (any recipient), or an API client with the dataset scope acting for
    the recipient it is linked to."""
    if _is_api_client(actor):
        from leder.api.models import ApiScope

        linked = Recipient.objects.filter(api_client=actor).first()
        return (
            actor.has_scope(ApiScope.DATASET_EXPORT)
            and linked is not None
            and (recipient is None or linked.pk == recipient.pk)
        )
    return rules.is_national_analyst(actor)


def _check_may_use(actor, recipient: Recipient) -> None:
    if not may_use_dataset(actor, recipient):
        raise PermissionDenied(
            "Only a national analyst, or the recipient's own API client, can export and "
            "download the national dataset."
        )


# --- recipients and agreements -------------------------------------------------------------------


def recipient_validate(values: dict, *, instance: Recipient | None = None) -> dict:
    values = dict(values)
    errors = {}
    values["name"] = " ".join((values.get("name") or "").split())
    values["organisation"] = " ".join((values.get("organisation") or "").split())
    if not values["name"]:
        errors["name"] = "Enter the recipient's name"
    elif (
        Recipient.objects.filter(name__iexact=values["name"])
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["name"] = "A recipient with this name already exists"
    if not values["organisation"]:
        errors["organisation"] = "Enter the organisation that receives the data"
    client = values.get("api_client")
    if client is not None:
        from leder.api.models import ApiScope

        if not client.has_scope(ApiScope.DATASET_EXPORT):
            errors["api_client"] = (
                "This API client does not have the dataset:export scope: grant it first"
            )
        elif (
            Recipient.objects.filter(api_client=client)
            .exclude(pk=getattr(instance, "pk", None))
            .exists()
        ):
            errors["api_client"] = "This API client is already linked to another recipient"
    if errors:
        raise ValidationError(errors)
    return values


def recipient_create(
    *,
    actor,
    name: str,
    organisation: str,
    contact_name: str = "",
    contact_email: str = "",
    api_client=None,
) -> Recipient:
    """A new recipient, with a fresh random pseudonym salt. Administrators only; audited."""
    _check_administrator(actor)
    values = recipient_validate(
        {
            "name": name,
            "organisation": organisation,
            "contact_name": contact_name,
            "contact_email": contact_email,
            "api_client": api_client,
        }
    )
    with transaction.atomic():
        recipient = Recipient.objects.create(**values, created_at=now(), created_by=actor)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=recipient,
            summary=f"Dataset recipient {recipient.name} created",
            details={"api_client": getattr(api_client, "name", None)},
        )
    return recipient


def recipient_update(*, actor, recipient: Recipient, **changes) -> Recipient:
    """Change a recipient's details or linked API client (never its salt: that would change
    every pseudonym it has been given). Administrators only; audited with what changed."""
    _check_administrator(actor)
    unknown = set(changes) - set(RECIPIENT_FIELDS)
    if unknown:
        raise ValueError(f"Not recipient fields: {sorted(unknown)}")
    current = {name: getattr(recipient, name) for name in RECIPIENT_FIELDS}
    values = recipient_validate({**current, **changes}, instance=recipient)
    changed = [name for name in RECIPIENT_FIELDS if values[name] != current[name]]
    if not changed:
        return recipient
    with transaction.atomic():
        for name in changed:
            setattr(recipient, name, values[name])
        recipient.save(update_fields=changed)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=recipient,
            summary=f"Dataset recipient {recipient.name} changed",
            details={"changed": changed},
        )
    return recipient


def agreement_validate(values: dict, *, instance: DataSharingAgreement | None = None) -> dict:
    values = dict(values)
    errors = {}
    for name in ("reference", "purpose", "legal_basis", "documents_note"):
        values[name] = (values.get(name) or "").strip()
    if not values["reference"]:
        errors["reference"] = "Enter the agreement's reference"
    elif (
        DataSharingAgreement.objects.filter(reference__iexact=values["reference"])
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["reference"] = "An agreement with this reference already exists"
    if not values["purpose"]:
        errors["purpose"] = "Enter the purpose the data may be used for"
    if not values["legal_basis"]:
        errors["legal_basis"] = "Enter the legal basis for sharing the data"
    # An agreement keeps the version it was made for unless it is changed on purpose.
    values["spec_version"] = values.get("spec_version") or (
        instance.spec_version if instance else spec.VERSION
    )
    if values["spec_version"] not in spec.VERSIONS:
        errors["spec_version"] = "Choose a version of the data specification"
    starts_on, expires_on = values.get("starts_on"), values.get("expires_on")
    if not isinstance(starts_on, date):
        errors["starts_on"] = "Enter the date the agreement starts"
    if not isinstance(expires_on, date):
        errors["expires_on"] = "Enter the date the agreement expires"
    elif isinstance(starts_on, date) and expires_on < starts_on:
        errors["expires_on"] = "The expiry date must be on or after the start date"
    if errors:
        raise ValidationError(errors)
    return values


def agreement_create(*, actor, recipient: Recipient, **fields) -> DataSharingAgreement:
    """Record a data-sharing agreement with `recipient`. Administrators only; audited."""
    _check_administrator(actor)
    values = agreement_validate({name: fields.get(name) for name in AGREEMENT_FIELDS})
    with transaction.atomic():
        agreement = DataSharingAgreement.objects.create(
            recipient=recipient, **values, created_at=now(), created_by=actor
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=agreement,
            summary=f"Data-sharing agreement {agreement.reference} with {recipient.name} recorded",
            details={
                "starts_on": agreement.starts_on.isoformat(),
                "expires_on": agreement.expires_on.isoformat(),
            },
        )
    return agreement


def agreement_update(*, actor, agreement: DataSharingAgreement, **changes) -> DataSharingAgreement:
    """Change an agreement (a renewal's new expiry, a corrected reference). Administrators
    only; audited with what changed."""
    _check_administrator(actor)
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValueError(f"Not agreement fields: {sorted(unknown)}")
    current = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    values = agreement_validate({**current, **changes}, instance=agreement)
    changed = [name for name in AGREEMENT_FIELDS if values[name] != current[name]]
    if not changed:
        return agreement
    with transaction.atomic():
        for name in changed:
            setattr(agreement, name, values[name])
        agreement.save(update_fields=changed)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=agreement,
            summary=f"Data-sharing agreement {agreement.reference} changed",
            details={
                "changed": changed,
                "expires_on": agreement.expires_on.isoformat(),
            },
        )
    return agreement


def agreement_refusal(agreement: DataSharingAgreement, *, on: date | None = None) -> str | None:
    """Why data may not be shared under `agreement` on `on` (today), or None."""
    state = agreement.state_on(on or today())
    if state == AgreementState.EXPIRED:
        return (
            f"The data-sharing agreement {agreement.reference} expired on "
            f"{date_long(agreement.expires_on)}. No data can be shared under it: an "
            "administrator must record a renewed agreement first."
        )
    if state == AgreementState.NOT_STARTED:
        return (
            f"The data-sharing agreement {agreement.reference} does not start until "
            f"{date_long(agreement.starts_on)}. No data can be shared under it before then."
        )
    return None


# --- exports -------------------------------------------------------------------------------------


def cohort_of(export: DatasetExport) -> Cohort:
    return Cohort.deaths_in(export.cohort_year, financial=export.cohort_financial)


def _clean_request(
    *, recipient, agreement, cohort_year, formats_: list[str]
) -> tuple[int, list[str]]:
    errors = {}
    if agreement is None:
        errors["agreement"] = "Choose the data-sharing agreement the data is shared under"
    elif agreement.recipient_id != recipient.pk:
        errors["agreement"] = f"This agreement is not with {recipient.name}"
    else:
        refusal = agreement_refusal(agreement)
        if refusal:
            errors["agreement"] = refusal
    latest = today().year
    if not isinstance(cohort_year, int) or not FIRST_COHORT_YEAR <= cohort_year <= latest:
        errors["cohort_year"] = f"Enter a year from {FIRST_COHORT_YEAR} to {latest}"
    chosen = list(dict.fromkeys(formats_ or []))
    unknown = [f for f in chosen if f not in ExportFormat.values]
    if unknown:
        errors["formats"] = f"Unknown format: {', '.join(unknown)}"
    elif not chosen:
        errors["formats"] = "Choose at least one format"
    if errors:
        raise ValidationError(errors)
    # Always in the same order, whatever order they were ticked in.
    return cohort_year, [f for f in ExportFormat.values if f in chosen]


def dataset_export_queue(
    *,
    actor,
    recipient: Recipient,
    agreement: DataSharingAgreement | None,
    cohort_year: int,
    financial: bool = False,
    formats: list[str] | tuple[str, ...] = tuple(ExportFormat.values),
) -> DatasetExport:
    """Queue an export of the dataset for `recipient` under `agreement`, for deaths in
    `cohort_year` (the financial year from April when `financial`). The actor is a national
    analyst, or the recipient's own API client. Refused (ValidationError) when the agreement is
    not the recipient's or is not in force today. Audited. The task that generates it is enqueued
    by `tasks.dataset_export_request`, which calls this."""
    _check_may_use(actor, recipient)
    year, chosen = _clean_request(
        recipient=recipient, agreement=agreement, cohort_year=cohort_year, formats_=list(formats)
    )
    with transaction.atomic():
        export = DatasetExport.objects.create(
            recipient=recipient,
            agreement=agreement,
            cohort_year=year,
            cohort_financial=bool(financial),
            spec_version=agreement.spec_version if agreement else spec.VERSION,
            formats=chosen,
            requested_at=now(),
            requested_by=None if _is_api_client(actor) else actor,
            requested_by_label=actor_label(actor),
        )
        cohort = cohort_of(export)
        audit.record(
            actor=_audit_actor(actor),
            action=AuditAction.CREATE,
            obj=export,
            summary=f"Dataset export {export.pk} for {recipient.name} requested: {cohort.name}",
            details={
                "recipient": recipient.name,
                "agreement": agreement.reference,
                "cohort": cohort.as_dict(),
                "formats": chosen,
                "spec_version": export.spec_version,
            },
        )
    return export


def _set_progress(export_id: int, percent: int) -> None:
    # Outside any transaction of the run, so a progress page sees it at once.
    DatasetExport.objects.filter(pk=export_id).update(progress=max(0, min(100, percent)))


def dataset_export_run(*, export_id: int) -> DatasetExport:
    """Generate a queued export: build the rows, write the requested formats, the
    specification and the manifest, updating progress as it goes. Runs in the task worker.
    A second run of the same export does nothing. A failure marks the export failed with a
    message (files written so far are removed) and is logged."""
    claimed = DatasetExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now(), progress=1
    )
    export = DatasetExport.objects.select_related("recipient", "agreement").get(pk=export_id)
    if not claimed:
        return export
    try:
        refusal = agreement_refusal(export.agreement)
        if refusal:
            raise _Refused(refusal)
        _generate(export)
    except Exception as error:
        message = str(error) if isinstance(error, _Refused) else "The export could not be made."
        if not isinstance(error, _Refused):
            logger.exception("Dataset export %s failed", export_id)
        _end_failed(export, message)
    except BaseException:
        # The worker is stopping (SystemExit, KeyboardInterrupt): never leave it "running".
        _end_failed(export, STOPPED_MESSAGE)
        raise
    export.refresh_from_db()
    return export


STOPPED_MESSAGE = (
    "The background worker stopped while making this export, so it was not finished. "
    "Ask for it again."
)


def _end_failed(export: DatasetExport, message: str) -> bool:
    """Mark a queued or running export failed with `message`, removing its files. Audited.
    False when it had already finished."""
    ended = DatasetExport.objects.filter(
        pk=export.pk, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ).update(status=ExportStatus.FAILED, failure=message, finished_at=now(), files={})
    if not ended:
        return False
    _remove_files(export)
    audit.record(
        actor=f"system:dataset-export:{export.requested_by_label}"[:250],
        action=AuditAction.UPDATE,
        obj=export,
        summary=f"Dataset export {export.pk} failed",
        details={"reason": message},
    )
    return True


def dataset_export_lost(*, export_id: int, reason: str) -> None:
    """End an export left queued or running by a worker that died (the stuck-job recovery
    calls this) as failed, saying why; the analyst can ask for it again."""
    export = DatasetExport.objects.filter(pk=export_id).first()
    if export is not None:
        _end_failed(export, reason)


class _Refused(Exception):
    """A reason, for the person who asked, why the export was not made."""


def _remove_files(export: DatasetExport) -> None:
    folder = formats.export_dir(export)
    if folder.exists():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def _generate(export: DatasetExport) -> None:
    from leder.exports.anonymity import anonymise
    from leder.exports.dataset import build_dataset
    from leder.exports.pseudonyms import recipient_key

    cohort = cohort_of(export)

    def reading(done: int, total: int) -> None:
        _set_progress(export.pk, 5 + int(65 * done / max(total, 1)))

    dataset = build_dataset(
        cohort=cohort,
        pseudonym_key=recipient_key(export.recipient),
        progress=reading,
        spec_version=export.spec_version,
    )
    # The re-identification check on the structured fields, before anything is written.
    checked = anonymise(dataset.frame)
    dataset.frame = checked.frame
    dataset.anonymity = checked.as_dict()
    if checked.suppressed:
        dataset.left_out[SUPPRESSED] = checked.suppressed
    frame = dataset.frame
    # Reading identifiable records to build the export: recorded once for the whole export.
    audit.record(
        actor=export.requested_by or export.requested_by_label,
        action=AuditAction.VIEW,
        obj=export,
        summary=(
            f"Read the records of {frame.height} deaths to build dataset export {export.pk} "
            f"for {export.recipient.name}"
        ),
        details={"cohort": cohort.as_dict(), "rows": frame.height},
    )
    folder = formats.export_dir(export)
    folder.mkdir(parents=True, exist_ok=True)
    os_files: dict[str, Path] = {}
    steps = len(export.formats) + 2
    for step, kind in enumerate(export.formats, start=1):
        path = folder / formats.file_name(export, kind)
        formats.WRITERS[kind](frame, path, spec_version=export.spec_version)
        os_files[kind] = path
        _set_progress(export.pk, 70 + int(25 * step / steps))
    os_files["spec_csv"] = folder / formats.file_name(export, "spec_csv")
    specification = spec.specification(export.spec_version)
    formats.write_bytes(specification.as_csv(), os_files["spec_csv"])
    os_files["spec_json"] = folder / formats.file_name(export, "spec_json")
    formats.write_bytes(specification.as_json(), os_files["spec_json"])
    finished = now()
    manifest = _manifest(export, cohort, dataset, os_files, finished)
    manifest_path = folder / formats.file_name(export, "manifest")
    formats.write_json(manifest, manifest_path)
    files = {kind: path.name for kind, path in os_files.items()}
    files["manifest"] = manifest_path.name
    with transaction.atomic():
        DatasetExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.DONE,
            progress=100,
            finished_at=finished,
            row_count=frame.height,
            manifest=manifest,
            manifest_sha256=formats.sha256_of(manifest_path),
            files=files,
        )
        audit.record(
            actor=f"system:dataset-export:{export.requested_by_label}"[:250],
            action=AuditAction.UPDATE,
            obj=export,
            summary=f"Dataset export {export.pk} generated: {frame.height} rows",
            details={
                "rows": frame.height,
                "files": {f["kind"]: f["sha256"] for f in manifest["files"]},
                "redaction": manifest["redaction"],
            },
        )


def _manifest(export, cohort, dataset, paths: dict[str, Path], finished) -> dict:
    from leder.exports.dataset import EXCLUDED_STATES

    rows = dataset.frame.height
    files = [
        {
            "kind": kind,
            "name": path.name,
            "rows": rows if kind in ExportFormat.values else None,
            "bytes": path.stat().st_size,
            "sha256": formats.sha256_of(path),
        }
        for kind, path in paths.items()
    ]
    left_out = dict(sorted(dataset.left_out.items()))
    return {
        "export": export.pk,
        "dataset": "LeDeR national dataset (de-identified)",
        "spec_version": export.spec_version,
        "recipient": export.recipient.name,
        "agreement": {
            "reference": export.agreement.reference,
            "legal_basis": export.agreement.legal_basis,
            "expires_on": export.agreement.expires_on.isoformat(),
        },
        "cohort": cohort.as_dict(),
        "requested_at": export.requested_at.isoformat(),
        "requested_by": export.requested_by_label,
        "generated_at": finished.isoformat(),
        "rows": rows,
        "review_status_counts": dict(sorted(dataset.status_counts.items())),
        "reconciliation": {
            "notified_deaths_in_cohort": dataset.notified,
            "included": rows,
            "left_out": left_out,
            "left_out_because": {
                **{
                    state: "not eligible" if state == "not_eligible" else "national data opt-out"
                    for state in EXCLUDED_STATES
                },
                SUPPRESSED: "suppressed by the re-identification check (k-anonymity)",
            },
            # Every notified death is either a row or left out for a stated reason.
            "balanced": dataset.notified == rows + sum(left_out.values()),
        },
        "definitions": {
            "data_specification": export.spec_version,
            "avoidable_mortality_list": dataset.avoidable_list_version,
            "grading_scales": sorted(dataset.grading_scale_versions),
            "pseudonym": "HMAC-SHA256 with a key for this recipient (NHS number, else "
            "notification reference)",
        },
        "redaction": dataset.redaction.as_dict(),
        "free_text": dataset.redaction.free_text_dict(),
        "k_anonymity": dataset.anonymity,
        "files": files,
    }


@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    content_type: str


def dataset_download(*, actor, export: DatasetExport, kind: str, request=None) -> Download:
    """One file of a finished export, for a national analyst or the recipient's own API client.
    Every download is audited (who, which file, its SHA-256). Refused while the export is not
    ready, and once its agreement is no longer in force."""
    _check_may_use(actor, export.recipient)
    if export.status != ExportStatus.DONE:
        raise ValidationError("This export is not ready to download.")
    if kind not in export.files:
        raise ValidationError(f"This export has no {formats.KIND_LABELS.get(kind, kind)} file.")
    refusal = agreement_refusal(export.agreement)
    if refusal:
        raise PermissionDenied(refusal)
    path = formats.export_dir(export) / export.files[kind]
    if not path.exists():
        raise ValidationError("The file is no longer available. Request a new export.")
    digest = formats.sha256_of(path)
    with transaction.atomic():
        audit.record(
            actor=_audit_actor(actor),
            action=AuditAction.EXPORT,
            obj=export,
            summary=f"Downloaded {formats.KIND_LABELS[kind]} of dataset export {export.pk}",
            details={
                "kind": kind,
                "file": path.name,
                "sha256": digest,
                "recipient": export.recipient.name,
            },
            ip_address=audit.client_ip(request) if request is not None else None,
        )
    return Download(path=path, filename=path.name, content_type=formats.KINDS[kind][1])
