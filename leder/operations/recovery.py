"""Recovering background tasks whose worker died (docs/adr/0100-scheduler-and-job-leases.md).

The database task backend marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED
when the worker finishes it. A worker killed in between (SIGKILL, a lost machine, the OOM
killer) leaves it RUNNING for ever. Each worker keeps a heartbeat (`leder.operations.heartbeats`);
a RUNNING task whose worker has not been seen for LEDER_WORKER_LEASE_SECONDS is lost: it is
marked FAILED (by a conditional UPDATE, so two recoveries cannot both act on it) and then, as
its app declared (`leder.core.jobs.when_lost`), re-queued once or ended visibly as failed.
A task is re-queued only after its worker is known dead, so it never runs twice at once."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from leder.core import audit
from leder.core.jobs import lost_work
from leder.core.models import AuditAction
from leder.core.time import now
from leder.operations.models import ProcessHeartbeat, RecoveredJob, RecoveryAction

logger = logging.getLogger(__name__)

LOST_EXCEPTION = "leder.operations.recovery.WorkerLost"
ACTOR = "system:recover-stuck-jobs"


class WorkerLost(Exception):
    """The worker running a task stopped before finishing it."""


def _lost_tasks(moment):
    lease = timedelta(seconds=settings.LEDER_WORKER_LEASE_SECONDS)
    cutoff = moment - lease
    running = list(DBTaskResult.objects.running())
    workers = {row.worker_ids[-1] for row in running if row.worker_ids}
    beats = {hb.process_id: hb for hb in ProcessHeartbeat.objects.filter(process_id__in=workers)}
    for row in running:
        worker = row.worker_ids[-1] if row.worker_ids else ""
        beat = beats.get(worker)
        if beat is None:
            # A worker that never wrote a heartbeat: judged by how long the task has run.
            if row.started_at and row.started_at < cutoff:
                yield row, worker, None
        elif beat.last_seen < cutoff or beat.stopped_at is not None:
            yield row, worker, beat.last_seen


def recover_stuck_jobs() -> dict:
    """Find tasks whose worker died and end or re-queue each. Returns counts."""
    moment = now()
    counts = {"failed": 0, "requeued": 0}
    for row, worker, last_seen in _lost_tasks(moment):
        action = _recover(row, worker, last_seen, moment)
        if action:
            counts[action] += 1
    # "failed" here counts recovered jobs, not a failure of this job.
    return {"ended_as_failed": counts["failed"], "requeued": counts["requeued"]}


def _recover(row: DBTaskResult, worker: str, last_seen, moment) -> str | None:
    seen = f"last seen {_clock(last_seen)}" if last_seen else "never seen"
    reason = (
        f"The background worker stopped while doing this ({seen}); "
        "it was not finished. You can ask for it again."
    )
    with transaction.atomic():
        marked = DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
            status="FAILED",
            finished_at=moment,
            exception_class_path=LOST_EXCEPTION,
            traceback=f"{LOST_EXCEPTION}: worker {worker or '?'} {seen}",
            return_value=None,
        )
        if not marked:
            return None
        declared = lost_work(row.task_path)
        kwargs = dict(row.args_kwargs.get("kwargs") or {})
        subject = declared.subject(kwargs) if declared else row.task_path.rsplit(".", 1)[-1]
        already_requeued = RecoveredJob.objects.filter(requeued_task_id=str(row.pk)).exists()
        requeued_id = ""
        if declared and declared.requeue and not already_requeued:
            action = RecoveryAction.REQUEUED
            task = row.task
            result = task.enqueue(*row.args_kwargs.get("args", []), **kwargs)
            requeued_id = str(result.id)
        else:
            action = RecoveryAction.FAILED
            if declared and declared.end:
                declared.end(kwargs, reason)
        recovered = RecoveredJob.objects.create(
            task_id=str(row.pk),
            task_name=row.task_path.rsplit(".", 1)[-1][:200],
            subject=subject[:200],
            worker_id=worker[:64],
            recovered_at=moment,
            action=action,
            reason=reason,
            requeued_task_id=requeued_id,
        )
        audit.record(
            actor=ACTOR,
            action=AuditAction.UPDATE,
            obj=recovered,
            summary=f"Recovered {subject}: {recovered.get_action_display().lower()} ({seen})",
            details={"task": row.task_path, "task_id": str(row.pk), "worker": worker},
        )
    logger.warning("Recovered task %s (%s): %s", row.pk, row.task_path, action)
    return str(action)


def _clock(moment) -> str:
    from leder.core import presenters

    return presenters.datetime_long(moment)
