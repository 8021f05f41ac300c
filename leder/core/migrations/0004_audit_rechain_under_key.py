"""Re-chain the audit rows written before the chain was keyed (ADR 0120).

The old chain is checked first with the old, unkeyed SHA-256; if it is already broken the
migration stops and names the row (investigate, then run it again with AUDIT_REKEY_ACCEPT_BROKEN=1
to re-chain what is there). Then every row is re-hashed, in order, with an HMAC under the
configured AUDIT_HMAC_KEY. The append-only triggers are lifted only for the length of this
migration's transaction (and put back in every case: SQLite's rebuild of the table in 0003
dropped them)."""

import hashlib
import os

from django.db import migrations

from leder.core import audit_keys, audit_triggers


def _legacy_hash(row) -> str:
    from leder.core.audit import _canonical

    return hashlib.sha256(
        _canonical(
            sequence=row.sequence,
            occurred_at=row.occurred_at,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            summary=row.summary,
            details=row.details,
            ip_address=row.ip_address,
            previous_hash=row.previous_hash,
        )
    ).hexdigest()


def forwards(apps, schema_editor):
    from leder.core.audit import GENESIS_HASH, compute_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    connection = schema_editor.connection
    if not AuditEvent.objects.exists():
        # SQLite rebuilt the table to add key_id, which dropped its triggers: put them back.
        audit_triggers.install(connection, version=1)
        return
    accept_broken = os.environ.get("AUDIT_REKEY_ACCEPT_BROKEN") == "1"
    key = audit_keys.current_key()
    identifier = audit_keys.key_id(key)
    audit_triggers.remove(connection)
    previous_old = previous_new = GENESIS_HASH
    with connection.cursor() as cursor:
        for row in AuditEvent.objects.order_by("sequence", "id").iterator(chunk_size=2000):
            if not accept_broken and (
                row.previous_hash != previous_old or _legacy_hash(row) != row.row_hash
            ):
                raise RuntimeError(
                    f"The audit chain is already broken at sequence {row.sequence} (id {row.pk}); "
                    "investigate before re-keying (AUDIT_REKEY_ACCEPT_BROKEN=1 re-chains anyway)."
                )
            previous_old = row.row_hash
            row.previous_hash = previous_new
            row.key_id = identifier
            row.row_hash = compute_hash(row, key)
            cursor.execute(
                "UPDATE core_auditevent SET previous_hash = %s, key_id = %s, row_hash = %s "
                "WHERE id = %s",
                [row.previous_hash, row.key_id, row.row_hash, row.pk],
            )
            previous_new = row.row_hash
    audit_triggers.install(connection, version=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditevent_key_id")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
