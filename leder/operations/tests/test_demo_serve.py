"""`make demo` runs the web server, the worker and the scheduler; one Ctrl-C stops all three."""

import signal
import socket
import urllib.request

import pytest

from leder.operations.models import ProcessHeartbeat, ProcessKind
from leder.operations.tests.processes import wait_for


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except OSError:
        return None


@pytest.mark.django_db(transaction=True)
def test_demo_serve_runs_all_three_and_one_interrupt_stops_them(processes):
    port = _free_port()
    demo = processes.manage("demo_serve", "--port", str(port), name="demo")
    wait_for(lambda: _status(f"http://127.0.0.1:{port}/healthz") == 200, what="the web server")
    for kind in (ProcessKind.WORKER, ProcessKind.SCHEDULER):
        wait_for(
            lambda kind=kind: ProcessHeartbeat.objects.filter(
                kind=kind, stopped_at__isnull=True
            ).exists(),
            what=f"the {kind}'s heartbeat",
        )
    demo.send_signal(signal.SIGINT)  # what Ctrl-C sends
    assert demo.wait(timeout=120) == 0, processes.output(demo)
    assert "Stopped the web server, the worker and the scheduler." in processes.output(demo)
    assert _status(f"http://127.0.0.1:{port}/healthz") is None
    # The worker and the scheduler each stopped cleanly (they record it as they go).
    assert not ProcessHeartbeat.objects.filter(stopped_at__isnull=True).exists()
