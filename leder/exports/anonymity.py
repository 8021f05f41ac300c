"""A re-identification check on the dataset's structured fields: k-anonymity (issue 13).

Before an export is written, the records are grouped by the values of their quasi-identifiers:
the fields someone could know from outside (a death notice in a local paper gives age, month,
place, sex; a family's story gives ethnic group and cause). A record whose combination is shared
by fewer than `k` records (default 5) could be picked out, so the rare records are generalised,
one quasi-identifier one step at a time, until every combination is shared by at least `k`:

| quasi-identifier | steps                                                                  |
|------------------|------------------------------------------------------------------------|
| age              | age in years → 5-year band → 10-year band → 20-year band → withheld    |
| death_month      | month → quarter → year only                                            |
| icb              | ICB → region → withheld                                                |
| sex              | sex → withheld                                                         |
| ethnic_group     | ethnic category → ethnic group → White / other than White → withheld   |
| cause            | ICD-10 code → block → chapter → withheld                               |

A generalised record keeps the coarser field (`age_band`, `death_quarter`, `region_code`,
`underlying_cause_block`…) and has the finer one emptied, and `generalised` names what was
generalised for it. At each round the step taken is the one that leaves the fewest records in
rare combinations (ties in the table's order from month down), widening before withholding:
a last step ("withheld", "year only") is taken only once nothing can be widened. Records still
rare with every quasi-identifier at its last step are suppressed: left out of the export,
counted in the manifest. Only the rare records are generalised (local recoding); the rest keep
full detail.

Works on whichever specification is exported: a quasi-identifier whose column is not in the
frame is skipped. Linear in the number of records per round, with at most one round per step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings

DEFAULT_K = 5
DEFAULT_QUASI_IDENTIFIERS = ("age", "death_month", "icb", "sex", "ethnic_group", "cause")
NOT_WHITE = "Other than White"


def _band(age: int | None, width: int) -> str | None:
    if age is None:
        return None
    low = (age // width) * width
    return f"{low}-{low + width - 1}"


def _quarter(month: int | None) -> str | None:
    return None if month is None else f"Q{(month - 1) // 3 + 1}"


@dataclass(frozen=True)
class QuasiIdentifier:
    name: str
    # The column that must be in the frame for this quasi-identifier to be checked.
    column: str
    # The names of the steps, from full detail (step 0) to the last.
    steps: tuple[str, ...]
    # The value compared at a step, from a record as first built.
    value: Callable[[dict, int], object]
    # Sets a record's columns for a step (the record is a dict, changed in place).
    apply: Callable[[dict, dict, int], None]


def _age_apply(row: dict, original: dict, step: int) -> None:
    age = original.get("age_at_death")
    row["age_at_death"] = age if step == 0 else None
    row["age_band"] = _band(age, {0: 5, 1: 5, 2: 10, 3: 20}.get(step, 0)) if step < 4 else None


def _month_apply(row: dict, original: dict, step: int) -> None:
    month = original.get("death_month")
    row["death_month"] = month if step == 0 else None
    row["death_quarter"] = _quarter(month) if step < 2 else None


def _icb_apply(row: dict, original: dict, step: int) -> None:
    for name in ("icb_code", "icb_name"):
        row[name] = original.get(name) if step == 0 else None
    for name in ("region_code", "region_name"):
        row[name] = original.get(name) if step < 2 else None


def _sex_apply(row: dict, original: dict, step: int) -> None:
    row["sex"] = original.get("sex") if step == 0 else None


def _ethnic_value(row: dict, step: int) -> object:
    if step == 0:
        return (row.get("ethnic_category"), row.get("ethnic_group"))
    if step == 1:
        return row.get("ethnic_group")
    if step == 2:
        group = row.get("ethnic_group")
        return group if group in (None, "White") or group.startswith("Not stated") else NOT_WHITE
    return None


def _ethnic_apply(row: dict, original: dict, step: int) -> None:
    row["ethnic_category"] = original.get("ethnic_category") if step == 0 else None
    row["ethnic_group"] = (
        _ethnic_value(original, step) if step >= 1 else original.get("ethnic_group")
    )


_CAUSE_COLUMNS = (
    ("underlying_cause_code", 1),
    ("underlying_cause_title", 1),
    ("underlying_cause_block", 2),
    ("underlying_cause_chapter", 3),
    ("underlying_cause_chapter_title", 3),
)


def _cause_value(row: dict, step: int) -> object:
    return {
        0: row.get("underlying_cause_code"),
        1: row.get("underlying_cause_block"),
        2: row.get("underlying_cause_chapter"),
    }.get(step)


def _cause_apply(row: dict, original: dict, step: int) -> None:
    for name, emptied_from in _CAUSE_COLUMNS:
        row[name] = original.get(name) if step < emptied_from else None


QUASI_IDENTIFIERS: dict[str, QuasiIdentifier] = {
    q.name: q
    for q in (
        QuasiIdentifier(
            "death_month",
            "death_month",
            ("month", "quarter", "year only"),
            lambda r, s: (
                r.get("death_month")
                if s == 0
                else _quarter(r.get("death_month"))
                if s == 1
                else None
            ),
            _month_apply,
        ),
        QuasiIdentifier(
            "age",
            "age_at_death",
            ("age in years", "5-year band", "10-year band", "20-year band", "withheld"),
            lambda r, s: (
                r.get("age_at_death")
                if s == 0
                else _band(r.get("age_at_death"), {1: 5, 2: 10, 3: 20}.get(s, 0))
                if s < 4
                else None
            ),
            _age_apply,
        ),
        QuasiIdentifier(
            "cause",
            "underlying_cause_code",
            ("ICD-10 code", "ICD-10 block", "ICD-10 chapter", "withheld"),
            _cause_value,
            _cause_apply,
        ),
        QuasiIdentifier(
            "icb",
            "icb_code",
            ("ICB", "region", "withheld"),
            lambda r, s: r.get("icb_code") if s == 0 else r.get("region_code") if s == 1 else None,
            _icb_apply,
        ),
        QuasiIdentifier(
            "ethnic_group",
            "ethnic_group",
            ("ethnic category", "ethnic group", "White or other than White", "withheld"),
            _ethnic_value,
            _ethnic_apply,
        ),
        QuasiIdentifier(
            "sex",
            "sex",
            ("sex", "withheld"),
            lambda r, s: r.get("sex") if s == 0 else None,
            _sex_apply,
        ),
    )
}


def configured_k() -> int:
    return int(getattr(settings, "LEDER_K_ANONYMITY_K", DEFAULT_K))


def configured_quasi_identifiers() -> tuple[str, ...]:
    return tuple(
        getattr(settings, "LEDER_K_ANONYMITY_QUASI_IDENTIFIERS", DEFAULT_QUASI_IDENTIFIERS)
    )


@dataclass
class Result:
    frame: pl.DataFrame
    k: int
    quasi_identifiers: tuple[str, ...]
    # Records generalised, by quasi-identifier and the step reached.
    generalised: dict[str, dict[str, int]] = field(default_factory=dict)
    suppressed: int = 0
    smallest_group: int | None = None
    groups: int = 0

    def as_dict(self) -> dict:
        return {
            "k": self.k,
            "quasi_identifiers": list(self.quasi_identifiers),
            "records_generalised": self.generalised,
            "records_suppressed": self.suppressed,
            "combinations": self.groups,
            "smallest_combination": self.smallest_group,
            "rule": "Every combination of the quasi-identifiers is shared by at least k records; "
            "rarer records are generalised step by step, and suppressed only when every "
            "quasi-identifier is at its last step.",
        }


def anonymise(
    frame: pl.DataFrame,
    *,
    k: int | None = None,
    quasi_identifiers: tuple[str, ...] | None = None,
) -> Result:
    """`frame` with rare combinations of the quasi-identifiers generalised (see the module's
    docstring), the same columns in the same order. `age_band`, `death_quarter` and
    `generalised` are filled when the frame has them."""
    k = configured_k() if k is None else k
    names = configured_quasi_identifiers() if quasi_identifiers is None else quasi_identifiers
    unknown = [n for n in names if n not in QUASI_IDENTIFIERS]
    if unknown:
        raise ValueError(f"Unknown quasi-identifiers: {', '.join(unknown)}")
    active = [QUASI_IDENTIFIERS[n] for n in names if QUASI_IDENTIFIERS[n].column in frame.columns]
    originals = frame.to_dicts()
    rows = [dict(r) for r in originals]
    steps = [dict.fromkeys((q.name for q in active), 0) for _ in rows]
    for row, original in zip(rows, originals, strict=True):
        for q in active:
            q.apply(row, original, 0)

    def key(index: int, override: tuple[str, int] | None = None) -> tuple:
        return tuple(
            q.value(
                originals[index],
                override[1] if override and override[0] == q.name else steps[index][q.name],
            )
            for q in active
        )

    def rare(keys: list[tuple]) -> list[int]:
        sizes = Counter(keys)
        return [i for i, kk in enumerate(keys) if sizes[kk] < k]

    keys = [key(i) for i in range(len(rows))]
    suppressed: set[int] = set()
    while active:
        rare_rows = rare(keys)
        if not rare_rows:
            break
        best = None
        # Widen before withholding: a last step (withheld, year only) is taken only when no
        # quasi-identifier can be widened any more for the rare records.
        for last_steps in (False, True):
            for q in active:
                limit = len(q.steps) - 1 if last_steps else len(q.steps) - 2
                movable = [i for i in rare_rows if steps[i][q.name] < limit]
                if not movable:
                    continue
                trial = list(keys)
                for i in movable:
                    trial[i] = key(i, (q.name, steps[i][q.name] + 1))
                left = len(rare(trial))
                if best is None or left < best[0]:
                    best = (left, q, movable)
            if best is not None:
                break
        if best is None:  # every rare record is at the last step of everything: suppress
            suppressed = set(rare_rows)
            break
        _, q, movable = best
        for i in movable:
            steps[i][q.name] += 1
            q.apply(rows[i], originals[i], steps[i][q.name])
            keys[i] = key(i)

    generalised: dict[str, dict[str, int]] = {}
    for index, row in enumerate(rows):
        raised = [q for q in active if steps[index][q.name] > 0]
        if "generalised" in row:
            row["generalised"] = "|".join(q.name for q in raised) or None
        for q in raised:
            label = q.steps[steps[index][q.name]]
            generalised.setdefault(q.name, {}).setdefault(label, 0)
            if index not in suppressed:
                generalised[q.name][label] += 1
    kept = [row for index, row in enumerate(rows) if index not in suppressed]
    final_keys = [keys[i] for i in range(len(rows)) if i not in suppressed]
    sizes = Counter(final_keys)
    out = pl.DataFrame(kept, schema=frame.schema) if kept else frame.clear()
    return Result(
        frame=out,
        k=k,
        quasi_identifiers=tuple(q.name for q in active),
        generalised={n: {s: c for s, c in v.items() if c} for n, v in generalised.items()},
        suppressed=len(suppressed),
        smallest_group=min(sizes.values()) if sizes else None,
        groups=len(sizes),
    )
