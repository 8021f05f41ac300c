"""Background work for bulk imports, run by the task worker (`manage.py db_worker`): a file is
checked and imported in parts, with progress on the batch's page (ADR 0155)."""

from django.tasks import task

from leder.core.jobs import when_lost
from leder.imports import services
from leder.imports.models import ImportBatch


def import_batch_upload(*, actor, icb, file_name: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file (`services.import_batch_store`: refused files raise ValidationError
    and write nothing) and queue its check. The database task backend stores the task in the
    caller's transaction, so a worker never sees it before the batch (and the tests' immediate
    backend checks the file here and now). Returns the batch as it stands once queued."""
    batch = services.import_batch_store(actor=actor, icb=icb, file_name=file_name, content=content)
    check_import_batch.enqueue(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def import_batch_commit_request(*, actor, batch: ImportBatch) -> ImportBatch:
    """Claim a checked batch (`services.import_batch_commit_claim`) and queue its import."""
    batch = services.import_batch_commit_claim(actor=actor, batch=batch)
    commit_import_batch.enqueue(batch_id=batch.pk, actor_id=actor.pk)
    batch.refresh_from_db()
    return batch


@task
def check_import_batch(*, batch_id: int) -> None:
    """Check an uploaded file (`services.import_batch_check_run`): enqueued by
    `import_batch_upload` once the upload is stored."""
    services.import_batch_check_run(batch_id=batch_id)


@task
def commit_import_batch(*, batch_id: int, actor_id: int) -> None:
    """Import a checked file (`services.import_batch_commit_run`): enqueued by
    `import_batch_commit_request`."""
    services.import_batch_commit_run(batch_id=batch_id, actor_id=actor_id)


def _check_lost(kwargs: dict, reason: str) -> None:
    services.import_batch_check_lost(batch_id=kwargs["batch_id"], reason=reason)


def _commit_lost(kwargs: dict, reason: str) -> None:
    services.import_batch_commit_lost(
        batch_id=kwargs["batch_id"], reason=f"{reason} Nothing was imported."
    )


# A worker that dies mid-check: the batch ends discarded, saying so; the contact uploads again.
when_lost(check_import_batch, subject=lambda kw: f"Import {kw.get('batch_id')}", end=_check_lost)
# A worker that dies mid-import: its transaction never committed, so nothing was imported; the
# batch is checked again, waiting, with why, for the contact to import again.
when_lost(commit_import_batch, subject=lambda kw: f"Import {kw.get('batch_id')}", end=_commit_lost)
