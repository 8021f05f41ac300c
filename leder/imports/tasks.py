"""Background work for bulk imports, run by the task worker (`manage.py db_worker`): a file is
checked and imported in parts, with progress on the batch's page (ADR 0155)."""

from django.tasks import task

from leder.core.jobs import when_lost


@task
def check_import_batch(*, batch_id: int) -> None:
    """Check an uploaded file (`services.import_batch_check_run`): enqueued by
    `import_batch_upload` once the upload is committed."""
    from leder.imports.services import import_batch_check_run

    import_batch_check_run(batch_id=batch_id)


@task
def commit_import_batch(*, batch_id: int, actor_id: int) -> None:
    """Import a checked file (`services.import_batch_commit_run`): enqueued by
    `import_batch_commit_request`."""
    from leder.imports.services import import_batch_commit_run

    import_batch_commit_run(batch_id=batch_id, actor_id=actor_id)


def _check_lost(kwargs: dict, reason: str) -> None:
    from leder.imports.services import import_batch_check_lost

    import_batch_check_lost(batch_id=kwargs["batch_id"], reason=reason)


def _commit_lost(kwargs: dict, reason: str) -> None:
    from leder.imports.services import import_batch_commit_lost

    import_batch_commit_lost(batch_id=kwargs["batch_id"], reason=f"{reason} Nothing was imported.")


# A worker that dies mid-check: the batch ends discarded, saying so; the contact uploads again.
when_lost(check_import_batch, subject=lambda kw: f"Import {kw.get('batch_id')}", end=_check_lost)
# A worker that dies mid-import: its transaction never committed, so nothing was imported; the
# batch is checked again, waiting, with why, for the contact to import again.
when_lost(commit_import_batch, subject=lambda kw: f"Import {kw.get('batch_id')}", end=_commit_lost)
