"""What happens to a background task whose worker died while running it.

An app declares it beside the task, in its `tasks.py`:

    @task
    def generate_report(*, report_id: int) -> None: ...

    when_lost(generate_report, subject=lambda kw: f"Report {kw['report_id']}",
              end=report_generate_lost)   # end the report as failed, with a reason the user sees

or, for work that is safe to do again (an e-mail that says the same thing twice at worst):

    when_lost(send_acknowledgement, subject=..., requeue=True)

`leder.operations.recovery.recover_stuck_jobs` (a periodic job) finds tasks left "running" by a
worker whose heartbeat stopped, marks them failed, and then re-queues them once (`requeue`) or
calls `end(kwargs, reason)` so the page the user watches says what happened and offers to try
again. A task with no declaration is marked failed and shown on the operations page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class LostWork:
    task_path: str
    subject: Callable[[dict], str]
    end: Callable[[dict, str], None] | None = None
    requeue: bool = False


_REGISTRY: dict[str, LostWork] = {}


def when_lost(
    task,
    *,
    subject: Callable[[dict], str],
    end: Callable[[dict, str], None] | None = None,
    requeue: bool = False,
) -> None:
    """Declare what recovery does with `task` when its worker dies mid-run."""
    if (end is None) == (not requeue):
        raise ValueError(f"{task.module_path}: give exactly one of end or requeue=True")
    _REGISTRY[task.module_path] = LostWork(
        task_path=task.module_path, subject=subject, end=end, requeue=requeue
    )


def lost_work(task_path: str) -> LostWork | None:
    """The declaration for a task path, after importing every app's `tasks` module."""
    autodiscover_modules("tasks")
    return _REGISTRY.get(task_path)


@dataclass(frozen=True)
class WorkerStatus:
    """Whether a task worker has been seen within the lease timeout (None: nobody can tell)."""

    seen_recently: bool | None
    last_seen: object = None


_WORKER_STATUS: list[Callable[[], WorkerStatus]] = []


def provide_worker_status(provider: Callable[[], WorkerStatus]) -> None:
    """Set by `leder.operations` (which keeps the workers' heartbeats) when it is installed."""
    _WORKER_STATUS[:] = [provider]


def worker_status() -> WorkerStatus:
    """For progress pages: is anything going to run the queued work?"""
    return _WORKER_STATUS[0]() if _WORKER_STATUS else WorkerStatus(seen_recently=None)
