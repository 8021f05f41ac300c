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
    name="audit-checkpoint",
    every=timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES),
    description="Write a signed checkpoint of the audit log's newest row outside the database "
    "(AUDIT_CHECKPOINT_DIR, optionally e-mailed), so a history cut short is caught (ADR 0120)",
)
def audit_checkpoint() -> dict:
    from leder.core.audit_checkpoints import write_checkpoint

    checkpoint = write_checkpoint()
    return {"checkpointed_row": checkpoint.sequence if checkpoint else 0}


@periodic(
    name="audit-verify",
    daily_at=time(3, 0),
    description="Verify the audit log's keyed hash chain and its signed checkpoints; fails if a "
    "row was edited, inserted, deleted or re-chained, or the history was cut short",
)
def audit_verify() -> dict:
    from leder.core.audit import verify_chain
    from leder.core.audit_checkpoints import verify_checkpoints

    checked, broken = verify_chain()
    if broken:
        raise RuntimeError(f"Audit chain broken after checking {checked} rows. {broken}")
    count, problems = verify_checkpoints()
    if problems:
        raise RuntimeError(" ".join(str(problem) for problem in problems))
    return {"checked": checked, "checkpoints": count}


@periodic(
    name="prune-task-results",
    daily_at=time(3, 30),
    description="Delete finished background task rows older than LEDER_TASK_RESULTS_KEEP_DAYS",
)
def prune_task_results() -> dict:
    from django_tasks_db.models import DBTaskResult

    from leder.core.time import now

    cutoff = now() - timedelta(days=settings.LEDER_TASK_RESULTS_KEEP_DAYS)
    removed, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return {"removed": removed}


@periodic(
    name="retention",
    daily_at=time(4, 0),
    description="Delete or blank data past its retention period (RETENTION_* settings, "
    "ADR 0122) and audit the counts",
)
def retention() -> dict:
    from leder.operations.retention import retention_apply

    return retention_apply().as_counts()
