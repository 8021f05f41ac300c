"""A real task worker (`manage.py db_worker`) whose report and export generation stop at a known
step and wait there for ever, so that a test can kill it at that step with SIGKILL.

    python -m leder.operations.tests.blocking_worker WORKER_ID
"""

import sys
import threading

import django


def block(*args, **kwargs):
    print("WAITING-TO-BE-KILLED", flush=True)
    threading.Event().wait()


def main(worker_id: str) -> None:
    django.setup()
    from django.core.management import call_command

    # Report: after "Making the PDF" is shown; export: after the records are read.
    import leder.exports.anonymity
    import leder.reports.documents

    leder.reports.documents.pdf = block
    leder.exports.anonymity.anonymise = block
    call_command(
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--worker-id",
        worker_id,
    )


if __name__ == "__main__":
    main(sys.argv[1])
