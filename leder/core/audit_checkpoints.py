"""Signed checkpoints of the audit log, kept outside the database (ADR 0120).

A checkpoint records the sequence number and hash of the newest audit row, signed with a key the
database does not hold. It is written to `AUDIT_CHECKPOINT_DIR` (meant to be write-once storage)
as a new file that is never overwritten, and optionally e-mailed. Because the chain is keyed, a
matching checkpoint vouches for every row up to it; `verify_checkpoints()` then names a history
that was cut short (rows deleted from the end) or rewritten before a checkpoint.

When the start of the log is pruned under its retention period (`leder.core.audit_prune`, ADR
0123), a signed *anchor* is written beside the checkpoints: the sequence and hash of the last row
pruned. `verify_chain()` starts from it, so what remains is verified exactly as before, and a
start of the log deleted without a signed anchor is named.
"""

import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail

from leder.core import audit_keys
from leder.core.models import AuditEvent
from leder.core.time import now

FILE_PREFIX = "audit-checkpoint-"
ANCHOR_PREFIX = "audit-anchor-"


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    head_hash: str
    written_at: str
    path: Path | None = None

    def payload(self) -> bytes:
        return json.dumps(
            {"sequence": self.sequence, "head_hash": self.head_hash, "written_at": self.written_at},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


def _sign(checkpoint: Checkpoint, key: bytes) -> str:
    return hmac.new(key, checkpoint.payload(), "sha256").hexdigest()


def checkpoint_dir() -> Path | None:
    folder = getattr(settings, "AUDIT_CHECKPOINT_DIR", "")
    return Path(folder) if folder else None


def write_checkpoint() -> Checkpoint | None:
    """Write a signed checkpoint of the newest audit row; None when the log is empty or the head
    is already checkpointed."""
    head = AuditEvent.objects.order_by("-sequence").only("sequence", "row_hash").first()
    if head is None:
        return None
    latest = latest_checkpoint()
    if latest is not None and latest.sequence == head.sequence:
        return None
    written_at = now().isoformat(timespec="seconds")
    checkpoint = Checkpoint(sequence=head.sequence, head_hash=head.row_hash, written_at=written_at)
    body = json.dumps(
        {
            "sequence": checkpoint.sequence,
            "head_hash": checkpoint.head_hash,
            "written_at": checkpoint.written_at,
            "signature": _sign(checkpoint, audit_keys.checkpoint_key()),
        },
        indent=2,
    )
    folder = checkpoint_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = now().strftime("%Y%m%dT%H%M%S")
        path = folder / f"{FILE_PREFIX}{checkpoint.sequence:012d}-{stamp}.json"
        # "x": a new file every time, never an overwrite; then read-only.
        with open(path, "x") as handle:
            handle.write(body)
        os.chmod(path, 0o444)
        checkpoint = Checkpoint(checkpoint.sequence, checkpoint.head_hash, written_at, path)
    address = getattr(settings, "AUDIT_CHECKPOINT_EMAIL", "")
    if address:
        send_mail(
            subject=f"OpenLeDeR audit checkpoint at row {checkpoint.sequence}",
            message=(
                "Keep this message. audit_verify can check the audit log against it:\n\n" + body
            ),
            from_email=None,
            recipient_list=[address],
        )
    return checkpoint


@dataclass(frozen=True)
class CheckpointProblem:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"Checkpoint {self.path}: {self.problem}"


def _read(path: Path) -> tuple[Checkpoint | None, str]:
    try:
        data = json.loads(path.read_text())
        checkpoint = Checkpoint(
            sequence=int(data["sequence"]),
            head_hash=str(data["head_hash"]),
            written_at=str(data["written_at"]),
            path=path,
        )
        signature = str(data["signature"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, "unreadable"
    for key in audit_keys.checkpoint_keys():
        if hmac.compare_digest(_sign(checkpoint, key), signature):
            return checkpoint, ""
    return None, "its signature does not match any checkpoint key (forged or altered)"


def checkpoints() -> tuple[list[Checkpoint], list[CheckpointProblem]]:
    """Every checkpoint in the folder whose signature verifies, oldest first, and the files
    that do not verify."""
    folder = checkpoint_dir()
    if folder is None or not folder.is_dir():
        return [], []
    good, bad = [], []
    for path in sorted(folder.glob(f"{FILE_PREFIX}*.json")):
        checkpoint, problem = _read(path)
        if checkpoint is None:
            bad.append(CheckpointProblem(path.name, problem))
        else:
            good.append(checkpoint)
    good.sort(key=lambda c: (c.sequence, c.written_at))
    return good, bad


def latest_checkpoint() -> Checkpoint | None:
    good, _ = checkpoints()
    return good[-1] if good else None


@dataclass(frozen=True)
class Anchor:
    """Rows `pruned_from`–`sequence` were pruned; row `sequence` had hash `head_hash`."""

    sequence: int
    head_hash: str
    pruned_from: int
    pruned_at: str
    path: Path | None = None

    def payload(self) -> bytes:
        # "kind" is signed too: a checkpoint's signature never passes for an anchor's.
        return json.dumps(
            {
                "kind": "prune-anchor",
                "sequence": self.sequence,
                "head_hash": self.head_hash,
                "pruned_from": self.pruned_from,
                "pruned_at": self.pruned_at,
            },
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


def write_anchor(anchor: Anchor) -> Path:
    """Write `anchor`, signed, as a new read-only file in the checkpoint folder."""
    folder = checkpoint_dir()
    if folder is None:
        raise ValueError("AUDIT_CHECKPOINT_DIR is not set: a prune needs somewhere to anchor it")
    folder.mkdir(parents=True, exist_ok=True)
    body = json.dumps(
        {
            "kind": "prune-anchor",
            "sequence": anchor.sequence,
            "head_hash": anchor.head_hash,
            "pruned_from": anchor.pruned_from,
            "pruned_at": anchor.pruned_at,
            "signature": hmac.new(
                audit_keys.checkpoint_key(), anchor.payload(), "sha256"
            ).hexdigest(),
        },
        indent=2,
    )
    stamp = now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{ANCHOR_PREFIX}{anchor.sequence:012d}-{stamp}.json"
    with open(path, "x") as handle:
        handle.write(body)
    os.chmod(path, 0o444)
    return path


def _read_anchor(path: Path) -> tuple[Anchor | None, str]:
    try:
        data = json.loads(path.read_text())
        anchor = Anchor(
            sequence=int(data["sequence"]),
            head_hash=str(data["head_hash"]),
            pruned_from=int(data["pruned_from"]),
            pruned_at=str(data["pruned_at"]),
            path=path,
        )
        signature = str(data["signature"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, "unreadable"
    for key in audit_keys.checkpoint_keys():
        if hmac.compare_digest(hmac.new(key, anchor.payload(), "sha256").hexdigest(), signature):
            return anchor, ""
    return None, "its signature does not match any checkpoint key (forged or altered)"


def anchors() -> tuple[list[Anchor], list[CheckpointProblem]]:
    """Every prune anchor whose signature verifies, lowest first, and the files that do not."""
    folder = checkpoint_dir()
    if folder is None or not folder.is_dir():
        return [], []
    good, bad = [], []
    for path in sorted(folder.glob(f"{ANCHOR_PREFIX}*.json")):
        anchor, problem = _read_anchor(path)
        if anchor is None:
            bad.append(CheckpointProblem(path.name, problem))
        else:
            good.append(anchor)
    good.sort(key=lambda a: a.sequence)
    return good, bad


def anchor_at(sequence: int) -> Anchor | None:
    """The signed anchor saying row `sequence` was the last one pruned, if there is one."""
    good, _ = anchors()
    return next((a for a in good if a.sequence == sequence), None)


def verify_checkpoints() -> tuple[int, list[CheckpointProblem]]:
    """Check the database against every valid checkpoint. Returns (checkpoints checked,
    problems): a forged checkpoint file, a checkpointed row that no longer exists (the history
    was cut short) or whose hash differs (the history was rewritten)."""
    good, problems = checkpoints()
    signed_anchors, bad_anchors = anchors()
    problems += bad_anchors
    first_sequence = (
        AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True).first()
    )
    last_sequence = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    )
    if signed_anchors and last_sequence <= signed_anchors[-1].sequence:
        # A prune always leaves its own audit row after the cut.
        anchor = signed_anchors[-1]
        problems.append(
            CheckpointProblem(
                anchor.path.name if anchor.path else "anchor",
                f"rows up to {anchor.sequence} were pruned at {anchor.pruned_at}, but the log "
                f"now ends at row {last_sequence}: rows were deleted from the end",
            )
        )
    # Checkpoints of rows before the start of the log were pruned with them; `verify_chain`
    # has checked the start follows a signed anchor.
    if first_sequence is not None:
        good = [c for c in good if c.sequence >= first_sequence]
    if not good:
        return 0, problems
    sequences = [c.sequence for c in good]
    stored = dict(
        AuditEvent.objects.filter(sequence__in=sequences).values_list("sequence", "row_hash")
    )
    for checkpoint in good:
        name = checkpoint.path.name if checkpoint.path else "checkpoint"
        row_hash = stored.get(checkpoint.sequence)
        if row_hash is None:
            problems.append(
                CheckpointProblem(
                    name,
                    f"row {checkpoint.sequence} was checkpointed at {checkpoint.written_at} but "
                    f"the log now ends at row {last_sequence}: rows were deleted from the end",
                )
            )
        elif not hmac.compare_digest(row_hash, checkpoint.head_hash):
            problems.append(
                CheckpointProblem(
                    name,
                    f"row {checkpoint.sequence} no longer has the hash checkpointed at "
                    f"{checkpoint.written_at}: the history up to it was rewritten",
                )
            )
    return len(good), problems
