"""Differences between two snapshots of a review, as rows a person can read."""

import difflib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    section: str
    path: str
    before: Any
    after: Any

    def as_dict(self) -> dict:
        return {
            "section": self.section,
            "path": self.path,
            "before": self.before,
            "after": self.after,
        }


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}, "c": [x, y]} → {"a.b": 1, "c[1]": x, "c[2]": y}: one row per answer."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value):
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value, start=1):
            out.update(_flatten(item, f"{prefix}[{index}]"))
        return out or {prefix: []}
    return {prefix: value}


def changes_between(before: dict, after: dict) -> list[Change]:
    """Every answer added, changed or removed between two snapshots, section by section."""
    changes = []
    for section in sorted(set(before) | set(after)):
        old = _flatten(before.get(section, {}))
        new = _flatten(after.get(section, {}))
        for path in sorted(set(old) | set(new)):
            if old.get(path) != new.get(path):
                changes.append(Change(section, path, old.get(path), new.get(path)))
    return changes


def text_diff(before: Any, after: Any) -> list[tuple[str, str]]:
    """Word-level difference of two answers: [("same"|"removed"|"added", words), ...]."""

    def words(value):
        if value is None:
            return []
        text = value if isinstance(value, str) else json.dumps(value)
        return text.split()

    old, new = words(before), words(after)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            parts.append(("added", " ".join(new[j1:j2])))
    return parts
