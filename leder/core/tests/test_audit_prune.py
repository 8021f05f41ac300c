"""Pruning the start of the audit log past its retention period (ADR 0123): only up to a signed
checkpoint, anchored by a signed file outside the database, audited; what remains still verifies,
and every attack on it (an edit, a deletion, a re-chain, a cut tail, a deleted start, a forged
anchor, a hand-made prune record) is still named."""

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from leder.core import audit
from leder.core import time as clock
from leder.core.audit_checkpoints import (
    ANCHOR_PREFIX,
    FILE_PREFIX,
    anchors,
    verify_checkpoints,
    write_checkpoint,
)
from leder.core.audit_prune import AuditPruneRefused, audit_prune
from leder.core.models import AuditAction, AuditEvent, AuditPrune

pytestmark = pytest.mark.django_db

DAYS = 30
REAL_NOW = clock.now()
OLD = REAL_NOW - timedelta(days=DAYS + 10)


@pytest.fixture(autouse=True)
def retention(settings, checkpoint_dir):
    settings.AUDIT_RETENTION_DAYS = DAYS
    return checkpoint_dir


@pytest.fixture
def pruned(write_rows, django_capture_on_commit_callbacks):
    """Rows 1–5 old and checkpointed, rows 6–7 old but not checkpointed, rows 8–9 recent: the
    prune takes 1–5 (up to the checkpoint), keeps 6–9 and adds its own row 10, which the
    checkpoint written after it vouches for."""
    old = write_rows(5, at=OLD)
    write_checkpoint()
    old += write_rows(2, at=OLD + timedelta(hours=1))
    recent = write_rows(2)
    with django_capture_on_commit_callbacks(execute=True):
        report = audit_prune()
    return report, old, recent


def test_a_prune_takes_the_start_up_to_a_signed_checkpoint_and_the_rest_verifies(pruned, capsys):
    report, old, _recent = pruned
    assert (report.pruned_from, report.pruned_to, report.rows) == (1, 5, 5)
    assert report.anchor_hash == old[4].row_hash
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [6, 7, 8, 9, 10]
    # The prune is audited, with the range and the anchor.
    row = AuditEvent.objects.get(sequence=10)
    assert row.actor_label == "system:audit-prune" and row.action == AuditAction.DELETE
    assert row.details["pruned_from"] == 1 and row.details["pruned_to"] == 5
    assert row.details["anchor_hash"] == old[4].row_hash and row.details["rows"] == 5
    record = AuditPrune.objects.get()
    assert (record.pruned_to, record.anchor_hash, record.audit_sequence) == (5, old[4].row_hash, 10)
    # The signed anchor outside the database.
    [anchor], bad = anchors()
    assert not bad and (anchor.sequence, anchor.head_hash) == (5, old[4].row_hash)
    assert anchor.path.name == record.anchor_file
    # What remains verifies from the anchor, and a new checkpoint vouches for the prune's row.
    assert audit.verify_chain() == (5, None)
    call_command("audit_verify")
    assert "Audit chain intact: 5 rows verified" in capsys.readouterr().out
    assert verify_checkpoints() == (1, [])


def test_nothing_goes_without_a_period_a_checkpoint_or_anything_old(write_rows, settings):
    write_rows(3, at=OLD)
    # No checkpoint vouches for any old row.
    report = audit_prune()
    assert report.rows == 0 and "no signed checkpoint" in report.reason
    write_checkpoint()
    settings.AUDIT_RETENTION_DAYS = 0
    assert "kept for ever" in audit_prune().reason
    settings.AUDIT_RETENTION_DAYS = DAYS
    settings.AUDIT_CHECKPOINT_DIR = ""
    assert "AUDIT_CHECKPOINT_DIR" in audit_prune().reason
    assert AuditEvent.objects.count() == 3


def test_a_checkpoint_of_a_recent_row_does_not_let_old_ones_go_with_it(write_rows):
    write_rows(2, at=OLD)
    write_rows(2)
    write_checkpoint()  # at row 4, which is not past its period
    report = audit_prune()
    assert report.rows == 0 and "row 2" in report.reason
    assert AuditEvent.objects.count() == 4


def test_a_dry_run_says_what_would_go_and_changes_nothing(write_rows, retention):
    write_rows(4, at=OLD)
    write_checkpoint()
    report = audit_prune(dry_run=True)
    assert (report.rows, report.pruned_to, report.dry_run) == (4, 4, True)
    assert AuditEvent.objects.count() == 4 and not AuditPrune.objects.exists()
    assert not list(retention.glob(f"{ANCHOR_PREFIX}*"))


def test_a_broken_chain_is_never_pruned(write_rows, tamper):
    events = write_rows(4, at=OLD)
    write_checkpoint()
    tamper("UPDATE core_auditevent SET summary = 'hidden' WHERE id = %s", [events[1].pk])
    with pytest.raises(AuditPruneRefused, match="sequence 2"):
        audit_prune()
    assert AuditEvent.objects.count() == 4


