"""A re-identification check on the dataset's structured fields: k-anonymity (issue 13, ADRs
0042 and 0043).

Before an export is written, the records are grouped by the values of their quasi-identifiers:
the fields someone could know from outside (a death notice in a local paper gives age, month,
place, sex; a family's story gives ethnic group, cause, where the person lived). No combination
may be shared by fewer than `k` records (default 5). Each quasi-identifier has steps from full
detail to none, and each step a share of the detail it loses (`loss`, from 0 to 1: the logarithm
of how many values one value then stands for, over that of all the values there are):

| quasi-identifier           | steps (and the share of detail lost at each)             |
|----------------------------|----------------------------------------------------------|
| death_month                | month (0) → quarter (.44) → year only (1)                |
| age                        | years (0) → 5-year (.35) → 10-year (.5) → 20-year band   |
|                            | (.65) → withheld (1)                                     |
| cause                      | ICD-10 code (0) → block (.4) → chapter (.66) → withheld  |
| icb                        | ICB (0) → region (.48) → withheld (1)                    |
| ethnic_group               | category (0) → group (.47) → White or not (.75) →        |
|                            | withheld (1)                                             |
| sex                        | sex (0) → withheld (1)                                   |
| lived_in                   | answer (0) → withheld (1), specification 2027.1          |
| out_of_area_placement      | answer (0) → withheld (1), specification 2027.1          |
| mental_health_act_detained | answer (0) → withheld (1), specification 2027.1          |
| long_term_conditions       | answer (0) → withheld (1), specification 2027.1          |

**Minimal, local recoding, top-down.** Every record starts at the last step of everything, one
group. A group is then made finer one quasi-identifier one step at a time, choosing the step that
gives back the most detail (records made finer × loss regained; ties in the table's order): its
records are split by their values one step finer; values shared by at least k records become
groups of their own, and the rare rest stays together at the coarser step. A rest smaller than k
borrows just enough records from the largest group that can spare them (which stay coarser
with it), or else takes whole groups; or, when that costs more detail than leaving the rest out
(each suppressed record loses every quasi-identifier), the rest is suppressed: left out of the
export and counted in the manifest. Splitting stops when no step gives anything back. So a
combination that k records share keeps full detail, a rare value is generalised only for its own
records and the fewest others, and the attribute that loses least is the one generalised.

A generalised record keeps the coarser field (`age_band`, `death_quarter`, `region_code`,
`underlying_cause_block`…) and has the finer one emptied, and `generalised` names what was
generalised for it. Works on whichever specification is exported: a quasi-identifier whose column
is not in the frame is skipped. Each round is linear in the records of the group split, and a
record is split at most once per step of each quasi-identifier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl
from django.conf import settings

DEFAULT_K = 5
DEFAULT_QUASI_IDENTIFIERS = (
    "age",
    "death_month",
    "icb",
    "sex",
    "ethnic_group",
    "cause",
    # The person's profile (specification 2027.1; skipped for 2026.1, which has no such column):
    # the two answers that are rare and known to others. Where the person lived and the set of
    # long-term conditions can be added; by default they are not, because on the demo cohort
    # they cost most records their ICB and age (ADR 0043).
    "out_of_area_placement",
    "mental_health_act_detained",
)
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
    # The share of the detail lost at each step: 0 at step 0, 1 at the last (see the docstring).
    loss: tuple[float, ...] = (0.0, 1.0)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The columns `apply` sets (and `value` reads)."""
        row: dict = {}
        self.apply(row, {}, 0)
        return tuple(row)


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


