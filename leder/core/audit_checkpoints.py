"""Signed checkpoints of the audit log, kept outside the database (ADR 0120).

A checkpoint records the sequence number and hash of the newest audit row, signed with a key the
database does not hold. It is written to `AUDIT_CHECKPOINT_DIR` (meant to be write-once storage)
as a new file that is never overwritten, and optionally e-mailed. Because the chain is keyed, a
matching checkpoint vouches for every row up to it; `verify_checkpoints()` then names a history
that was cut short (rows deleted from the end) or rewritten before a checkpoint.
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


def verify_checkpoints() -> tuple[int, list[CheckpointProblem]]:
    """Check the database against every valid checkpoint. Returns (checkpoints checked,
    problems): a forged checkpoint file, a checkpointed row that no longer exists (the history
    was cut short) or whose hash differs (the history was rewritten)."""
    good, problems = checkpoints()
    if not good:
        return 0, problems
    sequences = [c.sequence for c in good]
    stored = dict(
        AuditEvent.objects.filter(sequence__in=sequences).values_list("sequence", "row_hash")
    )
    last_sequence = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
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
