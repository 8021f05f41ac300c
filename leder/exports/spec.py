"""The data specifications of the de-identified national dataset, by version.

A specification is data: the dataset builder, the page that shows it, and the CSV/JSON files
written beside each export all read it, so they cannot disagree. A version never changes once
used: exports under an agreement made for an older version keep using it (the agreement names
its `spec_version`), and a change is a new version with a changelog.

- 2026.1 (`spec_2026.py`): deaths, the cause of death, avoidable classification, grading,
  focused-review triggers, themes and released learning.
- 2027.1 (`spec_2027.py`, the current one): adds every structured answer, the person's profile,
  the coroner and medical examiner, COVID-19 vaccination, time to each stage, and counts
  "within 6 months" by the one definition (ADR 0140). See its `CHANGELOG_2027_1`.

The module-level names (`VERSION`, `FIELDS`, `FIELD_NAMES`, `SCHEMA`…) are the current
version's; use `specification(version)` for another.
"""

import csv
import io
import json
from dataclasses import asdict, dataclass
from functools import cached_property

import polars as pl

from leder.exports.spec_2026 import (
    FIELDS_2026_1,
    MULTI_VALUE_SEPARATOR,
    REVIEW_STATUSES,
    TEXT_SEPARATOR,
    VERSION_2026_1,
    WITHHELD,
    Field,
)
from leder.exports.spec_2027 import CHANGELOG_2027_1, FIELDS_2027_1, VERSION_2027_1

__all__ = [
    "MULTI_VALUE_SEPARATOR",
    "REVIEW_STATUSES",
    "TEXT_SEPARATOR",
    "WITHHELD",
    "Field",
    "Specification",
    "specification",
]

_COLUMNS = ("name", "type", "allowed", "description", "derivation", "multi_valued", "source")


@dataclass(frozen=True)
class Specification:
    version: str
    fields: tuple[Field, ...]
    # What changed from the previous version, one entry per change.
    changelog: tuple[str, ...] = ()
    previous: str = ""

    @property
    def frozen_layout(self) -> bool:
        """2026.1's files keep exactly the columns and keys they were agreed with."""
        return self.version == VERSION_2026_1

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def free_text_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.free_text)

    @cached_property
    def schema(self) -> dict[str, pl.DataType]:
        return {f.name: f.dtype for f in self.fields}

    def as_dict(self) -> dict:
        """The whole specification as JSON-ready data."""
        left_out = {"always_present"} | ({"source"} if self.frozen_layout else set())
        described = {
            "version": self.version,
            "record": "one per notified death in the cohort (see `cohort` in the manifest)",
            "multi_value_separator": MULTI_VALUE_SEPARATOR,
            "text_separator": TEXT_SEPARATOR,
            "review_statuses": REVIEW_STATUSES,
            "withheld": WITHHELD,
        }
        if not self.frozen_layout:
            described["changes_from"] = self.previous or None
            described["changelog"] = list(self.changelog)
        described["fields"] = [
            {k: v for k, v in asdict(f).items() if k not in left_out} for f in self.fields
        ]
        return described

    def as_json(self) -> bytes:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False).encode("utf-8")

    def as_csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        columns = _COLUMNS[:-1] if self.frozen_layout else _COLUMNS
        writer.writerow(columns)
        for f in self.fields:
            values = [f.name, f.type, f.allowed, f.description, f.derivation]
            values += [str(f.multi_valued).lower(), f.source]
            writer.writerow(values[: len(columns)])
        return out.getvalue().encode("utf-8")


SPECIFICATIONS: dict[str, Specification] = {
    VERSION_2026_1: Specification(VERSION_2026_1, FIELDS_2026_1),
    VERSION_2027_1: Specification(
        VERSION_2027_1, FIELDS_2027_1, CHANGELOG_2027_1, previous=VERSION_2026_1
    ),
}
#: The version new agreements and exports use.
VERSION = VERSION_2027_1
VERSIONS: tuple[str, ...] = tuple(SPECIFICATIONS)


def specification(version: str | None = None) -> Specification:
    """The specification `version` (the current one by default); KeyError if there is none."""
    return SPECIFICATIONS[version or VERSION]


CURRENT = specification()
FIELDS: tuple[Field, ...] = CURRENT.fields
FIELD_NAMES: tuple[str, ...] = CURRENT.field_names
FREE_TEXT_FIELDS: tuple[str, ...] = CURRENT.free_text_fields
SCHEMA: dict[str, pl.DataType] = CURRENT.schema


def as_dict() -> dict:
    return CURRENT.as_dict()


def as_json() -> bytes:
    return CURRENT.as_json()


def as_csv() -> bytes:
    return CURRENT.as_csv()
