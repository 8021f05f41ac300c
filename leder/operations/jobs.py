"""Periodic jobs that keep the service itself in order, run by the scheduler."""

from datetime import time, timedelta

from django.conf import settings

from leder.core.schedule import periodic


@periodic(
    name="recover-stuck-jobs",
    every=timedelta(seconds=settings.LEDER_RECOVER_EVERY_SECONDS),
    description="End or re-queue background jobs whose worker stopped while running them",
)
def recover_stuck_jobs() -> dict:
    from leder.operations.recovery import recover_stuck_jobs as recover

    return recover()


@periodic(
    name="clear-sessions",
    daily_at=time(2, 30),
    description="Remove expired sessions (they hold a public notifier's unsent answers)",
)
def clear_sessions() -> dict:
    from django.contrib.sessions.models import Session

    from leder.core.time import now

    removed, _ = Session.objects.filter(expire_date__lt=now()).delete()
    return {"removed": removed}


@periodic(
    name="audit-verify",
    daily_at=time(3, 0),
    description="Verify the audit log's hash chain; fails if a row was edited, inserted or deleted",
)
def audit_verify() -> dict:
    from leder.core.audit import verify_chain

    checked, broken = verify_chain()
    if broken:
        raise RuntimeError(f"Audit chain broken after checking {checked} rows. {broken}")
    return {"checked": checked}


@periodic(
    name="prune-task-results",
    daily_at=time(3, 30),
    description="Delete finished background task rows older than LEDER_TASK_RESULTS_KEEP_DAYS "
    "(a records request's task holds its upload link)",
)
def prune_task_results() -> dict:
    from django_tasks_db.models import DBTaskResult

    from leder.core.time import now

    cutoff = now() - timedelta(days=settings.LEDER_TASK_RESULTS_KEEP_DAYS)
    removed, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return {"removed": removed}
