"""Background work for the national dataset, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task


@task
def generate_dataset_export(*, export_id: int) -> None:
    """Generate a queued dataset export (`services.dataset_export_run`): enqueued by
    `dataset_export_request` once the request is committed."""
    from leder.exports.services import dataset_export_run

    dataset_export_run(export_id=export_id)
