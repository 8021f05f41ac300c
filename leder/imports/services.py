"""Writes for bulk imports: upload (with the dry run), commit, discard.

- `tasks.import_batch_upload` (through `import_batch_store`) reads the file, checks every row
  (`validation.check_rows`) and keeps the batch, its per-row outcomes and the file; nothing else
  is written.
- `import_batch_commit` imports every ready row through the same services the rest of the
  application uses (`notification_submit` with channel "import" and the original received
  date; triage through `casework.services.triage`; a completed review written, locked as signed
  off with `governance.services.signoff.review_lock` and its case completed by the lifecycle),
  all in one transaction: any failure rolls everything back and the batch records why. The rows
  are checked again inside that transaction, and the commit is refused if the outcome differs
  from the report the contact confirmed.
- `import_batch_discard` drops a batch that was not imported, and its file.

Only a local area contact of the batch's ICB may do any of these. Every change is audited; the
audit rows of imported notifications and reviews say "imported" with the batch and row.
"""

import hashlib
import logging
import uuid
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.casework.services.lifecycle import TransitionRefused
from leder.core import audit, bulk
from leder.core.models import AuditAction
from leder.core.time import now
from leder.imports import validation, writing
from leder.imports.models import (
    BatchStatus,
    ImportBatch,
    ImportRow,
    RowOutcome,
)
from leder.imports.reading import FileProblem, read_rows
from leder.organisations.selectors import icbs_open
from leder.reviews.services.uploads import private_root

logger = logging.getLogger(__name__)


class ImportFailed(Exception):
    """The commit failed and nothing was imported. The message is written for the user."""


def can_import(user, icb) -> bool:
    return rules.can_triage(user, icb_id=icb.pk)


def _check_can_import(actor, icb) -> None:
    if not can_import(actor, icb):
        raise PermissionDenied(
            "Only a local area contact for this ICB can import notifications and reviews."
        )


# --- the kept file ---------------------------------------------------------------------------


def imports_folder() -> Path:
    """Uploaded files hold personal data: they live with the other private files, never under
    MEDIA_ROOT (which a deployment may serve)."""
    return private_root() / "imports"


def _store(content: bytes, file_name: str) -> str:
    folder = imports_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    name = f"{uuid.uuid4().hex}{suffix}"
    path = folder / name
    path.write_bytes(content)
    path.chmod(0o600)
    return name


def _delete_file(stored_name: str) -> None:
    if stored_name:
        (imports_folder() / stored_name).unlink(missing_ok=True)


def _read_kept(batch: ImportBatch) -> bytes:
    path = imports_folder() / batch.stored_name if batch.stored_name else None
    if path is None or not path.exists():
        raise ValidationError(
            "The uploaded file is no longer available. Upload the file again to import it."
        )
    return path.read_bytes()


# --- upload and dry run ----------------------------------------------------------------------


