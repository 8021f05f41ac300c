"""The audit chain's set-up, shared by the audit log's tests and the pruning tests: rows written
(at a given moment), a tampering insider, and the directory of signed checkpoints."""

import pytest
from django.db import connection

from leder.core import audit
from leder.core.models import AuditAction, AuditEvent


@pytest.fixture
def write_rows(monkeypatch):
    """`write_rows(n, at=None)`: `n` audit rows by the system (details `{"i": 1}` to `n`), stamped
    with the moment `at` when given."""
    stamp = audit.now

    def write(n: int, at=None) -> list[AuditEvent]:
        if at is not None:
            monkeypatch.setattr(audit, "now", lambda: at)
        try:
            return [
                audit.record(
                    actor="system:test",
                    action=AuditAction.CREATE,
                    obj=("test.Thing", i),
                    details={"i": i},
                )
                for i in range(1, n + 1)
            ]
        finally:
            monkeypatch.setattr(audit, "now", stamp)

    return write


def _tamper(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fire the deferred foreign-key checks of this test's inserts first: PostgreSQL will
            # not alter a table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        cursor.execute(sql, params)


@pytest.fixture
def tamper():
    """`tamper(sql, params=())`: change the audit table as an insider with DDL rights would,
    with its triggers out of the way."""
    return _tamper


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"
