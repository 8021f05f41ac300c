"""Background work for the annual reports, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task


@task
def generate_report(*, report_id: int) -> None:
    """Generate an annual report (`services.report_generate_run`): enqueued by
    `report_generate` once the request is committed."""
    from leder.reports.services import report_generate_run

    report_generate_run(report_id=report_id)
