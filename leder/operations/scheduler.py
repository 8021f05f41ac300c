"""The scheduler: runs every periodic job registered with `leder.core.schedule`, each due time
once across every scheduler process (docs/adr/0100-scheduler-and-job-leases.md).

Each job has a row (`PeriodicJobState`) holding its next due time. A scheduler runs a job only
after claiming that row with one conditional UPDATE: "set a lease where the job is due and no
unexpired lease is held". The database applies UPDATEs to one row one at a time (SQLite locks
the whole database, PostgreSQL the row), so exactly one scheduler's UPDATE changes the row; the
others change nothing and move on. After the run the claimant sets the next due time and clears
the lease. A scheduler that dies mid-run leaves a lease that expires after
LEDER_SCHEDULER_LEASE_SECONDS, when another scheduler runs the job again (jobs are written to be
safe to run again)."""

import logging
import time as clock
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from leder.core.schedule import PeriodicJob, periodic_jobs
from leder.core.time import now
from leder.operations.models import JobRunStatus, PeriodicJobState

logger = logging.getLogger(__name__)


def first_due(job: PeriodicJob, moment: datetime) -> datetime:
    """When a job never run before is first due: at once for an interval job, at the next
    wall-clock time for a daily one."""
    if job.every is not None:
        return moment
    return next_daily(job, moment)


def next_daily(job: PeriodicJob, after: datetime) -> datetime:
    """The first Europe/London `daily_at` strictly after `after` (aware, DST-safe)."""
    local = timezone.localtime(after)
    candidate = timezone.make_aware(datetime.combine(local.date(), job.daily_at))
    while candidate <= after:
        local_day = timezone.localtime(candidate).date() + timedelta(days=1)
        candidate = timezone.make_aware(datetime.combine(local_day, job.daily_at))
    return candidate


def next_due(job: PeriodicJob, *, due: datetime, started: datetime) -> datetime:
    """The due time after a run that was due at `due` and started at `started`. A scheduler
    that was down does not run a job once for every time it missed: the next due time is in
    the future."""
    if job.every is not None:
        following = due + job.every
        return following if following > started else started + job.every
    return next_daily(job, started)


def ensure_states(jobs: list[PeriodicJob]) -> None:
    """Create the missing rows (two schedulers starting together: one insert wins)."""
    moment = now()
    existing = set(PeriodicJobState.objects.values_list("name", flat=True))
    for job in jobs:
        if job.name in existing:
            continue
        try:
            with transaction.atomic():
                PeriodicJobState.objects.create(name=job.name, next_due_at=first_due(job, moment))
        except IntegrityError:
            pass


def claim(job: PeriodicJob, scheduler_id: str) -> datetime | None:
    """Claim the job's due run for this scheduler. Returns the due time claimed, or None when
    the job is not due or another scheduler holds it."""
    moment = now()
    state = PeriodicJobState.objects.filter(name=job.name).values("next_due_at").first()
    if state is None or state["next_due_at"] > moment:
        return None
    due = state["next_due_at"]
    lease = moment + timedelta(seconds=settings.LEDER_SCHEDULER_LEASE_SECONDS)
    claimed = (
        PeriodicJobState.objects.filter(name=job.name, next_due_at=due)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=moment))
        .update(lease_until=lease, claimed_by=scheduler_id, last_started_at=moment)
    )
    return due if claimed == 1 else None


@dataclass
class Outcome:
    name: str
    status: str
    result: dict | None
    error: str
    duration_ms: int


def run_claimed(job: PeriodicJob, *, due: datetime, scheduler_id: str) -> Outcome:
    """Run a claimed job and record its result, duration and next due time. A job that raises
    is recorded as failed (with the error) and is due again at its next time."""
    started = now()
    tick = clock.monotonic()
    result, error, status = None, "", JobRunStatus.OK
    try:
        result = job.run()
        if isinstance(result, dict) and (result.get("failed") or result.get("unconfirmed")):
            status = JobRunStatus.FAILED
            error = "Some items failed; they are tried again at the next run."
    except Exception as failure:
        logger.exception("Periodic job %s failed", job.name)
        status = JobRunStatus.FAILED
        error = "".join(traceback.format_exception_only(failure)).strip()[:2000]
    duration_ms = int((clock.monotonic() - tick) * 1000)
    PeriodicJobState.objects.filter(name=job.name, claimed_by=scheduler_id).update(
        next_due_at=next_due(job, due=due, started=started),
        lease_until=None,
        last_finished_at=now(),
        last_status=status,
        last_result=_jsonable(result),
        last_error=error,
        last_duration_ms=duration_ms,
        runs=F("runs") + 1,
    )
    return Outcome(job.name, status, result, error, duration_ms)


def _jsonable(result):
    if result is None or isinstance(result, dict | list | str | int | float | bool):
        return result
    return str(result)


def run_due(scheduler_id: str, *, jobs: list[PeriodicJob] | None = None, on_job=None) -> list:
    """One pass: run every job that is due and that this scheduler claims. Returns outcomes."""
    jobs = periodic_jobs() if jobs is None else jobs
    ensure_states(jobs)
    outcomes = []
    for job in jobs:
        due = claim(job, scheduler_id)
        if due is None:
            continue
        if on_job:
            on_job(job.name)
        try:
            outcomes.append(run_claimed(job, due=due, scheduler_id=scheduler_id))
        finally:
            if on_job:
                on_job("")
    return outcomes
