"""Pruning the start of the audit log once it is past its retention period (ADR 0123).

Rows are never pruned one by one: only a *prefix* of the chain, and only up to a row a signed
checkpoint vouches for, so that what remains still verifies. `audit_prune`:

1. refuses unless `AUDIT_RETENTION_DAYS` is above 0 and a checkpoint folder is configured;
2. refuses when the chain or its checkpoints do not verify now (a broken log is evidence, and
   pruning it could hide what broke it);
3. cuts at the newest signed checkpoint whose row is older than the period (and still matches
   the checkpoint's hash);
4. in one transaction: writes an audit row saying which rows go and the anchor (sequence and
   hash at the cut), records the prune (`AuditPrune`, which the triggers require before they let
   a DELETE through), writes the signed anchor file beside the checkpoints, deletes the rows;
5. after commit, writes a new checkpoint, so the prune's own row is vouched for too.

`audit_verify` then starts from the signed anchor: edits, deletions, insertions, re-chaining and
truncation of what remains are named as before; a start of the log deleted without a signed
anchor is named as a deletion.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from leder.core import audit, audit_checkpoints
from leder.core.models import AuditAction, AuditEvent, AuditPrune
from leder.core.time import now as current_time

ACTOR = "system:audit-prune"


@dataclass
class PruneReport:
    rows: int = 0
    pruned_from: int | None = None
    pruned_to: int | None = None
    anchor_hash: str = ""
    reason: str = ""
    dry_run: bool = False

    def as_details(self) -> dict:
        return {
            "rows": self.rows,
            "pruned_from": self.pruned_from,
            "pruned_to": self.pruned_to,
            "anchor_hash": self.anchor_hash,
            "reason": self.reason,
        }


class AuditPruneRefused(Exception):
    pass


def _cut(now: datetime) -> tuple[int, int, audit_checkpoints.Checkpoint] | str:
    """(first row, last row to prune, the checkpoint at the cut) or why nothing can go."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", 0)
    if days <= 0:
        return "AUDIT_RETENTION_DAYS is 0: the audit log is kept for ever"
    if audit_checkpoints.checkpoint_dir() is None:
        return "no AUDIT_CHECKPOINT_DIR: a prune could not be anchored outside the database"
    first = AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True).first()
    if first is None:
        return "the audit log is empty"
    cutoff = now - timedelta(days=days)
    first_kept = (
        AuditEvent.objects.filter(occurred_at__gte=cutoff)
        .order_by("sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    last_due = (first_kept - 1) if first_kept is not None else None
    if last_due is None:
        last_due = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
    good, _ = audit_checkpoints.checkpoints()
    stored = dict(
        AuditEvent.objects.filter(
            sequence__in=[c.sequence for c in good if first <= c.sequence <= last_due]
        ).values_list("sequence", "row_hash")
    )
    for checkpoint in reversed(good):
        in_range = first <= checkpoint.sequence <= last_due
        if in_range and stored.get(checkpoint.sequence) == checkpoint.head_hash:
            return first, checkpoint.sequence, checkpoint
    if last_due < first:
        return f"no audit row is older than {days} days"
    return f"no signed checkpoint at or before row {last_due}, the last row past its period"


def audit_prune(*, now: datetime | None = None, dry_run: bool = False) -> PruneReport:
    """Delete the start of the audit log that is past `AUDIT_RETENTION_DAYS`, up to a signed
    checkpoint, leaving it verifiable from a signed anchor. With `dry_run`, only say what would
    go. Raises `AuditPruneRefused` when the log does not verify now."""
    now = now or current_time()
    cut = _cut(now)
    if isinstance(cut, str):
        return PruneReport(reason=cut, dry_run=dry_run)
    first, last, checkpoint = cut
    report = PruneReport(
        rows=AuditEvent.objects.filter(sequence__lte=last).count(),
        pruned_from=first,
        pruned_to=last,
        anchor_hash=checkpoint.head_hash,
        reason=f"rows {first}–{last}, up to the signed checkpoint of {checkpoint.written_at}",
        dry_run=dry_run,
    )
    _, broken = audit.verify_chain()
    if broken:
        raise AuditPruneRefused(f"The audit chain does not verify; nothing pruned. {broken}")
    _, problems = audit_checkpoints.verify_checkpoints()
    if problems:
        raise AuditPruneRefused(
            "The audit log does not match its checkpoints; nothing pruned. "
            + " ".join(str(p) for p in problems)
        )
    if dry_run:
        return report
    with transaction.atomic():
        event = audit.record(
            actor=ACTOR,
            action=AuditAction.DELETE,
            obj=("core.AuditEvent", ""),
            summary=f"Audit rows {first}–{last} pruned (past AUDIT_RETENTION_DAYS)",
            details={**report.as_details(), "checkpoint": checkpoint.written_at},
        )
        # Written before the rows go: if it cannot be written, nothing is deleted.
        anchor_file = audit_checkpoints.write_anchor(
            audit_checkpoints.Anchor(
                sequence=last,
                head_hash=checkpoint.head_hash,
                pruned_from=first,
                pruned_at=now.isoformat(timespec="seconds"),
            )
        )
        AuditPrune.objects.create(
            pruned_from=first,
            pruned_to=last,
            anchor_hash=checkpoint.head_hash,
            rows=report.rows,
            pruned_at=now,
            audit_sequence=event.sequence,
            anchor_file=anchor_file.name,
        )
        # The model and its queryset refuse deletes; the triggers let this one through because
        # the prune is recorded above.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE sequence <= %s", [last])
        transaction.on_commit(audit_checkpoints.write_checkpoint)
    return report
