"""Background work for the annual reports, run by the task worker (`manage.py db_worker`).

This module imports the services, never the reverse: `report_generate` is the one way to ask for
a report, the service marking it "generating" (audited) and the task enqueued once that commits.
"""

from django.db import transaction
from django.tasks import task

from leder.core.jobs import when_lost
from leder.reports.models import Report
from leder.reports.services import report_generate_lost, report_generate_queue, report_generate_run


@task
def generate_report(*, report_id: int) -> None:
    """Generate an annual report (`services.report_generate_run`): enqueued by
    `report_generate` once the request is committed."""
    report_generate_run(report_id=report_id)


def report_generate(*, actor, report: Report) -> Report:
    """Queue the report's generation (again, if it was generated or failed before). The task
    starts once this transaction commits. Refused on a published report or while generating.
    Audited."""
    report = report_generate_queue(actor=actor, report=report)
    report_id = report.pk
    transaction.on_commit(lambda: generate_report.enqueue(report_id=report_id))
    return report


def _lost(kwargs: dict, reason: str) -> None:
    report_generate_lost(report_id=kwargs["report_id"], reason=reason)


# A worker that dies mid-report: the report ends as failed, saying so; the user generates it again.
when_lost(generate_report, subject=lambda kw: f"Annual report {kw.get('report_id')}", end=_lost)