def test_the_database_refuses_deletes_beyond_a_recorded_prune_and_changes_to_prunes(pruned):
    for sql in (
        "DELETE FROM core_auditevent WHERE sequence = 6",
        "UPDATE core_auditprune SET pruned_to = 7",
        "DELETE FROM core_auditprune",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.filter(sequence=6).exists()


def test_an_edit_after_a_prune_is_named(tamper, pruned):
    tamper("UPDATE core_auditevent SET summary = 'nothing to see' WHERE sequence = 7")
    _, broken = audit.verify_chain()
    assert broken.sequence == 7 and "edited" in broken.problem


def test_the_rechain_attack_after_a_prune_is_named(tamper, pruned):
    """Drop the triggers, delete row 7, renumber everything after it and recompute every later
    hash with the project's own function but without the key: named at the first recomputed
    row, just as before the prune."""
    guessed_key = b"the attacker does not hold the key"
    tamper("DELETE FROM core_auditevent WHERE sequence = 7")
    previous = AuditEvent.objects.get(sequence=6).row_hash
    for row in AuditEvent.objects.filter(sequence__gt=7).order_by("sequence"):
        row.sequence -= 1
        row.previous_hash = previous
        row.row_hash = audit.compute_hash(row, guessed_key)
        tamper(
            "UPDATE core_auditevent SET sequence = %s, previous_hash = %s, row_hash = %s "
            "WHERE id = %s",
            [row.sequence, row.previous_hash, row.row_hash, row.pk],
        )
        previous = row.row_hash
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [6, 7, 8, 9]
    _, broken = audit.verify_chain()
    assert broken.sequence == 7 and "keyed hash" in broken.problem
    with pytest.raises(CommandError, match=r"sequence 7 \(id"):
        call_command("audit_verify")


def test_deleting_more_of_the_start_than_was_pruned_is_named(tamper, pruned):
    """Rows 6–7 deleted as if pruned too: no signed anchor at row 7, so the start is named."""
    tamper("DELETE FROM core_auditevent WHERE sequence <= 7")
    _, broken = audit.verify_chain()
    assert broken.sequence == 8 and "start of the log was deleted" in broken.problem
    assert "1–7 missing" in broken.problem


def test_a_hand_made_prune_record_lets_rows_go_but_verify_still_names_it(pruned):
    """Whoever can write to the database can record a prune the service never made, and then
    the triggers let the DELETE through; without the checkpoint key there is no signed anchor,
    so audit_verify names the deleted start."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditprune (pruned_from, pruned_to, anchor_hash, rows, pruned_at, "
            "audit_sequence, anchor_file) VALUES (6, 7, %s, 2, %s, 10, '')",
            ["0" * 64, REAL_NOW],
        )
        cursor.execute("DELETE FROM core_auditevent WHERE sequence <= 7")
    _, broken = audit.verify_chain()
    assert broken.sequence == 8 and "no signed prune anchor" in broken.problem


def test_a_forged_anchor_is_named_and_not_trusted(tamper, pruned, retention):
    tamper("DELETE FROM core_auditevent WHERE sequence <= 7")
    row7_hash = "f" * 64
    (retention / f"{ANCHOR_PREFIX}000000000007-forged.json").write_text(
        json.dumps(
            {
                "kind": "prune-anchor",
                "sequence": 7,
                "head_hash": row7_hash,
                "pruned_from": 6,
                "pruned_at": "2026-01-01T00:00:00+00:00",
                "signature": "ab" * 32,
            }
        )
    )
    _, broken = audit.verify_chain()
    assert broken.sequence == 8 and "start of the log was deleted" in broken.problem
    _, problems = verify_checkpoints()
    assert any("forged" in str(p) for p in problems)


def test_a_checkpoint_renamed_as_an_anchor_does_not_pass_for_one(pruned, retention):
    """A checkpoint's signature covers a different payload: copied under an anchor's name it
    fails, so a checkpoint cannot be used to excuse deleting the start of the log."""
    checkpoint = sorted(retention.glob(f"{FILE_PREFIX}*"))[-1]
    data = json.loads(checkpoint.read_text())
    data |= {"kind": "prune-anchor", "pruned_from": 6, "pruned_at": data["written_at"]}
    (retention / f"{ANCHOR_PREFIX}{data['sequence']:012d}-copied.json").write_text(json.dumps(data))
    [good], bad = anchors()
    assert good.sequence == 5 and "signature does not match" in str(bad[0])


def test_cutting_the_tail_after_a_prune_is_caught(tamper, pruned):
    tamper("DELETE FROM core_auditevent WHERE sequence >= 9")
    assert audit.verify_chain() == (3, None)  # the chain alone cannot see a cut tail
    _, problems = verify_checkpoints()
    assert "row 10 was checkpointed" in str(problems[0])


def test_deleting_everything_after_a_prune_is_caught(tamper, pruned, retention):
    for path in retention.glob(f"{FILE_PREFIX}*"):
        path.chmod(0o644)
        path.unlink()  # even with every checkpoint gone, the anchor says rows followed it
    tamper("DELETE FROM core_auditevent")
    assert audit.verify_chain() == (0, None)
    _, problems = verify_checkpoints()
    assert "rows were deleted from the end" in str(problems[0])
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_a_second_prune_continues_from_the_first(pruned, django_capture_on_commit_callbacks):
    later = REAL_NOW + timedelta(days=DAYS + 5)
    with django_capture_on_commit_callbacks(execute=True):
        report = audit_prune(now=later)
    # The checkpoint written after the first prune vouches for row 10.
    assert (report.pruned_from, report.pruned_to) == (6, 10)
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [11]
    assert audit.verify_chain() == (1, None)
    assert verify_checkpoints()[1] == []
    assert len(anchors()[0]) == 2
