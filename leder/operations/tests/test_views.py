"""The operations page (administrators only), the retry button, /healthz and /readyz."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.core.models import AuditEvent
from leder.core.time import now
from leder.notifications.tasks import send_acknowledgement
from leder.operations.heartbeats import beat
from leder.operations.models import PeriodicJobState, ProcessHeartbeat, RecoveredJob
from leder.operations.recovery import recover_stuck_jobs
from leder.reports.tasks import generate_report

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def admin(client):
    user = user_with_role(Role.ADMINISTRATOR)
    sign_in_verified(client, user)
    return user


def test_only_administrators_see_the_operations_page(client):
    sign_in_verified(client, user_with_role(Role.LAC))
    assert client.get(reverse("operations:index")).status_code == 403


def test_the_page_shows_the_queue_jobs_heartbeats_audit_check_and_private_files(
    client, admin, settings
):
    settings.TASKS = DB_TASKS
    generate_report.enqueue(report_id=1)
    DBTaskResult.objects.update(enqueued_at=now() - timedelta(minutes=7))
    beat("scheduler-a", "scheduler")
    PeriodicJobState.objects.create(
        name="audit-verify",
        next_due_at=now() + timedelta(hours=20),
        last_started_at=now(),
        last_finished_at=now(),
        last_status="ok",
        last_result={"checked": 42},
        last_duration_ms=15,
        runs=1,
    )
    (settings.LEDER_PRIVATE_MEDIA_ROOT / "records").mkdir(parents=True)
    (settings.LEDER_PRIVATE_MEDIA_ROOT / "records" / "a.pdf").write_bytes(b"x" * 2048)
    page = client.get(reverse("operations:index")).content.decode()
    assert "Jobs waiting" in page and "7 minutes" in page
    assert "No task worker is running" in page and "No scheduler is running" not in page
    assert "deadline-reminders" in page and "Daily at 07:15" in page
    assert "The audit chain is intact: checked: 42" in page
    assert "1 files, 2.0 KB" in page
    assert "scheduler-a" in page


def test_a_failed_e_mail_is_retried_once_from_the_page_and_audited(client, admin, settings):
    settings.TASKS = DB_TASKS
    settings.LEDER_WORKER_LEASE_SECONDS = 60
    send_acknowledgement.enqueue(notification_id=7)
    generate_report.enqueue(report_id=8)
    DBTaskResult.objects.update(
        status="FAILED", finished_at=now(), exception_class_path="smtplib.SMTPException"
    )
    page = client.get(reverse("operations:index")).content.decode()
    assert "Acknowledgement e-mail 7" in page and "SMTPException" in page
    email = DBTaskResult.objects.get(task_path__endswith="send_acknowledgement")
    report = DBTaskResult.objects.get(task_path__endswith="generate_report")
    assert f'name="task" value="{email.pk}"' in page
    assert f'name="task" value="{report.pk}"' not in page
    assert "Ask again on its own page" in page  # the report
    response = client.post(reverse("operations:retry"), {"task": str(email.pk)})
    assert response.status_code == 302
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs["kwargs"] == {"notification_id": 7}
    assert AuditEvent.objects.filter(summary__startswith="Retried the failed").count() == 1
    # Not twice.
    page = client.post(reverse("operations:retry"), {"task": str(email.pk)}).content.decode()
    assert "already been queued again" in page
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    # A report is asked for again on its own page, not here.
    page = client.post(reverse("operations:retry"), {"task": str(report.pk)}).content.decode()
    assert "ask for it again on its own page" in page


def test_a_recovered_job_is_listed_with_its_reason(client, admin, settings):
    settings.TASKS = DB_TASKS
    settings.LEDER_WORKER_LEASE_SECONDS = 60
    generate_report.enqueue(report_id=99)
    DBTaskResult.objects.update(
        status="RUNNING", worker_ids=["gone"], started_at=now() - timedelta(minutes=5)
    )
    recover_stuck_jobs()
    assert RecoveredJob.objects.count() == 1
    page = client.get(reverse("operations:index")).content.decode()
    assert "Annual report 99" in page and "Ended as failed" in page
    assert "background worker stopped" in page


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200


def test_readyz_needs_a_live_worker_and_a_young_queue(client, settings):
    settings.TASKS = DB_TASKS
    settings.LEDER_WORKER_LEASE_SECONDS = 60
    settings.LEDER_READY_MAX_QUEUE_AGE_SECONDS = 600
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "no worker seen recently"
    beat("worker-1", "worker")
    assert client.get("/readyz").status_code == 200
    send_acknowledgement.enqueue(notification_id=1)
    DBTaskResult.objects.update(enqueued_at=now() - timedelta(minutes=11))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["queue"] != "ok"
    ProcessHeartbeat.objects.update(last_seen=now() - timedelta(minutes=5))
    DBTaskResult.objects.all().delete()
    assert client.get("/readyz").status_code == 503