def import_batch_store(*, actor, icb, file_name: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file for the background worker to check, in parts, with the outcome
    of every row, for the contact to confirm (`import_batch_check_run`); the check is queued by
    `tasks.import_batch_upload` (the task module imports this one, never the reverse). A file
    that cannot be imported at all (not CSV or XLSX, empty, missing columns, too many rows)
    raises ValidationError on "file" and writes nothing. Audited."""
    _check_can_import(actor, icb)
    if not icbs_open().filter(pk=icb.pk).exists():
        raise ValidationError({"icb": "This ICB has closed: import for the ICB that replaced it"})
    file_name = Path(file_name or "upload").name[:255]
    try:
        rows = read_rows(file_name, content)
    except FileProblem as problem:
        raise ValidationError({"file": str(problem)}) from None
    digest = hashlib.sha256(content).hexdigest()
    stored = _store(content, file_name)
    try:
        with transaction.atomic():
            at = now()
            batch = ImportBatch.objects.create(
                icb=icb,
                uploaded_by=actor,
                uploaded_at=at,
                checked_at=at,
                file_name=file_name,
                sha256=digest,
                stored_name=stored,
                status=BatchStatus.CHECKING,
                rows_total=len(rows),
            )
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=batch,
                summary=f"Import {batch.pk} uploaded: {file_name}, {len(rows):,} rows to check",
                details={"sha256": digest, "rows": len(rows)},
            )
    except Exception:
        _delete_file(stored)
        raise
    return batch


# --- progress, kept beside the file ----------------------------------------------------------
#
# The commit runs in one transaction, whose writes nobody else sees until it ends: its progress
# is kept in a small file beside the uploaded one (where the worker reads the upload from), so
# the batch's page can show it while the transaction runs.


def _progress_path(batch_id: int) -> Path:
    return imports_folder() / f"{batch_id}.progress.json"


def progress_set(batch_id: int, *, stage: str, done: int, total: int) -> None:
    import json

    folder = imports_folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _progress_path(batch_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"stage": stage, "done": done, "total": total}))
    temporary.replace(path)


def progress_of(batch_id: int) -> dict | None:
    """{"stage", "done", "total"} of the check or import under way, or None."""
    import json

    try:
        return json.loads(_progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return None


def _progress_clear(batch_id: int) -> None:
    _progress_path(batch_id).unlink(missing_ok=True)


def import_batch_check_run(*, batch_id: int) -> ImportBatch:
    """Check every row of an uploaded file, a part at a time, and keep the report (the
    worker's half of `tasks.import_batch_upload`). A second run of a batch already checked does
    nothing. A file that cannot be checked ends the batch as discarded, saying why."""
    batch = ImportBatch.objects.select_related("icb", "uploaded_by").get(pk=batch_id)
    if batch.status != BatchStatus.CHECKING:
        return batch
    try:
        rows = read_rows(batch.file_name, _read_kept(batch))
        total = len(rows)

        def progress(done, _):
            progress_set(batch.pk, stage="checking", done=done, total=total)

        progress(0, total)
        with bulk.cycle_collector_paused():
            results = validation.check_rows(
                rows, icb=batch.icb, sha256=batch.sha256, progress=progress
            )
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != BatchStatus.CHECKING:
                return locked
            locked.status = BatchStatus.CHECKED
            _save_check(locked, results)
            audit.record(
                actor=locked.uploaded_by,
                action=AuditAction.UPDATE,
                obj=locked,
                summary=f"Import {locked.pk} uploaded and checked: {locked.file_name}",
                details={"sha256": locked.sha256, "counts": locked.report["counts"]},
            )
    except Exception as error:
        logger.exception("Import %s could not be checked", batch_id)
        message = (
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else "The file could not be checked because of an unexpected error."
        )
        import_batch_check_lost(batch_id=batch_id, reason=message)
    finally:
        _progress_clear(batch_id)
    batch.refresh_from_db()
    return batch


def import_batch_check_lost(*, batch_id: int, reason: str) -> None:
    """End a batch whose check failed or whose worker died: discarded, with why, and its file
    deleted; the contact uploads it again."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != BatchStatus.CHECKING:
            return
        stored = batch.stored_name
        batch.status = BatchStatus.DISCARDED
        batch.failure = f"{reason} Nothing was imported: upload the file again."
        batch.finished_at, batch.stored_name = now(), ""
        batch.save()
        audit.record(
            actor="system:imports",
            action=AuditAction.UPDATE,
            obj=batch,
            summary=f"Import {batch.pk} could not be checked",
            details={"reason": reason},
        )
        transaction.on_commit(lambda: _delete_file(stored))


def import_batch_commit_claim(*, actor, batch: ImportBatch) -> ImportBatch:
    """Claim a checked batch for the background worker to import (`import_batch_commit`;
    `tasks.import_batch_commit_request` queues it). Raises as the commit would for a batch that
    is not checked, or an actor who may not import."""
    _check_can_import(actor, batch.icb)
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.CHECKED).update(
            status=BatchStatus.COMMITTING, failure=""
        )
        if not claimed:
            batch.refresh_from_db()
            raise ValidationError(f"This import is {batch.get_status_display().lower()} already.")
    return batch


def import_batch_commit_run(*, batch_id: int, actor_id: int) -> ImportBatch:
    """The worker's half of `tasks.import_batch_commit_request`: the commit, with its failure (if
    any) kept on the batch for its page, and the batch back to checked to try again."""
    from leder.accounts.models import User

    batch = ImportBatch.objects.select_related("icb").get(pk=batch_id)
    if batch.status != BatchStatus.COMMITTING:
        return batch
    actor = User.objects.get(pk=actor_id)
    try:
        return import_batch_commit(actor=actor, batch=batch)
    except (ImportFailed, ValidationError, PermissionDenied) as error:
        message = (
            str(error)
            if isinstance(error, ImportFailed)
            else " ".join(getattr(error, "messages", [str(error)]))
        )
        import_batch_commit_lost(batch_id=batch_id, reason=message)
    batch.refresh_from_db()
    return batch


def import_batch_commit_lost(*, batch_id: int, reason: str) -> None:
    """A commit that failed, or whose worker died: nothing was imported (its transaction never
    committed); the batch is checked again, waiting, with why."""
    _progress_clear(batch_id)
    ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.COMMITTING).update(
        status=BatchStatus.CHECKED, failure=reason[:2000]
    )


