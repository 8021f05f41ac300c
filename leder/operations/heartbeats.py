"""Heartbeats: each worker and scheduler process touches its own row every few seconds from a
background thread, so a process busy with a long job still shows as alive, and a killed one
stops being seen."""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection

from leder.core.time import now
from leder.operations.models import ProcessHeartbeat, ProcessKind

logger = logging.getLogger(__name__)


def beat(process_id: str, kind: str, *, current: str | None = None) -> None:
    """Record that the process is alive now (creating its row the first time)."""
    moment = now()
    values = {"last_seen": moment, "stopped_at": None}
    if current is not None:
        values["current"] = current[:200]
    updated = ProcessHeartbeat.objects.filter(process_id=process_id).update(**values)
    if not updated:
        ProcessHeartbeat.objects.update_or_create(
            process_id=process_id,
            defaults={
                "kind": kind,
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": moment,
                "current": (current or "")[:200],
                "last_seen": moment,
                "stopped_at": None,
            },
        )


def stopped(process_id: str) -> None:
    """Record a clean stop, so the operations page does not count the process as lost."""
    ProcessHeartbeat.objects.filter(process_id=process_id).update(
        stopped_at=now(), current="", last_seen=now()
    )


def alive_since() -> "timedelta":
    return timedelta(seconds=settings.LEDER_WORKER_LEASE_SECONDS)


def live(kind: str):
    """The processes of `kind` seen within the lease timeout and not stopped."""
    return ProcessHeartbeat.objects.filter(
        kind=kind, stopped_at__isnull=True, last_seen__gte=now() - alive_since()
    )


def worker_seen_recently() -> bool:
    return live(ProcessKind.WORKER).exists()


class HeartbeatThread(threading.Thread):
    """Beats for `process_id` every LEDER_HEARTBEAT_SECONDS until `stop()`. Uses its own
    database connection (Django's connections are per thread)."""

    def __init__(self, process_id: str, kind: str, *, current=lambda: None):
        super().__init__(name=f"heartbeat-{process_id}", daemon=True)
        self.process_id = process_id
        self.kind = kind
        self.current = current
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                try:
                    close_old_connections()
                    beat(self.process_id, self.kind, current=self.current())
                except Exception:
                    logger.exception("Heartbeat of %s failed; trying again", self.process_id)
                self._stop_event.wait(settings.LEDER_HEARTBEAT_SECONDS)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()


def worker_status():
    """The provider behind `leder.core.jobs.worker_status` (progress pages)."""
    from leder.core.jobs import WorkerStatus

    last = (
        ProcessHeartbeat.objects.filter(kind=ProcessKind.WORKER)
        .order_by("-last_seen")
        .values_list("last_seen", flat=True)
        .first()
    )
    return WorkerStatus(seen_recently=worker_seen_recently(), last_seen=last)
