"""Record who did what to which record, and who looked at identifiable data.

Services call `record(...)` inside their own `transaction.atomic()`, so the audit row and the
change it describes are committed together or not at all. Views that show identifiable data call
`record_view(...)`. Rows are chained by an HMAC under a key the database never holds
(`leder.core.audit_keys`); `verify_chain()` finds the first broken link, and
`leder.core.audit_checkpoints` catches a history cut short after a signed checkpoint.
"""

import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, models, transaction

from leder.core import audit_keys, bulk
from leder.core.models import AuditAction, AuditEvent
from leder.core.time import now

GENESIS_HASH = "0" * 64
# Serialises writers on PostgreSQL so that two transactions cannot both extend the chain from
# the same row. SQLite already has one writer at a time (transaction_mode IMMEDIATE).
_CHAIN_LOCK_KEY = 0x1EDE2


def _canonical(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    summary: str,
    details: dict,
    ip_address,
    previous_hash: str,
) -> bytes:
    payload = {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "summary": summary,
        "details": details,
        "ip_address": ip_address,
        "previous_hash": previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The row's HMAC-SHA256 under `key` (default: the key its `key_id` names). Without the key
    nobody can compute a hash `verify_chain()` accepts."""
    if key is None:
        key = audit_keys.key_for(event.key_id)
    return hmac.new(
        key,
        _canonical(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            summary=event.summary,
            details=event.details,
            ip_address=event.ip_address,
            previous_hash=event.previous_hash,
        )
        + b"|"
        + event.key_id.encode(),
        "sha256",
    ).hexdigest()


def _normalise_details(details: dict | None) -> dict:
    # Round-trip through JSON so the hash is computed over exactly what the database stores.
    return json.loads(json.dumps(details or {}, default=str, sort_keys=True))


def _object_identity(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label, str(obj.pk)
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    raise TypeError(f"Cannot audit {obj!r}: pass a model instance or a (type, id) pair")


def _actor_label(actor) -> str:
    if actor is None:
        return "public"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "email", None) or str(actor)


@transaction.atomic
def record(
    *,
    actor,
    action: AuditAction | str,
    obj=None,
    summary: str = "",
    details: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one audit row. `actor` is a user, None for a member of the public, or a string
    naming a system process (for example "system:restructure"). Call inside the service's
    transaction so the row commits with the change."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "row_hash").first()
    object_type, object_id = _object_identity(obj)
    event = AuditEvent(
        sequence=(last.sequence + 1) if last else 1,
        occurred_at=now(),
        actor=actor if hasattr(actor, "pk") and actor.pk else None,
        actor_label=_actor_label(actor),
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
        details=_normalise_details(details),
        ip_address=ip_address,
        previous_hash=last.row_hash if last else GENESIS_HASH,
        key_id=audit_keys.current_key_id(),
    )
    event.row_hash = compute_hash(event, audit_keys.current_key())
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Entry:
    """One audit row to be written by `record_many`."""

    action: str
    obj: object = None
    summary: str = ""
    details: dict | None = None


@transaction.atomic
def record_many(*, actor, entries, batch_size: int = 1000) -> int:
    """Append many audit rows at once, chained exactly as `record` chains them (each row's
    `previous_hash` is the row before it's hash, sequences consecutive), in a fixed number of
    queries: the chain lock and the last row are taken once and the rows are bulk-inserted.
    Call inside the service's transaction, like `record`. Returns the number of rows written.
    For bulk work (the import, ADR 0155), where one `record` per row would cost three queries
    and a lock each."""
    entries = list(entries)
    if not entries:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "row_hash").first()
    sequence = last.sequence if last else 0
    previous = last.row_hash if last else GENESIS_HASH
    key_id, key = audit_keys.current_key_id(), audit_keys.current_key()
    at = now()
    user = actor if hasattr(actor, "pk") and actor.pk else None
    label = _actor_label(actor)
    events = []
    for entry in entries:
        sequence += 1
        object_type, object_id = _object_identity(entry.obj)
        event = AuditEvent(
            sequence=sequence,
            occurred_at=at,
            actor=user,
            actor_label=label,
            action=str(entry.action),
            object_type=object_type,
            object_id=object_id,
            summary=entry.summary[:300],
            details=_normalise_details(entry.details),
            ip_address=None,
            previous_hash=previous,
            key_id=key_id,
        )
        event.row_hash = compute_hash(event, key)
        previous = event.row_hash
        events.append(event)
    bulk.insert(AuditEvent, events, batch_size=batch_size)
    return len(events)


def record_view(*, actor, obj, summary: str = "", details: dict | None = None, request=None):
    """Record that `actor` looked at identifiable data held in `obj`."""
    return record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=obj,
        summary=summary,
        details=details,
        ip_address=client_ip(request) if request is not None else None,
    )


def record_list_view(
    *, actor, listing: str, summary: str, references, request=None, details: dict | None = None
):
    """Record that `actor` looked at a list, queue or page showing several people: one row naming
    the list (`listing`, for example "notifications.Inbox") and, in its details, the reference of
    every person shown, so a search of the audit for a person finds this view too."""
    references = list(references)
    return record_view(
        actor=actor,
        obj=(listing, ""),
        summary=summary,
        details={**(details or {}), "references": references, "rows": len(references)},
        request=request,
    )


def client_ip(request) -> str | None:
    """The client's address, through the trusted proxies (`leder.core.client`, ADR 0111)."""
    from leder.core.client import client_address

    return client_address(request)


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"Audit row sequence {self.sequence} (id {self.row_id}): {self.problem}"


def verify_chain(*, batch_size: int = 2000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in sequence order. Returns (rows checked, first break or None).

    - an edited row no longer matches its own hash;
    - a deleted row leaves a gap in `sequence` and the next row's `previous_hash` unmatched;
    - an inserted row either duplicates a place in the sequence or does not follow its
      predecessor's hash;
    - a re-chained history (rows deleted or edited, later rows renumbered and their hashes
      recomputed) fails at its first recomputed row: the hash is an HMAC under a key the
      database does not hold.

    A history cut short at the end is caught against the signed checkpoints
    (`leder.core.audit_checkpoints.verify_checkpoints`). A log whose start was pruned under its
    retention period (ADR 0123) is verified from the signed anchor of the prune: its first row
    must follow the anchor's hash, so a start deleted without a prune is named, and every later
    row is checked as before.
    """
    from leder.core.audit_checkpoints import anchor_at

    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    first = AuditEvent.objects.order_by("sequence", "id").only("sequence").first()
    if first is not None and first.sequence > 1:
        anchor = anchor_at(first.sequence - 1)
        if anchor is None:
            missing = "1" + (f"–{first.sequence - 1}" if first.sequence > 2 else "")
            return 0, ChainBreak(
                first.sequence,
                first.pk,
                f"the start of the log was deleted (sequence {missing} missing) and no signed "
                "prune anchor accounts for it",
            )
        expected_sequence, previous_hash = first.sequence, anchor.head_hash
    rows = AuditEvent.objects.order_by("sequence", "id").iterator(chunk_size=batch_size)
    for event in rows:
        checked += 1
        if event.sequence != expected_sequence:
            if event.sequence < expected_sequence:
                problem = "inserted: its sequence number repeats an earlier row's"
            else:
                missing = f"{expected_sequence}" + (
                    f"–{event.sequence - 1}" if event.sequence - 1 > expected_sequence else ""
                )
                problem = f"the row(s) before it were deleted (sequence {missing} missing)"
            return checked, ChainBreak(event.sequence, event.pk, problem)
        if event.previous_hash != previous_hash:
            return checked, ChainBreak(
                event.sequence,
                event.pk,
                "does not follow the row before it: that row was edited, or this row was inserted",
            )
        key = audit_keys.known_key(event.key_id)
        if key is None:
            return checked, ChainBreak(
                event.sequence,
                event.pk,
                f"names a key this service does not hold ({event.key_id or 'none'}): "
                "forged, or an old key is missing from AUDIT_HMAC_OLD_KEYS",
            )
        if not hmac.compare_digest(compute_hash(event, key), event.row_hash):
            return checked, ChainBreak(
                event.sequence,
                event.pk,
                "edited: its content no longer matches its keyed hash (or the row was forged "
                "by someone without the audit key)",
            )
        previous_hash = event.row_hash
        expected_sequence += 1
    return checked, None
