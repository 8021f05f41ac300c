"""`manage.py db_worker`: django-tasks-db's worker, with a heartbeat.

This app comes before `django_tasks_db` in INSTALLED_APPS, so this command replaces the
package's own under the same name and with the same options. While it runs, a thread touches
the worker's `ProcessHeartbeat` row every LEDER_HEARTBEAT_SECONDS; the recovery job treats a
task left "running" by a worker not seen for LEDER_WORKER_LEASE_SECONDS as lost."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as PackageWorkerCommand
from django_tasks_db.models import DBTaskResult

from leder.operations import heartbeats
from leder.operations.models import ProcessKind


class Command(PackageWorkerCommand):
    help = "Run the background task worker (with a heartbeat for the operations page)"

    def handle(self, *args, worker_id: str, reload: bool = False, batch: bool = False, **options):
        # With --reload the parent only watches files; the child (which runs tasks) beats.
        watching_parent = reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watching_parent:
            return super().handle(*args, worker_id=worker_id, reload=reload, batch=batch, **options)
        heartbeats.beat(worker_id, ProcessKind.WORKER)
        beating = heartbeats.HeartbeatThread(
            worker_id, ProcessKind.WORKER, current=lambda: _running_task(worker_id)
        )
        beating.start()
        try:
            return super().handle(*args, worker_id=worker_id, reload=reload, batch=batch, **options)
        finally:
            beating.stop()
            heartbeats.stopped(worker_id)


def _running_task(worker_id: str) -> str:
    """What the worker is running now, for the operations page ("generate_report <id>")."""
    for path, workers, pk in DBTaskResult.objects.running().values_list(
        "task_path", "worker_ids", "id"
    ):
        if workers and workers[-1] == worker_id:
            return f"{path.rsplit('.', 1)[-1]} {pk}"
    return ""
