"""The scheduler: each due run of a periodic job happens once across every scheduler."""

import re
import signal
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from leder.core import schedule
from leder.core.time import now
from leder.operations import scheduler
from leder.operations.models import JobRunStatus, PeriodicJobState, ProcessHeartbeat
from leder.operations.tests.processes import wait_for

LONDON = ZoneInfo("Europe/London")


def job(name="tick", **kwargs):
    calls = []
    kwargs = kwargs or {"every": timedelta(minutes=5)}
    return schedule.PeriodicJob(
        name=name, function=lambda: calls.append(1) or {"n": len(calls)}, description="", **kwargs
    ), calls


def test_every_project_job_is_registered():
    names = {j.name for j in schedule.periodic_jobs()}
    assert {
        "deadline-reminders",
        "action-reminders",
        "clear-sessions",
        "audit-verify",
        "recover-stuck-jobs",
        "prune-task-results",
    } <= names


def test_daily_jobs_are_due_at_the_london_wall_clock_time_across_a_clock_change():
    daily, _ = job(daily_at=time(7, 15))
    # The night the clocks go forward (29 March 2026): 07:15 BST is 06:15 UTC.
    after = datetime(2026, 3, 28, 8, 0, tzinfo=LONDON)
    due = scheduler.next_daily(daily, after)
    assert due == datetime(2026, 3, 29, 7, 15, tzinfo=LONDON)
    assert due.astimezone(ZoneInfo("UTC")).hour == 6


def test_an_interval_job_missed_for_hours_runs_once_then_is_due_in_the_future():
    every, _ = job(every=timedelta(minutes=5))
    started = now()
    following = scheduler.next_due(every, due=started - timedelta(hours=3), started=started)
    assert following == started + timedelta(minutes=5)


@pytest.mark.django_db
def test_a_claimed_run_is_not_claimed_again_and_records_its_result():
    tick, calls = job()
    assert scheduler.run_due("one", jobs=[tick])[0].status == JobRunStatus.OK
    # Due again only in five minutes: neither scheduler runs it now.
    assert scheduler.run_due("one", jobs=[tick]) == []
    assert scheduler.run_due("two", jobs=[tick]) == []
    state = PeriodicJobState.objects.get(name="tick")
    assert calls == [1]
    assert state.runs == 1 and state.last_result == {"n": 1} and state.lease_until is None
    assert state.last_duration_ms is not None and state.claimed_by == "one"
    assert state.next_due_at > now() + timedelta(minutes=4)


@pytest.mark.django_db
def test_a_run_claimed_by_another_scheduler_is_left_alone_until_its_lease_expires(settings):
    tick, calls = job()
    scheduler.ensure_states([tick])
    assert scheduler.claim(tick, "one") is not None
    assert scheduler.claim(tick, "two") is None
    # "one" died holding the lease; once it expires, "two" runs the job.
    PeriodicJobState.objects.filter(name="tick").update(lease_until=now() - timedelta(seconds=1))
    assert scheduler.run_due("two", jobs=[tick])[0].status == JobRunStatus.OK
    assert calls == [1]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_as_failed_with_its_error_and_due_again_later():
    def broken():
        raise RuntimeError("the mail server said no")

    failing = schedule.PeriodicJob(
        name="broken", function=broken, description="", every=timedelta(minutes=1)
    )
    outcome = scheduler.run_due("one", jobs=[failing])[0]
    state = PeriodicJobState.objects.get(name="broken")
    assert outcome.status == state.last_status == JobRunStatus.FAILED
    assert "the mail server said no" in state.last_error
    assert state.lease_until is None and state.next_due_at > now()


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_at_once_run_each_due_job_once(processes, tmp_path):
    names = [j.name for j in schedule.periodic_jobs()]
    interval_jobs = {j.name for j in schedule.periodic_jobs() if j.every}
    # Interval jobs would be due again within the test; make them hourly.
    env = {
        "LEDER_RECOVER_EVERY_SECONDS": "3600",
        "AUDIT_CHECKPOINT_MINUTES": "60",
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }
    first = processes.manage(
        "scheduler", "-v2", "--scheduler-id", "first", name="first", extra_env=env
    )
    second = processes.manage(
        "scheduler", "-v2", "--scheduler-id", "second", name="second", extra_env=env
    )
    wait_for(
        lambda: ProcessHeartbeat.objects.filter(process_id__in=["first", "second"]).count() == 2,
        what="both schedulers to start",
    )
    wait_for(
        lambda: PeriodicJobState.objects.filter(name__in=names).count() == len(names),
        what="the schedulers to create every job's row",
    )
    wait_for(
        lambda: PeriodicJobState.objects.filter(
            name="recover-stuck-jobs", runs=1, lease_until__isnull=True
        ).exists(),
        what="the first run of the interval job",
    )
    # Make every job due now, while both schedulers poll every second.
    PeriodicJobState.objects.update(next_due_at=now() - timedelta(seconds=1))
    wait_for(
        lambda: (
            not PeriodicJobState.objects.filter(next_due_at__lte=now()).exists()
            and not PeriodicJobState.objects.filter(lease_until__isnull=False).exists()
        ),
        what="every due job to be run",
    )

    # Both schedulers then finish two more passes each, in which nothing is due.
    def passes(process):
        return len(re.findall(r"^pass \d+:", processes.output(process), flags=re.M))

    marks = {p: passes(p) for p in (first, second)}
    wait_for(
        lambda: all(passes(p) >= marks[p] + 2 for p in (first, second)),
        what="two more passes of each scheduler",
    )
    for p in (first, second):
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=120) == 0
    logs = processes.output(first) + processes.output(second)
    for name in names:
        runs = re.findall(rf"^{re.escape(name)}: (?:ok|failed)", logs, flags=re.M)
        # Once when first due at start (daily jobs are not), once when made due.
        expected = 2 if name in interval_jobs else 1
        assert len(runs) == expected, (name, logs)
        state = PeriodicJobState.objects.get(name=name)
        assert state.runs == expected and state.last_status == JobRunStatus.OK, state.last_error
    assert "stopped" in processes.output(first) and "stopped" in processes.output(second)
    assert ProcessHeartbeat.objects.filter(stopped_at__isnull=False).count() == 2
