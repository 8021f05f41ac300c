"""The operations page and a progress page with no worker, in real Chromium: axe finds nothing,
the console stays clean, the retry button works by keyboard, and the progress page refreshes
without a meta refresh."""

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.schedule import periodic_jobs
from leder.core.time import now
from leder.notifications.tasks import send_acknowledgement
from leder.operations.heartbeats import beat
from leder.operations.models import PeriodicJobState, ProcessHeartbeat
from leder.operations.recovery import recover_stuck_jobs
from leder.operations.scheduler import ensure_states, run_due
from leder.reports import services as report_services
from leder.reports.models import Report, ReportStatus
from leder.reports.tasks import generate_report, report_generate
from leder.reports.tests.conftest import area  # noqa: F401

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("LEDER_SCREENSHOTS")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def signed_in(page, live_server, user):
    page.context.clear_cookies()
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def snap(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_operations_page_and_a_progress_page_without_a_worker(page, live_server, axe_check, area):
    page.set_default_timeout(120_000)
    with override_settings(TASKS=DB_TASKS, LEDER_WORKER_LEASE_SECONDS=60):
        # The periodic jobs ran once; a worker died mid-report; an e-mail failed.
        ensure_states(periodic_jobs())
        PeriodicJobState.objects.update(next_due_at=now() - timedelta(seconds=1))
        run_due("scheduler-demo")
        beat("scheduler-demo", "scheduler")
        report = report_services.report_create(
            actor=area["lac"], organisation=area["icb"], year=2026
        )
        report_generate(actor=area["lac"], report=report)
        beat("worker-lost", "worker")
        ProcessHeartbeat.objects.filter(process_id="worker-lost").update(
            last_seen=now() - timedelta(minutes=10)
        )
        DBTaskResult.objects.filter(task_path=generate_report.module_path).update(
            status="RUNNING", worker_ids=["worker-lost"], started_at=now() - timedelta(minutes=10)
        )
        recover_stuck_jobs()
        send_acknowledgement.enqueue(notification_id=4242)
        DBTaskResult.objects.filter(task_path=send_acknowledgement.module_path).update(
            status="FAILED",
            finished_at=now(),
            exception_class_path="smtplib.SMTPServerDisconnected",
        )

    admin = user_with_role(Role.ADMINISTRATOR)
    signed_in(page, live_server, admin)
    page.goto(f"{live_server.url}/staff/operations/")
    assert page.locator("h1").inner_text() == "Operations"
    content = page.content()
    assert "No task worker is running" in content
    assert "Annual report" in content and "Ended as failed" in content
    assert "The audit chain is intact" in content
    snap(page, "operations")
    axe_check(page)

    # Retry the e-mail by keyboard (into the database queue, as in production).
    page.get_by_role("button", name="Retry Acknowledgement e-mail 4242").focus()
    with override_settings(TASKS=DB_TASKS), page.expect_navigation():
        page.keyboard.press("Enter")
    assert "The job was queued again." in page.content()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    axe_check(page)

    # The report's progress page (the report is generating again, and no worker is running).
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.GENERATING, progress=0, progress_step="Waiting to start"
    )
    signed_in(page, live_server, area["lac"])
    page.goto(f"{live_server.url}/staff/reports/annual/{report.pk}/progress")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert "No background worker is running" in page.content()
    snap(page, "report-progress-no-worker")
    axe_check(page)
    # When it is done, the page follows by itself (core/progress.js), without a reload loop.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED)
    page.wait_for_url(f"{live_server.url}/staff/reports/annual/{report.pk}")
    axe_check(page)
