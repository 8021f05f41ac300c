"""The audit row of a definition saved from the admin (a QA checklist and its items, a survey and
its questions): a new one with all its values, a changed one with only what changed, as
[before, after]; nothing when a save changed nothing."""

from leder.core import audit
from leder.core.models import AuditAction


def record_saved(
    *, actor, obj, before: dict | None, after: dict, added: str, changed: str, **details
) -> None:
    """`before` is None for a new `obj`; `added` and `changed` are the two summaries; `details`
    come first in the row's details (which survey a question belongs to)."""
    if before is None:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=obj,
            summary=added,
            details={**details, "values": after},
        )
        return
    differences = {
        name: [before[name], after[name]] for name in after if before[name] != after[name]
    }
    if differences:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=obj,
            summary=changed,
            details={**details, "changed": differences},
        )