def _save_check(batch: ImportBatch, results: list[validation.RowResult]) -> None:
    """Keep the dry run's report on the batch and one `ImportRow` per row."""
    counts = validation.counts(results)
    batch.report = {"counts": counts, "rows": [r.as_report() for r in results]}
    batch.rows_total = counts["total"]
    batch.rows_ready = counts[RowOutcome.READY]
    batch.rows_duplicate = counts[RowOutcome.DUPLICATE]
    batch.rows_rejected = counts[RowOutcome.REJECTED]
    batch.checked_at = now()
    batch.save()
    ImportRow.objects.filter(batch=batch).delete()
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                batch=batch,
                row_number=r.number,
                outcome=r.outcome,
                reason=r.reason[:300],
                errors=r.errors,
                case_outcome=r.case_outcome,
            )
            for r in results
        ]
    )


# --- commit ----------------------------------------------------------------------------------


class _Changed(Exception):
    def __init__(self, results):
        self.results = results


def _outcomes(rows: list[dict]) -> list[tuple[int, str]]:
    return [(r["row"], r["outcome"]) for r in rows]


def import_batch_commit(*, actor, batch: ImportBatch) -> ImportBatch:
    """Import every ready row of a checked batch, all or nothing.

    Raises PermissionDenied (not a local area contact of the batch's ICB), ValidationError (the
    batch was already imported or discarded; its file is gone; or the rows no longer check as
    they did, in which case the report is updated for the contact to look at again) or
    ImportFailed (a row failed part-way: everything was rolled back, and the batch records why).
    """
    _check_can_import(actor, batch.icb)
    if batch.status not in (BatchStatus.CHECKED, BatchStatus.COMMITTING):
        raise ValidationError(f"This import is {batch.get_status_display().lower()} already.")
    content = _read_kept(batch)
    try:
        rows = read_rows(batch.file_name, content)
    except FileProblem as problem:
        raise ValidationError(str(problem)) from None
    current = {"row": None}
    try:
        with bulk.cycle_collector_paused(), transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status not in (BatchStatus.CHECKED, BatchStatus.COMMITTING):
                raise ValidationError(
                    f"This import is {locked.get_status_display().lower()} already."
                )
            total = len(rows)

            def checking(done, _):
                progress_set(locked.pk, stage="checking again", done=done, total=total)

            def writing_(step, steps):
                progress_set(locked.pk, stage="importing", done=step, total=steps)

            results = validation.check_rows(
                rows, icb=locked.icb, sha256=locked.sha256, progress=checking
            )
            if _outcomes([r.as_report() for r in results]) != _outcomes(locked.report["rows"]):
                raise _Changed(results)
            current["row"] = "bulk"
            notifications = writing.write_rows(
                actor=actor, batch=locked, results=results, progress=writing_
            )
            by_number = {
                r.number: n
                for r, n in zip(
                    [r for r in results if r.outcome == RowOutcome.READY],
                    notifications,
                    strict=True,
                )
            }
            # The ready rows' outcomes become "imported", with their notification: replaced in
            # two statements rather than updated one by one.
            ready = list(
                ImportRow.objects.filter(batch=locked, outcome=RowOutcome.READY).order_by(
                    "row_number"
                )
            )
            ImportRow.objects.filter(batch=locked, outcome=RowOutcome.READY).delete()
            ImportRow.objects.bulk_create(
                [
                    ImportRow(
                        batch=locked,
                        row_number=r.row_number,
                        outcome=RowOutcome.IMPORTED,
                        reason=r.reason,
                        errors=r.errors,
                        case_outcome=r.case_outcome,
                        notification=by_number[r.row_number],
                    )
                    for r in ready
                ],
                batch_size=1000,
            )
            imported = [n.reference for n in notifications]
            current["row"] = None
            stored = locked.stored_name
            locked.status = BatchStatus.COMMITTED
            locked.rows_imported = len(imported)
            locked.finished_at, locked.finished_by = now(), actor
            locked.failure, locked.stored_name = "", ""
            locked.save()
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                summary=(
                    f"Import {locked.pk} committed: {len(imported)} imported, "
                    f"{locked.rows_duplicate} duplicates, {locked.rows_rejected} rejected"
                ),
                details={"imported": imported, "counts": locked.report["counts"]},
            )
            transaction.on_commit(lambda: _delete_file(stored))
        _progress_clear(batch.pk)
    except _Changed as changed:
        _progress_clear(batch.pk)
        with transaction.atomic():
            fresh = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            fresh.status = BatchStatus.CHECKED
            _save_check(fresh, changed.results)
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=fresh,
                summary=f"Import {fresh.pk} checked again at commit: the outcomes changed",
                details={"counts": fresh.report["counts"]},
            )
        batch.refresh_from_db()
        raise ValidationError(
            "The rows no longer check as they did: notifications may have been added since. "
            "Nothing was imported. Look at the updated report and import again."
        ) from None
    except ValidationError as error:
        if current["row"] is None:
            raise
        _fail(actor=actor, batch=batch, row=current["row"], error=error)
    except (PermissionDenied, TransitionRefused) as error:
        _fail(actor=actor, batch=batch, row=current["row"], error=error)
    except Exception as error:
        logger.exception("Import %s failed at row %s", batch.pk, current["row"])
        _fail(actor=actor, batch=batch, row=current["row"], error=error, unexpected=True)
    batch.refresh_from_db()
    return batch


