"""The audit log: append-only and hash-chained.

Each row carries `sequence` (1, 2, 3, … with no gaps), the hash of the row before it and its own
hash over its content and that previous hash. Editing, deleting or inserting a row anywhere
breaks the chain from that row on, which `manage.py audit_verify` reports. The application has
no update or delete path for these rows (see `save` and `delete`), and database triggers
(migration 0002) refuse UPDATE and DELETE from anyone else. The one exception is pruning a prefix
of the log past its retention period up to a signed checkpoint (`leder.core.audit_prune`, ADR
0123): the triggers let through only DELETEs of rows at or below a recorded `AuditPrune`.
"""

from django.db import models

from leder.core.model_fields import actor_field


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    VIEW = "view", "Viewed"
    DELETE = "delete", "Deleted"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    TWO_FACTOR = "two_factor", "Two-factor authentication"
    RESTRUCTURE = "restructure", "Organisation restructure"
    OVERRIDE = "override", "Decision overridden"
    MERGE = "merge", "Merged"
    EXPORT = "export", "Exported"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


class AuditLogIsAppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = actor_field(optional=True)
    # Kept as text too, so the row still says who acted if an account is renamed.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)
    # The fingerprint of the key the row's HMAC was computed with (never the key itself), so rows
    # written before a key rotation still verify (leder.core.audit_keys).
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.sequence} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


class AuditPrune(models.Model):
    """A prefix of the audit log deleted under its retention period (ADR 0123), kept for ever.

    Rows 1 (or the first left by an earlier prune) to `pruned_to` were deleted; `anchor_hash`
    is the hash of row `pruned_to`, which a signed checkpoint vouched for. The same facts are
    written, signed, as an anchor file beside the checkpoints, outside the database: that file,
    not this row, is what `audit_verify` trusts. The database triggers let a DELETE of an audit
    row through only when its sequence is at or below a `pruned_to` recorded here, and refuse
    any change to these rows.
    """

    pruned_from = models.PositiveBigIntegerField()
    pruned_to = models.PositiveBigIntegerField(unique=True)
    anchor_hash = models.CharField(max_length=64)
    rows = models.PositiveBigIntegerField()
    pruned_at = models.DateTimeField()
    # The sequence of the audit row that records this prune.
    audit_sequence = models.PositiveBigIntegerField()
    anchor_file = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pruned_to"]

    def __str__(self) -> str:
        return f"Audit rows {self.pruned_from}–{self.pruned_to} pruned at {self.pruned_at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("A record of a prune cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("A record of a prune cannot be deleted.")
