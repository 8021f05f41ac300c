"""A worker killed with SIGKILL in the middle of a report and of an export: after a restart,
each job ends failed with a reason the user sees within the lease timeout, is never run twice,
and the user can ask again (issue 11). Real processes: the worker, a restarted worker and the
scheduler (whose recover-stuck-jobs job does the recovery)."""

import signal

import pytest
from django.db import close_old_connections
from django_tasks_db.models import DBTaskResult

from leder.exports import tasks as exports_tasks
from leder.exports.models import DatasetExport, ExportStatus
from leder.exports.tests import factories as export_factories
from leder.operations.models import ProcessHeartbeat, RecoveredJob, RecoveryAction
from leder.operations.recovery import LOST_EXCEPTION
from leder.operations.tests.processes import wait_for
from leder.reports import services as report_services
from leder.reports import tasks as reports_tasks
from leder.reports.models import Report, ReportStatus

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _task(path: str, **kwargs) -> list[DBTaskResult]:
    close_old_connections()
    return [
        t for t in DBTaskResult.objects.filter(task_path=path) if t.args_kwargs["kwargs"] == kwargs
    ]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_report_and_mid_export_leaves_nothing_stuck(
    processes, area, cases, settings
):
    settings.TASKS = DB_TASKS
    lac = area["lac"]
    report = report_services.report_create(actor=lac, organisation=area["icb"], year=2026)
    reports_tasks.report_generate(actor=lac, report=report)
    analyst = export_factories.analyst()
    recipient = export_factories.recipient()
    agreement = export_factories.agreement(recipient)
    export = exports_tasks.dataset_export_request(
        actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2026
    )

    # A worker takes the report and is killed while it makes the PDF.
    doomed = processes.start(
        "-m", "leder.operations.tests.blocking_worker", "doomed-1", name="doomed-1"
    )
    wait_for(
        lambda: "WAITING-TO-BE-KILLED" in processes.output(doomed),
        timeout=300,
        what="the worker to reach 'Making the PDF'",
    )
    assert Report.objects.get(pk=report.pk).progress == 70
    # Its heartbeat says what it is doing (the operations page shows it).
    wait_for(
        lambda: ProcessHeartbeat.objects.filter(
            process_id="doomed-1", current__startswith="generate_report "
        ).exists(),
        what="the worker's heartbeat to name its task",
    )
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=60)
    # The next worker takes the export (the report is not queued: it looks "running") and is
    # killed while it checks the records for re-identification.
    doomed = processes.start(
        "-m", "leder.operations.tests.blocking_worker", "doomed-2", name="doomed-2"
    )
    wait_for(
        lambda: "WAITING-TO-BE-KILLED" in processes.output(doomed),
        timeout=300,
        what="the worker to be making the export",
    )
    assert DatasetExport.objects.get(pk=export.pk).status == ExportStatus.RUNNING
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=60)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.GENERATING
    assert DatasetExport.objects.get(pk=export.pk).status == ExportStatus.RUNNING

    # Restart: a worker and the scheduler (recovery every second, lease 4 s).
    processes.manage(
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--worker-id",
        "healthy",
        name="healthy",
    )
    processes.manage(
        "scheduler",
        "--scheduler-id",
        "scheduler",
        name="scheduler",
        extra_env={"LEDER_RECOVER_EVERY_SECONDS": "1"},
    )
    ended = wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).first(),
        what="the report to end as failed",
    )
    assert "background worker stopped" in ended.progress_step
    assert "ask for it again" in ended.progress_step.lower()
    failed_export = wait_for(
        lambda: DatasetExport.objects.filter(pk=export.pk, status=ExportStatus.FAILED).first(),
        what="the export to end as failed",
    )
    assert "You can ask for it again" in failed_export.failure

    # Recovered only after each dead worker's lease ran out, and never run by another worker.
    for worker, path, kwargs in (
        ("doomed-1", "leder.reports.tasks.generate_report", {"report_id": report.pk}),
        ("doomed-2", "leder.exports.tasks.generate_dataset_export", {"export_id": export.pk}),
    ):
        (task,) = _task(path, **kwargs)
        assert task.status == "FAILED" and task.exception_class_path == LOST_EXCEPTION
        assert task.worker_ids == [worker]
        recovered = RecoveredJob.objects.get(task_id=str(task.pk))
        assert recovered.action == RecoveryAction.FAILED
        last_seen = ProcessHeartbeat.objects.get(process_id=worker).last_seen
        assert (recovered.recovered_at - last_seen).total_seconds() >= 4

    # The user asks again, and the restarted worker finishes both.
    reports_tasks.report_generate(actor=lac, report=Report.objects.get(pk=report.pk))
    again = exports_tasks.dataset_export_request(
        actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2026
    )
    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).exists(),
        timeout=300,
        what="the report to be generated again",
    )
    wait_for(
        lambda: DatasetExport.objects.filter(pk=again.pk, status=ExportStatus.DONE).exists(),
        timeout=300,
        what="the export to be made again",
    )
    report_tasks = _task("leder.reports.tasks.generate_report", report_id=report.pk)
    assert sorted(t.status for t in report_tasks) == ["FAILED", "SUCCESSFUL"]
    assert [t.worker_ids for t in report_tasks if t.status == "SUCCESSFUL"] == [["healthy"]]
