"""Changing some fields of a row: which ones differ, and saving only those.

A service that edits a record says what it wants, asks which fields that changes (nothing
changed: nothing written, no audit row), saves those and audits the before and after:

    changed = changed_fields(locked, wanted)
    if not changed:
        return []
    save_changed(locked, changed)
    audit.record(..., details={"changes": changed})

A row that records who last changed it (`updated_at`, `updated_by`) is saved with
`save_stamped`, which writes nothing where nothing would change.
"""

from collections.abc import Mapping
from typing import Any

from django.db import models

from leder.core.time import now


def changed_fields(obj: models.Model, wanted: Mapping[str, Any]) -> dict[str, list]:
    """`{field: [value now, value wanted]}` for each field of `obj` whose value would change."""
    return {
        name: [getattr(obj, name), value]
        for name, value in wanted.items()
        if getattr(obj, name) != value
    }


def save_changed(obj: models.Model, changed: Mapping[str, list]) -> None:
    """Give `obj` the new value of each changed field and save those fields only."""
    for name, (_before, after) in changed.items():
        setattr(obj, name, after)
    obj.save(update_fields=list(changed))


def save_stamped(obj: models.Model, wanted: Mapping[str, Any], *, actor) -> bool:
    """Give `obj` the `wanted` values, stamp it as changed now by `actor` (`updated_at`,
    `updated_by`) and save it. A row already saved that has those values already is left alone
    (False): no write, so no empty version or audit row after it."""
    if not obj._state.adding and not changed_fields(obj, wanted):
        return False
    for name, value in wanted.items():
        setattr(obj, name, value)
    obj.updated_at, obj.updated_by = now(), actor
    obj.save()
    return True