def _withheld(column: str, label: str) -> QuasiIdentifier:
    """A field given in full or withheld (the profile's answers, specification 2027.1)."""

    def apply(row: dict, original: dict, step: int) -> None:
        row[column] = original.get(column) if step == 0 else None

    return QuasiIdentifier(
        column,
        column,
        (label, "withheld"),
        lambda r, s: r.get(column) if s == 0 else None,
        apply,
    )


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
            (0.0, 0.44, 1.0),
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
            (0.0, 0.35, 0.5, 0.65, 1.0),
        ),
        QuasiIdentifier(
            "cause",
            "underlying_cause_code",
            ("ICD-10 code", "ICD-10 block", "ICD-10 chapter", "withheld"),
            _cause_value,
            _cause_apply,
            (0.0, 0.4, 0.66, 1.0),
        ),
        QuasiIdentifier(
            "icb",
            "icb_code",
            ("ICB", "region", "withheld"),
            lambda r, s: r.get("icb_code") if s == 0 else r.get("region_code") if s == 1 else None,
            _icb_apply,
            (0.0, 0.48, 1.0),
        ),
        QuasiIdentifier(
            "ethnic_group",
            "ethnic_group",
            ("ethnic category", "ethnic group", "White or other than White", "withheld"),
            _ethnic_value,
            _ethnic_apply,
            (0.0, 0.47, 0.75, 1.0),
        ),
        _withheld("sex", "sex"),
        # The person's profile (specification 2027.1): what a family, a neighbour or a local
        # paper knows and few people share. Down's syndrome, cerebral palsy and epilepsy are
        # common among the people LeDeR reviews, so they are not quasi-identifiers by default.
        _withheld("lived_in", "where the person lived"),
        _withheld("out_of_area_placement", "out-of-area placement"),
        _withheld("mental_health_act_detained", "detained under the Mental Health Act"),
        _withheld("long_term_conditions", "long-term conditions"),
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
    # The share of the quasi-identifiers' detail kept (1 = nothing generalised).
    detail_kept: float | None = None

    def as_dict(self) -> dict:
        return {
            "k": self.k,
            "quasi_identifiers": list(self.quasi_identifiers),
            "records_generalised": self.generalised,
            "records_suppressed": self.suppressed,
            "combinations": self.groups,
            "smallest_combination": self.smallest_group,
            "detail_kept": self.detail_kept,
            "rule": "Every combination of the quasi-identifiers is shared by at least k records. "
            "Records keep full detail wherever k records share it; a rare value is generalised "
            "one step at a time, for its own records and the fewest others, choosing the step "
            "that loses least; a rare rest is suppressed only where generalising others to keep "
            "it company would lose more.",
        }


def anonymise(
    frame: pl.DataFrame,
    *,
    k: int | None = None,
    quasi_identifiers: tuple[str, ...] | None = None,
) -> Result:
    """`frame` with rare combinations of the quasi-identifiers generalised (see the module's
    docstring), the same columns in the same order. `age_band`, `death_quarter` and
    `generalised` are filled when the frame has them.

    Only the quasi-identifiers' own columns are read out of the frame and written back (as whole
    columns); every other column stays as it is. Each quasi-identifier's value at each step is
    computed once per record (`_Values`), not in every round that splits a group."""
    k = configured_k() if k is None else k
    names = configured_quasi_identifiers() if quasi_identifiers is None else quasi_identifiers
    unknown = [n for n in names if n not in QUASI_IDENTIFIERS]
    if unknown:
        raise ValueError(f"Unknown quasi-identifiers: {', '.join(unknown)}")
    active = [QUASI_IDENTIFIERS[n] for n in names if QUASI_IDENTIFIERS[n].column in frame.columns]
    columns = [c for c in dict.fromkeys(c for q in active for c in q.columns) if c in frame]
    originals = frame.select(columns).to_dicts() if columns else [{}] * frame.height
    values = _Values(originals)
    steps, suppressed = _recode(values, active, max(k, 1))

    kept = [index not in suppressed for index in range(len(originals))]
    recoded: list[dict] = []
    labels: list[str | None] = []
    generalised: dict[str, dict[str, int]] = {}
    keys = []
    for index, original in enumerate(originals):
        if not kept[index]:
            continue
        row: dict = {}
        raised = []
        for q in active:
            step = steps[q.name][index]
            q.apply(row, original, step)
            if step > 0:
                raised.append(q.name)
                by_step = generalised.setdefault(q.name, {})
                by_step[q.steps[step]] = by_step.get(q.steps[step], 0) + 1
        recoded.append(row)
        labels.append("|".join(raised) or None)
        keys.append(tuple(values.at(q, steps[q.name][index])[index] for q in active))
    sizes = Counter(keys)
    out = frame.filter(pl.Series(kept, dtype=pl.Boolean)) if suppressed else frame
    replaced = [
        pl.Series(name, [row[name] for row in recoded], dtype=frame.schema[name])
        for name in dict.fromkeys(n for row in recoded[:1] for n in row)
        if name in frame
    ]
    if "generalised" in frame and recoded:
        replaced.append(pl.Series("generalised", labels, dtype=frame.schema["generalised"]))
    if replaced:
        out = out.with_columns(replaced)
    return Result(
        frame=out,
        k=k,
        quasi_identifiers=tuple(q.name for q in active),
        generalised=generalised,
        suppressed=len(suppressed),
        smallest_group=min(sizes.values()) if sizes else None,
        groups=len(sizes),
        detail_kept=_detail_kept(steps, suppressed, active, len(originals)),
    )


