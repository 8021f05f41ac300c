"""Run the web server, the task worker and the scheduler together in the foreground (`make
demo`), so every feature of the demo works with one command. One Ctrl-C (or SIGTERM) stops all
three: the children run in their own process groups, so only this process receives the
terminal's signal, and it sends each child one SIGTERM (each finishes what it is doing), then
SIGKILL to any still running after --grace seconds. If one child stops by itself, the others
are stopped too and the command fails."""

import os
import signal
import subprocess
import sys
import threading

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--grace", type=float, default=20.0)

    def handle(self, *args, host, port, grace, **options):
        manage = [sys.executable, os.path.abspath(sys.argv[0])]
        commands = {
            "web server": [*manage, "runserver", f"{host}:{port}"],
            "worker": [*manage, "db_worker", "--no-reload"],
            "scheduler": [*manage, "scheduler"],
        }
        stopping = threading.Event()

        def stop(signum, frame):
            stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        children = {
            name: subprocess.Popen(command, start_new_session=True)
            for name, command in commands.items()
        }
        self.stdout.write(
            f"Running the web server on http://{host}:{port}/, the worker and the scheduler "
            f"(processes {', '.join(str(c.pid) for c in children.values())}). "
            "Ctrl-C stops all three."
        )
        ended = None
        while not stopping.wait(0.5):
            ended = next((n for n, c in children.items() if c.poll() is not None), None)
            if ended:
                break
        for child in children.values():
            if child.poll() is None:
                # The whole group: runserver's reloader runs the server as its own child.
                os.killpg(child.pid, signal.SIGTERM)
        for name, child in children.items():
            try:
                child.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} did not stop within {grace:g} s: killing it.")
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if ended:
            raise CommandError(
                f"The {ended} stopped (exit status {children[ended].returncode}); "
                "stopped the others too."
            )
        self.stdout.write("Stopped the web server, the worker and the scheduler.")
