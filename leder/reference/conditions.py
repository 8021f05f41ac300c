"""Long-term conditions: the maintained list a person's profile records conditions from.

The list is versioned reference data (`data/long_term_conditions.csv`; its source and status are
in `data/SOURCES.md`): the clinical registers of NHS England's Quality and Outcomes Framework
(QOF), which every GP practice in England keeps and which NHS England reviews each year. A
profile stores the condition *keys* of the version it was answered with, so a later list never
changes what an old answer meant.

`prefilled_from(codes)` says which conditions the ICD-10 codes on a medical certificate point
to, so the profile can start from what the certificate already says (the reviewer checks it).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from leder.reference import icd10

DATA = Path(__file__).resolve().parent / "data"
FILE = "long_term_conditions.csv"

#: The list used for profiles answered now. Add a version to the CSV (and point this at it) when
#: QOF adds or retires a register; never edit rows of a version profiles have used.
VERSION = "qof-2023-24"


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    qof_register: str
    icd10: tuple[str, ...]  # "I20-I25" ranges or single 3-character categories
    version: str

    def matches(self, code: str) -> bool:
        """Whether an ICD-10 code (any form) falls in one of this condition's categories."""
        category = icd10.normalise(code or "")[:3]
        if len(category) != 3:
            return False
        for entry in self.icd10:
            low, _, high = entry.partition("-")
            if low <= category <= (high or low):
                return True
        return False


@cache
def _rows() -> tuple[dict, ...]:
    with (DATA / FILE).open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def versions() -> list[str]:
    return sorted({row["version"] for row in _rows()})


@cache
def conditions(version: str = VERSION) -> tuple[Condition, ...]:
    """The conditions of `version`, in file order."""
    found = tuple(
        Condition(
            row["key"], row["label"], row["qof_register"], tuple(row["icd10"].split()), version
        )
        for row in _rows()
        if row["version"] == version
    )
    if not found:
        raise ValueError(f"Unknown long-term conditions list {version!r} (known: {versions()})")
    return found


def labels(version: str = VERSION) -> dict[str, str]:
    """Condition key → label, in list order."""
    return {c.key: c.label for c in conditions(version)}


def prefilled_from(codes, version: str = VERSION) -> list[str]:
    """The condition keys (in list order) that any of `codes` (ICD-10, any form) points to."""
    codes = [c for c in codes if c]
    return [c.key for c in conditions(version) if any(c.matches(code) for code in codes)]
