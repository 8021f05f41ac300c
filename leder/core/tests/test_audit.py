"""The audit log is append-only and any edit, deletion or insertion is detected."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from leder.core import audit
from leder.core.models import AuditAction, AuditEvent, AuditLogIsAppendOnly

pytestmark = pytest.mark.django_db


def test_rows_chain_from_genesis_in_sequence(write_rows):
    events = write_rows(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].previous_hash == audit.GENESIS_HASH
    assert events[1].previous_hash == events[0].row_hash
    assert audit.verify_chain() == (3, None)


def test_the_application_has_no_update_or_delete_path(write_rows):
    event = write_rows(1)[0]
    event.summary = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_update_and_delete(write_rows):
    event = write_rows(1)[0]
    for sql in (
        "UPDATE core_auditevent SET summary = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == event.summary


def test_an_edited_row_is_named(write_rows, tamper):
    events = write_rows(5)
    tamper("UPDATE core_auditevent SET summary = 'rewritten' WHERE id = %s", [events[2].pk])
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "edited" in broken.problem


def test_an_edit_that_recomputes_its_own_hash_is_caught_at_the_next_row(write_rows, tamper):
    events = write_rows(4)
    target = events[1]
    target.details = {"i": 999}
    new_hash = audit.compute_hash(target)
    tamper(
        "UPDATE core_auditevent SET details = %s, row_hash = %s WHERE id = %s",
        ['{"i": 999}', new_hash, target.pk],
    )
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "does not follow the row before it" in broken.problem


def test_a_deleted_row_is_named(write_rows, tamper):
    events = write_rows(5)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "sequence 2 missing" in broken.problem


def test_an_inserted_row_is_named(write_rows):
    events = write_rows(3)
    with connection.cursor() as cursor:
        # Shift nothing: insert a forged row claiming sequence 2 after the real one.
        cursor.execute(
            "INSERT INTO core_auditevent (sequence, occurred_at, actor_label, action, object_type, "
            "object_id, summary, details, previous_hash, row_hash, key_id) VALUES "
            "(%s, %s, 'forger', 'create', '', '', '', '{}', %s, %s, %s)",
            [10, events[2].occurred_at, events[2].row_hash, "f" * 64, events[2].key_id],
        )
    _, broken = audit.verify_chain()
    assert broken.sequence == 10
    assert "missing" in broken.problem or "inserted" in broken.problem


def test_a_forged_row_in_the_right_place_with_the_right_links_still_fails_its_own_hash(write_rows):
    events = write_rows(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (sequence, occurred_at, actor_label, action, object_type, "
            "object_id, summary, details, previous_hash, row_hash, key_id) VALUES "
            "(3, %s, 'forger', 'create', '', '', '', '{}', %s, %s, %s)",
            [events[1].occurred_at, events[1].row_hash, "e" * 64, events[1].key_id],
        )
    _, broken = audit.verify_chain()
    assert broken.sequence == 3
    assert "edited" in broken.problem


def test_verify_command_reports_intact_and_broken_chains(write_rows, tamper, capsys):
    events = write_rows(3)
    call_command("audit_verify")
    assert "3 rows verified" in capsys.readouterr().out
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[0].pk])
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


# -- The keyed chain and the checkpoints (ADR 0120) -----------------------------------------------


def test_each_row_names_its_key_but_the_key_is_nowhere_in_the_database(write_rows, settings):
    from leder.core import audit_keys

    events = write_rows(2)
    assert {e.key_id for e in events} == {audit_keys.current_key_id()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_auditevent")
        dumped = repr(cursor.fetchall())
    assert settings.AUDIT_HMAC_KEY not in dumped


def test_the_rechain_attack_is_named(write_rows, tamper):
    """The insider's attack: drop the triggers, delete row 3, edit row 5, renumber everything
    after the gap and recompute every later hash with the project's own hash function, but
    without the key (they can only guess one). audit_verify names the first recomputed row."""
    events = write_rows(8)
    guessed_key = b"the attacker does not hold the key"
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    tamper("UPDATE core_auditevent SET summary = 'nothing to see' WHERE id = %s", [events[4].pk])
    rows = list(AuditEvent.objects.filter(sequence__gt=3).order_by("sequence"))
    previous = events[1].row_hash
    for row in rows:
        row.sequence -= 1
        row.previous_hash = previous
        row.row_hash = audit.compute_hash(row, guessed_key)
        tamper(
            "UPDATE core_auditevent SET sequence = %s, previous_hash = %s, row_hash = %s "
            "WHERE id = %s",
            [row.sequence, row.previous_hash, row.row_hash, row.pk],
        )
        previous = row.row_hash
    # The chain is gap-free and every link follows: only the key gives it away.
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 8))
    _, broken = audit.verify_chain()
    assert broken.sequence == 3 and broken.row_id == events[3].pk
    assert "keyed hash" in broken.problem
    with pytest.raises(CommandError, match=r"sequence 3 \(id"):
        call_command("audit_verify")


def test_a_row_claiming_an_unknown_key_is_named(write_rows, tamper):
    events = write_rows(3)
    tamper("UPDATE core_auditevent SET key_id = 'forged' WHERE id = %s", [events[1].pk])
    _, broken = audit.verify_chain()
    assert broken.sequence == 2 and "key this service does not hold" in broken.problem


def test_rows_written_before_a_key_rotation_still_verify(write_rows, settings):
    write_rows(2)
    old_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "a-new-key-after-rotation-0002"
    settings.AUDIT_HMAC_OLD_KEYS = [old_key]
    write_rows(2)
    assert audit.verify_chain() == (4, None)
    assert AuditEvent.objects.values("key_id").distinct().count() == 2
    settings.AUDIT_HMAC_OLD_KEYS = []  # the old key lost: its rows can no longer be vouched for
    _, broken = audit.verify_chain()
    assert broken.sequence == 1 and "does not hold" in broken.problem


def test_no_key_no_audit(write_rows, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.AUDIT_HMAC_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="AUDIT_HMAC_KEY"):
        write_rows(1)


def test_a_checkpoint_is_a_signed_new_read_only_file(write_rows, checkpoint_dir):
    import json
    import stat

    from leder.core.audit_checkpoints import write_checkpoint

    events = write_rows(3)
    checkpoint = write_checkpoint()
    assert checkpoint.sequence == 3 and checkpoint.head_hash == events[2].row_hash
    assert write_checkpoint() is None  # nothing new to vouch for
    data = json.loads(checkpoint.path.read_text())
    assert set(data) == {"sequence", "head_hash", "written_at", "signature"}
    assert not checkpoint.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_deleting_the_last_rows_after_a_checkpoint_is_caught(
    write_rows, tamper, checkpoint_dir, capsys
):
    from leder.core.audit_checkpoints import write_checkpoint

    events = write_rows(5)
    write_checkpoint()
    call_command("audit_verify")
    assert "Matches 1 signed checkpoint" in capsys.readouterr().out
    tamper("DELETE FROM core_auditevent WHERE sequence >= 4")
    assert audit.verify_chain() == (3, None)  # the chain alone cannot see a cut tail
    with pytest.raises(CommandError, match=r"row 5 was checkpointed .* ends at row 3"):
        call_command("audit_verify")
    assert events[4].sequence == 5


def test_a_rechained_history_before_a_checkpoint_differs_from_it(
    write_rows, tamper, checkpoint_dir, settings
):
    """Even someone who held the key at the time cannot rewrite history a checkpoint vouches
    for: the checkpointed row's hash changes."""
    from leder.core.audit_checkpoints import verify_checkpoints, write_checkpoint

    events = write_rows(3)
    write_checkpoint()
    last = AuditEvent.objects.get(sequence=3)
    last.details = {"i": 999}
    new_hash = audit.compute_hash(last)
    tamper(
        "UPDATE core_auditevent SET details = %s, row_hash = %s WHERE id = %s",
        ['{"i": 999}', new_hash, events[2].pk],
    )
    _, problems = verify_checkpoints()
    assert "row 3 no longer has the hash checkpointed" in str(problems[0])


