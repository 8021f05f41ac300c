"""What the operations page and /readyz read: the queue, failed and recovered jobs, heartbeats,
periodic jobs and private media."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from leder.core.jobs import lost_work
from leder.core.schedule import periodic_jobs
from leder.core.time import now
from leder.operations.models import (
    PeriodicJobState,
    ProcessHeartbeat,
    ProcessKind,
    RecoveredJob,
)


@dataclass(frozen=True)
class Queue:
    queued: int
    running: int
    oldest_queued_at: datetime | None

    @property
    def oldest_age(self) -> timedelta | None:
        return now() - self.oldest_queued_at if self.oldest_queued_at else None


def queue() -> Queue:
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return Queue(
        queued=ready.count(),
        running=DBTaskResult.objects.running().count(),
        oldest_queued_at=oldest,
    )


def retryable(task_path: str) -> bool:
    """A failed task may be queued again from the operations page only when its app declared it
    safe to repeat (`when_lost(..., requeue=True)`). Reports and exports are asked for again on
    their own pages, where the person who asked sees the result."""
    declared = lost_work(task_path)
    return bool(declared and declared.requeue)


@dataclass(frozen=True)
class FailedTask:
    task: DBTaskResult
    name: str
    subject: str
    error: str
    recovered: RecoveredJob | None
    can_retry: bool
    retried: bool


def failed_tasks(limit: int = 20) -> list[FailedTask]:
    rows = list(DBTaskResult.objects.failed().order_by("-finished_at")[:limit])
    recovered = {
        r.task_id: r for r in RecoveredJob.objects.filter(task_id__in=[str(t.pk) for t in rows])
    }
    retried = set(
        RecoveredJob.objects.exclude(requeued_task_id="").values_list("task_id", flat=True)
    )
    found = []
    for task in rows:
        declared = lost_work(task.task_path)
        kwargs = (task.args_kwargs or {}).get("kwargs") or {}
        found.append(
            FailedTask(
                task=task,
                name=task.task_path.rsplit(".", 1)[-1].replace("_", " "),
                subject=declared.subject(kwargs) if declared else "",
                error=task.exception_class_path.rsplit(".", 1)[-1],
                recovered=recovered.get(str(task.pk)),
                can_retry=bool(declared and declared.requeue),
                retried=str(task.pk) in retried,
            )
        )
    return found


def recovered_jobs(limit: int = 20) -> list[RecoveredJob]:
    return list(RecoveredJob.objects.all()[:limit])


def heartbeats(limit: int = 10) -> list[ProcessHeartbeat]:
    return list(ProcessHeartbeat.objects.order_by("-last_seen")[:limit])


def process_state(beat: ProcessHeartbeat) -> str:
    if beat.stopped_at is not None:
        return "Stopped"
    lease = timedelta(seconds=settings.LEDER_WORKER_LEASE_SECONDS)
    return "Running" if beat.last_seen >= now() - lease else "Not seen (stopped or lost)"


def live_count(kind: str) -> int:
    lease = timedelta(seconds=settings.LEDER_WORKER_LEASE_SECONDS)
    return ProcessHeartbeat.objects.filter(
        kind=kind, stopped_at__isnull=True, last_seen__gte=now() - lease
    ).count()


@dataclass(frozen=True)
class JobRow:
    name: str
    description: str
    schedule: str
    state: PeriodicJobState | None


def job_rows() -> list[JobRow]:
    states = {s.name: s for s in PeriodicJobState.objects.all()}
    rows = []
    for job in periodic_jobs():
        if job.every is not None:
            seconds = int(job.every.total_seconds())
            when = f"Every {seconds // 60} minutes" if seconds % 60 == 0 else f"Every {seconds} s"
            if seconds == 60:
                when = "Every minute"
        else:
            when = f"Daily at {job.daily_at.strftime('%H:%M')}"
        rows.append(JobRow(job.name, job.description, when, states.get(job.name)))
    return rows


def audit_verification() -> PeriodicJobState | None:
    return PeriodicJobState.objects.filter(name="audit-verify").first()


@dataclass(frozen=True)
class MediaSize:
    files: int
    bytes: int


def private_media_size() -> MediaSize:
    root = Path(settings.LEDER_PRIVATE_MEDIA_ROOT)
    files = total = 0
    if root.exists():
        for path in root.rglob("*"):
            if path.is_file():
                files += 1
                total += path.stat().st_size
    return MediaSize(files, total)


@dataclass(frozen=True)
class Readiness:
    database: bool
    worker: bool
    queue: bool

    @property
    def ready(self) -> bool:
        return self.database and self.worker and self.queue


def readiness() -> Readiness:
    """The load balancer's question: can this installation do its work now?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return Readiness(database=False, worker=False, queue=False)
    current = queue()
    age = current.oldest_age
    return Readiness(
        database=True,
        worker=live_count(ProcessKind.WORKER) > 0,
        queue=age is None or age.total_seconds() <= settings.LEDER_READY_MAX_QUEUE_AGE_SECONDS,
    )
