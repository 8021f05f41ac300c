"""What the running processes record about themselves, so that another process (and the
operations page) can tell what is alive, what ran and what was recovered."""

from django.db import models


class ProcessKind(models.TextChoices):
    WORKER = "worker", "Task worker"
    SCHEDULER = "scheduler", "Scheduler"


class ProcessHeartbeat(models.Model):
    """One row per running (or once running) worker or scheduler process, touched every few
    seconds by the process itself. A worker whose row is older than the lease timeout is dead."""

    process_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=ProcessKind.choices, db_index=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    # What it is doing now: a task id or a periodic job's name (empty when idle).
    current = models.CharField(max_length=200, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.kind} {self.process_id}"


class JobRunStatus(models.TextChoices):
    NEVER = "", "Not run yet"
    OK = "ok", "Succeeded"
    FAILED = "failed", "Failed"


class PeriodicJobState(models.Model):
    """A periodic job's schedule and last run. A scheduler runs the job only after claiming this
    row with a conditional UPDATE (due, and no unexpired lease), so two schedulers never run the
    same due time twice."""

    name = models.CharField(max_length=100, primary_key=True)
    next_due_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, choices=JobRunStatus.choices, blank=True)
    last_result = models.JSONField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_duration_ms = models.IntegerField(null=True, blank=True)
    runs = models.IntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecoveryAction(models.TextChoices):
    FAILED = "failed", "Ended as failed"
    REQUEUED = "requeued", "Queued again"


class RecoveredJob(models.Model):
    """A background task whose worker died while running it, and what recovery did about it.
    Never holds the task's arguments (a records request's token is one)."""

    task_id = models.CharField(max_length=64, unique=True)
    task_name = models.CharField(max_length=200)
    # A readable label of what the task was for, e.g. "Report 12" (no personal data).
    subject = models.CharField(max_length=200, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    recovered_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=10, choices=RecoveryAction.choices)
    reason = models.TextField()
    requeued_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-recovered_at"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
