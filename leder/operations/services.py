"""Writes from the operations page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from leder.accounts import rules
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.operations.models import RecoveredJob, RecoveryAction
from leder.operations.selectors import retryable


def task_retry(*, actor, task_id: str) -> str:
    """Queue a failed background task again with the same arguments (administrators only, and
    only a task its app declared safe to repeat). Refused when it was already retried or is not
    failed. Returns the new task's id. Audited (never with the arguments: a records request's
    holds its upload link)."""
    if not rules.is_administrator(actor):
        raise PermissionDenied("Only an administrator can retry background jobs.")
    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        if task is None or task.status != "FAILED":
            raise ValidationError("That job has not failed, or no longer exists.")
        if not retryable(task.task_path):
            raise ValidationError(
                "This job cannot be retried from here: ask for it again on its own page."
            )
        if RecoveredJob.objects.filter(task_id=str(task.pk)).exclude(requeued_task_id="").exists():
            raise ValidationError("This job has already been queued again.")
        args_kwargs = task.args_kwargs or {}
        result = task.task.enqueue(*args_kwargs.get("args", []), **args_kwargs.get("kwargs", {}))
        existing = RecoveredJob.objects.filter(task_id=str(task.pk)).first()
        if existing:
            existing.requeued_task_id = str(result.id)
            existing.save(update_fields=["requeued_task_id"])
        else:
            RecoveredJob.objects.create(
                task_id=str(task.pk),
                task_name=task.task_path.rsplit(".", 1)[-1][:200],
                recovered_at=now(),
                action=RecoveryAction.REQUEUED,
                reason="It failed; an administrator queued it again.",
                requeued_task_id=str(result.id),
            )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            summary=f"Retried the failed background job {task.task_path.rsplit('.', 1)[-1]}",
            details={
                "task": task.task_path,
                "task_id": str(task.pk),
                "new_task_id": str(result.id),
            },
        )
    return str(result.id)