def _fail(*, actor, batch, row, error, unexpected: bool = False):
    if unexpected:
        reason = "of an unexpected error"
    elif isinstance(error, ValidationError):
        reason = " ".join(error.messages)
    else:
        reason = str(error)
    _progress_clear(batch.pk)
    where = (
        f"Row {row} could not be imported"
        if isinstance(row, int)
        else "The import could not be completed"
    )
    message = (
        f"{where} because {reason}. Nothing was imported."
        if unexpected
        else f"{where}: {reason} Nothing was imported."
    )
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(failure=message, status=BatchStatus.CHECKED)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=batch,
            summary=f"Import {batch.pk} failed and was rolled back",
            details={"row": row, "error": message},
        )
    batch.refresh_from_db()
    raise ImportFailed(message) from error


# --- discard ---------------------------------------------------------------------------------


def import_batch_discard(*, actor, batch: ImportBatch) -> ImportBatch:
    """Drop a checked batch without importing it; its file is deleted. Audited."""
    _check_can_import(actor, batch.icb)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.CHECKED:
            raise ValidationError(f"This import is {locked.get_status_display().lower()} already.")
        stored = locked.stored_name
        locked.status = BatchStatus.DISCARDED
        locked.finished_at, locked.finished_by, locked.stored_name = now(), actor, ""
        locked.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Import {locked.pk} discarded: nothing imported",
        )
        transaction.on_commit(lambda: _delete_file(stored))
    batch.refresh_from_db()
    return batch
