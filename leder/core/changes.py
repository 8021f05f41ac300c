"""Changing some fields of a row: which ones differ, and saving only those.

A service that edits a record says what it wants, asks which fields that changes (nothing
changed: nothing written, no audit row), saves those and audits the before and after:

    changed = changed_fields(locked, wanted)
    if not changed:
        return []
    save_changed(locked, changed)
    audit.record(..., details={"changes": changed})
"""

from collections.abc import Mapping
from typing import Any

from django.db import models


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