def test_a_forged_checkpoint_is_named(write_rows, checkpoint_dir):
    import json

    from leder.core.audit_checkpoints import FILE_PREFIX, verify_checkpoints

    write_rows(2)
    checkpoint_dir.mkdir()
    (checkpoint_dir / f"{FILE_PREFIX}000000000001-forged.json").write_text(
        json.dumps({"sequence": 1, "head_hash": "0" * 64, "written_at": "x", "signature": "ab"})
    )
    count, problems = verify_checkpoints()
    assert count == 0 and "signature does not match" in str(problems[0])


def test_the_checkpoint_job_is_registered_and_writes(write_rows, checkpoint_dir):
    from leder.core.schedule import periodic_jobs

    write_rows(1)
    (job,) = [j for j in periodic_jobs() if j.name == "audit-checkpoint"]
    assert job.run() == {"checkpointed_row": 1}
    assert len(list(checkpoint_dir.iterdir())) == 1
    (verify,) = [j for j in periodic_jobs() if j.name == "audit-verify"]
    assert verify.run() == {"checked": 1, "checkpoints": 1}


def test_rows_written_together_are_chained_like_rows_written_one_by_one():
    from itertools import pairwise

    from leder.core.audit import Entry, record, record_many, verify_chain
    from leder.core.models import AuditEvent

    record(actor="system:test", action="create", summary="before")
    written = record_many(
        actor="system:test",
        entries=[Entry("create", ("thing", str(n)), f"row {n}", {"n": n}) for n in range(5)],
    )
    record(actor="system:test", action="create", summary="after")
    assert written == 5
    rows = list(AuditEvent.objects.order_by("sequence"))
    assert [r.summary for r in rows[-7:]] == [
        "before",
        *(f"row {n}" for n in range(5)),
        "after",
    ]
    assert all(b.previous_hash == a.row_hash for a, b in pairwise(rows))
    checked, broken = verify_chain()
    assert broken is None and checked == len(rows)
