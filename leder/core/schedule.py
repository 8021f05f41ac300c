"""The periodic jobs the scheduler runs: one registry, filled by each app's `jobs.py`.

An app declares a periodic job beside the code it runs:

    # leder/casework/jobs.py
    from leder.core.schedule import periodic

    @periodic(name="deadline-reminders", daily_at=time(7, 15),
              description="E-mail reviewers, LACs and regional coordinators about due reviews")
    def deadline_reminders() -> dict:
        return reminders_send(today=today()).as_counts()

A job is a plain function with no arguments that returns a small dict of counts (shown on the
operations page) or None. It must be safe to run again after a crash: the scheduler runs each job
at most once per due time across every scheduler process, but a job that dies half-way is run
again at its next due time.

`every` runs a job at a fixed interval; `daily_at` once a day at a Europe/London wall-clock time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

from django.utils.module_loading import autodiscover_modules

JobFunction = Callable[[], dict | None]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    function: JobFunction
    description: str
    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"Periodic job {self.name!r}: give exactly one of every or daily_at")

    def run(self) -> dict | None:
        return self.function()


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic(
    *,
    name: str,
    description: str,
    every: timedelta | None = None,
    daily_at: time | None = None,
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as a periodic job. Names are unique across the project."""

    def register(function: JobFunction) -> JobFunction:
        job = PeriodicJob(
            name=name, function=function, description=description, every=every, daily_at=daily_at
        )
        existing = _REGISTRY.get(name)
        if existing and existing.function is not function:
            raise ValueError(f"Two periodic jobs are named {name!r}")
        _REGISTRY[name] = job
        return function

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Every registered periodic job, by name, after importing each app's `jobs` module."""
    autodiscover_modules("jobs")
    return sorted(_REGISTRY.values(), key=lambda job: job.name)
