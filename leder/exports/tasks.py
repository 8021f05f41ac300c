"""Background work for the national dataset, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from leder.core.jobs import when_lost


@task
def generate_dataset_export(*, export_id: int) -> None:
    """Generate a queued dataset export (`services.dataset_export_run`): enqueued by
    `dataset_export_request` once the request is committed."""
    from leder.exports.services import dataset_export_run

    dataset_export_run(export_id=export_id)


def _lost(kwargs: dict, reason: str) -> None:
    from leder.exports.services import dataset_export_lost

    dataset_export_lost(export_id=kwargs["export_id"], reason=reason)


# A worker that dies mid-export: the export ends as failed, saying so; the analyst asks again.
when_lost(
    generate_dataset_export, subject=lambda kw: f"Dataset export {kw.get('export_id')}", end=_lost
)
