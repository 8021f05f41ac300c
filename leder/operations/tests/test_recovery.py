"""Background work whose worker died, or was told to stop mid-run, never stays "running"."""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from leder.core.models import AuditEvent
from leder.core.time import now
from leder.exports import services as export_services
from leder.exports import tasks as export_tasks
from leder.exports.models import DatasetExport, ExportStatus
from leder.exports.tests import factories as export_factories
from leder.notifications.tasks import send_acknowledgement
from leder.operations.heartbeats import beat
from leder.operations.models import ProcessHeartbeat, RecoveredJob, RecoveryAction
from leder.operations.recovery import LOST_EXCEPTION, recover_stuck_jobs
from leder.reports import services as report_services
from leder.reports import tasks as report_tasks
from leder.reports.models import ReportStatus

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS
    settings.LEDER_WORKER_LEASE_SECONDS = 60


def _claimed_by(worker: str, *, seen_ago: timedelta | None):
    """Every queued task is now "running" in `worker`, last seen `seen_ago` (None: never)."""
    if seen_ago is not None:
        beat(worker, "worker")
        ProcessHeartbeat.objects.filter(process_id=worker).update(last_seen=now() - seen_ago)
    DBTaskResult.objects.filter(status="READY").update(
        status="RUNNING", worker_ids=[worker], started_at=now() - timedelta(minutes=5)
    )


def test_a_report_whose_worker_died_ends_failed_with_a_reason_and_can_be_generated_again(
    db_tasks,
    area,
    cases,
    django_capture_on_commit_callbacks,
    settings,
):
    report = report_services.report_create(actor=area["lac"], organisation=area["icb"], year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        report_tasks.report_generate(actor=area["lac"], report=report)
    _claimed_by("dead-worker", seen_ago=timedelta(minutes=2))

    assert recover_stuck_jobs() == {"ended_as_failed": 1, "requeued": 0}
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "background worker stopped" in report.progress_step
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and task.exception_class_path == LOST_EXCEPTION
    recovered = RecoveredJob.objects.get()
    assert (
        recovered.action == RecoveryAction.FAILED
        and recovered.subject == f"Annual report {report.pk}"
    )
    assert AuditEvent.objects.filter(object_type__icontains="recoveredjob").exists()
    # Nothing more to do on a second pass.
    assert recover_stuck_jobs() == {"ended_as_failed": 0, "requeued": 0}
    # The user asks again, and this time a worker finishes it.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        report_tasks.report_generate(actor=area["lac"], report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_a_task_whose_worker_is_alive_is_left_alone(
    db_tasks, area, cases, django_capture_on_commit_callbacks
):
    report = report_services.report_create(actor=area["lac"], organisation=area["icb"], year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        report_tasks.report_generate(actor=area["lac"], report=report)
    _claimed_by("busy-worker", seen_ago=timedelta(seconds=5))
    assert recover_stuck_jobs() == {"ended_as_failed": 0, "requeued": 0}
    report.refresh_from_db()
    assert report.status == ReportStatus.GENERATING
    assert DBTaskResult.objects.get().status == "RUNNING"


def test_a_lost_e_mail_is_queued_again_once_then_ends_failed(db_tasks):
    send_acknowledgement.enqueue(notification_id=12345)
    _claimed_by("dead-worker", seen_ago=None)  # never wrote a heartbeat; started 5 minutes ago
    assert recover_stuck_jobs() == {"ended_as_failed": 0, "requeued": 1}
    first = RecoveredJob.objects.get()
    again = DBTaskResult.objects.get(pk=first.requeued_task_id)
    assert again.status == "READY" and again.args_kwargs["kwargs"] == {"notification_id": 12345}
    # Its worker dies too: not queued a third time.
    _claimed_by("another-dead-worker", seen_ago=timedelta(hours=1))
    assert recover_stuck_jobs() == {"ended_as_failed": 1, "requeued": 0}
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_an_export_whose_worker_died_ends_failed_with_a_reason(db_tasks):
    analyst = export_factories.analyst()
    recipient = export_factories.recipient()
    agreement = export_factories.agreement(recipient)
    export = export_tasks.dataset_export_request(
        actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2025
    )
    from leder.exports.tasks import generate_dataset_export

    # (The request's own enqueue waits for a commit this test never makes.)
    generate_dataset_export.enqueue(export_id=export.pk)
    DatasetExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=30)
    _claimed_by("dead-worker", seen_ago=timedelta(minutes=3))
    assert recover_stuck_jobs()["ended_as_failed"] == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and "You can ask for it again" in export.failure


@pytest.mark.parametrize("stop", [SystemExit(1), KeyboardInterrupt()])
def test_a_worker_told_to_stop_mid_report_leaves_it_failed_not_generating(
    stop,
    area,
    cases,
    monkeypatch,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.TASKS = DB_TASKS
    report = report_services.report_create(actor=area["lac"], organisation=area["icb"], year=2026)
    report_tasks.report_generate(actor=area["lac"], report=report)

    def stopped(*args, **kwargs):
        raise stop

    monkeypatch.setattr("leder.reports.documents.pdf", stopped)
    with pytest.raises(type(stop)):
        report_services.report_generate_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.progress_step == report_services.STOPPED_MESSAGE


@pytest.mark.parametrize("stop", [SystemExit(1), KeyboardInterrupt()])
def test_a_worker_told_to_stop_mid_export_leaves_it_failed_not_running(stop, monkeypatch, settings):
    settings.TASKS = DB_TASKS
    analyst = export_factories.analyst()
    recipient = export_factories.recipient()
    agreement = export_factories.agreement(recipient)
    export = export_tasks.dataset_export_request(
        actor=analyst, recipient=recipient, agreement=agreement, cohort_year=2025
    )

    def stopped(*args, **kwargs):
        raise stop

    monkeypatch.setattr("leder.exports.anonymity.anonymise", stopped)
    with pytest.raises(type(stop)):
        export_services.dataset_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.failure == export_services.STOPPED_MESSAGE
