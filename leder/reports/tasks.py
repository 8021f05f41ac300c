"""Background work for the annual reports, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from leder.core.jobs import when_lost


@task
def generate_report(*, report_id: int) -> None:
    """Generate an annual report (`services.report_generate_run`): enqueued by
    `report_generate` once the request is committed."""
    from leder.reports.services import report_generate_run

    report_generate_run(report_id=report_id)


def _lost(kwargs: dict, reason: str) -> None:
    from leder.reports.services import report_generate_lost

    report_generate_lost(report_id=kwargs["report_id"], reason=reason)


# A worker that dies mid-report: the report ends as failed, saying so; the user generates it again.
when_lost(generate_report, subject=lambda kw: f"Annual report {kw.get('report_id')}", end=_lost)