class _Values:
    """Each quasi-identifier's value at a step for every record (index), computed at first use
    and kept: the rounds of the recoding split the same records by the same values many times."""

    def __init__(self, originals: list[dict]):
        self.originals = originals
        self._at: dict[tuple[str, int], list] = {}

    def at(self, q: QuasiIdentifier, step: int) -> list:
        found = self._at.get((q.name, step))
        if found is None:
            found = [_hashable(q.value(original, step)) for original in self.originals]
            self._at[(q.name, step)] = found
        return found


def _detail_kept(
    steps: dict[str, list[int]],
    suppressed: set[int],
    active: list[QuasiIdentifier],
    records: int,
) -> float | None:
    """The share of the quasi-identifiers' detail the export keeps (1 − the mean loss over the
    records and quasi-identifiers; a suppressed record keeps none)."""
    if not records or not active:
        return None
    lost = sum(
        1.0 if index in suppressed else q.loss[steps[q.name][index]]
        for index in range(records)
        for q in active
    )
    return round(1 - lost / (records * len(active)), 4)


def _recode(
    values: _Values, active: list[QuasiIdentifier], k: int
) -> tuple[dict[str, list[int]], set[int]]:
    """The step of each quasi-identifier for each record (by quasi-identifier, then record), and
    the records suppressed: top-down local recoding (the module's docstring)."""
    count = len(values.originals)
    top = {q.name: len(q.steps) - 1 for q in active}
    steps = {q.name: [top[q.name]] * count for q in active}
    if count < k:
        return steps, set(range(count))
    suppressed: set[int] = set()
    # Groups still to split: (records, the step of each quasi-identifier they share).
    pending: list[tuple[list[int], dict[str, int]]] = [(list(range(count)), top)]
    while pending:
        records, at = pending.pop()
        best = None
        for q in active:
            if at[q.name] == 0:
                continue
            split = _split(values.at(q, at[q.name] - 1), records, q, at[q.name] - 1, k, len(active))
            if split is not None and (best is None or split.gain > best[1].gain):
                best = (q, split)
        if best is None:
            continue
        q, split = best
        finer = dict(at, **{q.name: at[q.name] - 1})
        column = steps[q.name]
        for group in split.groups:
            for index in group:
                column[index] = finer[q.name]
            pending.append((group, finer))
        if split.rest:
            pending.append((split.rest, at))
        suppressed.update(split.suppressed)
    return steps, suppressed


@dataclass
class _Split:
    # Records that move one step finer, by their value there (each at least k).
    groups: list[list[int]]
    # Records that stay at the coarser step together (none, or at least k).
    rest: list[int]
    # Records left out rather than generalise others to keep them company.
    suppressed: list[int]
    # The detail given back: records made finer × the loss regained, less what suppression costs.
    gain: float


def _split(
    values: list,
    records: list[int],
    q: QuasiIdentifier,
    step: int,
    k: int,
    quasi_identifiers: int,
) -> _Split | None:
    """`records` split by `q` one step finer (`step`, whose value for each record is `values`),
    or None when no value is shared by k."""
    by_value: dict[object, list[int]] = {}
    for index in records:
        by_value.setdefault(values[index], []).append(index)
    groups = sorted((g for g in by_value.values() if len(g) >= k), key=len)
    rest = [i for g in by_value.values() if len(g) < k for i in g]
    if not groups:
        return None
    regained = q.loss[step + 1] - q.loss[step]
    suppressed: list[int] = []
    if 0 < len(rest) < k:
        needed = k - len(rest)
        spare = [g for g in groups if len(g) - needed >= k]
        # What keeping the rare rest costs, each way: borrowing just enough records from the
        # largest group that can spare them; taking whole groups, the smallest first; or
        # leaving the rest out (a suppressed record loses every quasi-identifier).
        whole = 0
        while len(rest) + sum(len(g) for g in groups[:whole]) < k and whole < len(groups):
            whole += 1
        costs = {
            "borrow": needed * regained if spare else None,
            "whole": sum(len(g) for g in groups[:whole]) * regained
            if whole < len(groups)
            else None,
            "suppress": len(rest) * quasi_identifiers,
        }
        # The cheapest; on a tie, in this order (a record kept is worth more than a tie).
        way = min((c, order) for order, c in enumerate(costs.values()) if c is not None)[1]
        way = list(costs)[way]
        if way == "borrow":
            donor = spare[-1]
            rest += donor[-needed:]
            del donor[-needed:]
        elif way == "whole":
            rest += [i for g in groups[:whole] for i in g]
            groups = groups[whole:]
        else:
            suppressed, rest = rest, []
    gain = sum(len(g) for g in groups) * regained - len(suppressed) * quasi_identifiers
    if gain <= 0:
        return None
    return _Split(groups=groups, rest=rest, suppressed=suppressed, gain=gain)


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value
