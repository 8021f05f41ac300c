"""Run the periodic jobs (`leder.core.schedule`): one long-running process beside the web
server and the task worker. Several may run at once (for resilience); each due run of a job
happens once across all of them. SIGTERM or Ctrl-C stops it after the job it is running."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from leder.operations import heartbeats
from leder.operations.models import ProcessKind
from leder.operations.scheduler import run_due


class Command(BaseCommand):
    help = (
        "Run every periodic job when it is due (deadline and action reminders, clean-up, recovery)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the due jobs once, then exit.")
        parser.add_argument(
            "--scheduler-id",
            default="",
            help="A name for this process on the operations page (default: random).",
        )

    def handle(self, *args, once=False, scheduler_id="", **options):
        scheduler_id = scheduler_id or f"scheduler-{get_random_string(12)}"
        stop = threading.Event()
        current = {"job": ""}

        def shutdown(signum, frame):
            self.stdout.write(f"{signal.strsignal(signum)}: stopping after the current job.")
            stop.set()

        if not once:
            signal.signal(signal.SIGINT, shutdown)
            signal.signal(signal.SIGTERM, shutdown)

        heartbeats.beat(scheduler_id, ProcessKind.SCHEDULER)
        beating = heartbeats.HeartbeatThread(
            scheduler_id, ProcessKind.SCHEDULER, current=lambda: current["job"]
        )
        beating.start()
        self.stdout.write(f"Scheduler {scheduler_id} started.")

        def on_job(name):
            current["job"] = name

        passes = 0
        try:
            while True:
                close_old_connections()
                passes += 1
                outcomes = run_due(scheduler_id, on_job=on_job)
                if options["verbosity"] >= 2:
                    self.stdout.write(f"pass {passes}: {len(outcomes)} jobs run")
                for outcome in outcomes:
                    self.stdout.write(
                        f"{outcome.name}: {outcome.status} in {outcome.duration_ms} ms "
                        f"{outcome.result or ''} {outcome.error}".rstrip()
                    )
                if once or stop.wait(settings.LEDER_SCHEDULER_INTERVAL_SECONDS):
                    break
        finally:
            beating.stop()
            heartbeats.stopped(scheduler_id)
            self.stdout.write(f"Scheduler {scheduler_id} stopped.")
