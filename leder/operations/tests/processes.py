"""Helpers for tests that start real worker and scheduler processes against the test database.

On PostgreSQL the processes use the test database itself (the test is a `transactional_db`
test, so what it writes is committed and visible to them). SQLite's test database lives in this
process's memory, so for SQLite the test switches its own default connection to a migrated file
database (migrated once per session) that the processes open too."""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

ROOT = Path(settings.BASE_DIR)
SETTINGS = "leder.operations.tests.process_settings"


def wait_for(condition: Callable[[], object], *, timeout: float = 120, what: str = "") -> object:
    """Poll `condition` until it returns something truthy; fail after a generous `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.2)


def _postgres_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


_TEMPLATE: dict[str, Path] = {}


def _migrated_sqlite_template(tmp_root: Path) -> Path:
    if "path" not in _TEMPLATE:
        path = tmp_root / "template.sqlite3"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "SQLITE_PATH": str(path)}
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


class Processes:
    """Starts `manage.py` processes against the shared database and stops them at the end."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env = env
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, *args: str, name: str, extra_env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        process.log_file = log
        self.started.append(process)
        return process

    def manage(self, *args: str, name: str, extra_env: dict | None = None) -> subprocess.Popen:
        return self.start("manage.py", *args, name=name, extra_env=extra_env)

    @staticmethod
    def output(process: subprocess.Popen) -> str:
        process.log_file.flush()
        return Path(process.log_path).read_text()

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            process.log_file.close()


@pytest.fixture
def processes(request, tmp_path, tmp_path_factory, settings):
    """Yield a `Processes` whose processes share this test's database (mark the test
    `django_db(transaction=True)`)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "LEDER_HEARTBEAT_SECONDS": "1",
        "LEDER_WORKER_LEASE_SECONDS": "4",
        "LEDER_SCHEDULER_INTERVAL_SECONDS": "1",
        "LEDER_PRIVATE_MEDIA_ROOT": str(settings.LEDER_PRIVATE_MEDIA_ROOT),
        "LEDER_VAR_DIR": str(tmp_path / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    settings.LEDER_WORKER_LEASE_SECONDS = 4
    swapped = None
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        shutil.copy(_migrated_sqlite_template(tmp_path_factory.getbasetemp()), path)
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(path)
        original = connections["default"]
        swapped = original.__class__({**original.settings_dict, "NAME": str(path)}, "default")
        connections["default"] = swapped
    else:
        env["DATABASE_URL"] = _postgres_url()
    procs = Processes(env, tmp_path)
    try:
        yield procs
    finally:
        procs.stop_all()
        if swapped is not None:
            swapped.close()
            connections["default"] = original
