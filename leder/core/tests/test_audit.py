"""The audit log is append-only and any edit, deletion or insertion is detected."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from leder.core import audit
from leder.core.models import AuditAction, AuditEvent, AuditLogIsAppendOnly

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEvent]:
    return [
        audit.record(
            actor="system:test", action=AuditAction.CREATE, obj=("test.Thing", i), details={"i": i}
        )
        for i in range(1, n + 1)
    ]


def _without_triggers(sql: str, params=()) -> None:
    """Tamper as an attacker with DDL rights would: drop the triggers, change the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fire the deferred foreign-key checks of this test's inserts first: PostgreSQL will
            # not alter a table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        cursor.execute(sql, params)


def test_rows_chain_from_genesis_in_sequence():
    events = _write(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].previous_hash == audit.GENESIS_HASH
    assert events[1].previous_hash == events[0].row_hash
    assert audit.verify_chain() == (3, None)


def test_the_application_has_no_update_or_delete_path():
    event = _write(1)[0]
    event.summary = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_update_and_delete():
    event = _write(1)[0]
    for sql in (
        "UPDATE core_auditevent SET summary = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


def test_an_edited_row_is_named():
    events = _write(5)
    _without_triggers(
        "UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [events[2].pk]
    )
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "edited" in broken.problem


def test_an_edit_that_recomputes_its_own_hash_is_caught_at_the_next_row():
    events = _write(4)
    target = events[1]
    target.details = {"i": 999}
    new_hash = audit.compute_hash(target)
    _without_triggers(
        "UPDATE core_auditevent SET details = %s, row_hash = %s WHERE id = %s",
        ['{"i": 999}', new_hash, target.pk],
    )
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "does not follow the row before it" in broken.problem


def test_a_deleted_row_is_named():
    events = _write(5)
    _without_triggers("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "sequence 2 missing" in broken.problem


def test_an_inserted_row_is_named():
    events = _write(3)
    with connection.cursor() as cursor:
        # Shift nothing: insert a forged row claiming sequence 2 after the real one.
        cursor.execute(
            "INSERT INTO core_auditevent (sequence, occurred_at, actor_label, action, object_type, "
            "object_id, summary, details, previous_hash, row_hash) VALUES "
            "(%s, %s, 'forger', 'create', '', '', '', '{}', %s, %s)",
            [10, events[2].occurred_at, events[2].row_hash, "f" * 64],
        )
    _, broken = audit.verify_chain()
    assert broken.sequence == 10
    assert "missing" in broken.problem or "inserted" in broken.problem


def test_a_forged_row_in_the_right_place_with_the_right_links_still_fails_its_own_hash():
    events = _write(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (sequence, occurred_at, actor_label, action, object_type, "
            "object_id, summary, details, previous_hash, row_hash) VALUES "
            "(3, %s, 'forger', 'create', '', '', '', '{}', %s, %s)",
            [events[1].occurred_at, events[1].row_hash, "e" * 64],
        )
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "edited" in broken.problem


def test_verify_command_reports_intact_and_broken_chains(capsys):
    events = _write(3)
    call_command("audit_verify")
    assert "3 rows verified" in capsys.readouterr().out
    _without_triggers("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="sequence 1 missing"):
        call_command("audit_verify")


def test_details_are_hashed_as_stored():
    from datetime import date

    event = audit.record(
        actor="system:test", action=AuditAction.UPDATE, details={"when": date(2026, 1, 2)}
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details == {"when": "2026-01-02"}
    assert audit.compute_hash(stored) == stored.row_hash
