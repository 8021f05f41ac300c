"""Avoidable mortality: is a death from this underlying cause, at this age, avoidable?

The national LeDeR report counts deaths that are *avoidable* under the definition ONS uses
(the OECD/Eurostat "international" list of November 2019, plus COVID-19 from 2020 data). A
cause is *preventable* (public health and primary prevention could have avoided it),
*treatable* (timely, effective care could have) or both, in which case it is split 0.5/0.5 so
that a death is never counted twice. Only deaths under 75 count.

The list is kept as a CSV in `reference/data/` (copied, with its README's source notes, from the
programme's reference folder; the README's status words say how sure each row is). Lists are
versioned: a published figure names the `version` it used, and an older or newer list can sit
beside the current one in `LISTS` without changing past figures.

Codes are matched as the CSV writes them:

- "A00-A09": every code whose 3-character category is A00 to A09 (and their subcategories);
- "A35": the category and all of its subcategories;
- "A40.3": that 4-character subcategory only;
- "A40 excl A40.3": the category and its subcategories except A40.3.

A row's codes never overlap another row's (the tests check this by expanding every range), so
at most one row matches a code.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from leder.reference import icd10

DATA = Path(__file__).resolve().parent / "data"

#: The list used when the caller does not name one.
VERSION = "ons-2020-oecd-nov2019"

#: Every list we hold: version → CSV file in `reference/data/`. Add a new version here (and its
#: CSV) rather than editing an existing file, so earlier published figures can be reproduced.
LISTS: dict[str, str] = {
    VERSION: "avoidable_mortality_ons.csv",
}

#: Deaths are avoidable only at or below this age (ages 0 to 74 at death). Each row carries its
#: own `age_limit`; this is the value every row of the current list has.
AGE_LIMIT = 74

#: Rows that apply only to deaths from a given year: COVID-19 was added by ONS from 2020 data.
#: Keyed by (version, group name) → first year.
_FIRST_YEAR: dict[tuple[str, str], int] = {
    (VERSION, "COVID-19"): 2020,
}

#: Rows that count only for one sex (the group name says so). Keyed by (version, group name).
_SEX_ONLY: dict[tuple[str, str], str] = {
    (VERSION, "Breast cancer (females only)"): "female",
}

# The sexes a record may state; any other value (or none) is "not known" (see `counts`).
KNOWN_SEXES = frozenset({"female", "male"})

_CATEGORY = re.compile(r"^[A-Z]\d{2}$")
_SUBCATEGORY = re.compile(r"^[A-Z]\d{2}\.\d$")


@dataclass(frozen=True)
class Avoidability:
    """How one death counts in avoidable mortality.

    `preventable` and `treatable` are the weights the death contributes (1/0, 0/1, 0.5/0.5, or
    0/0 when it is not avoidable); `avoidable` is True when either is above 0. `group` is the
    list row the cause falls in ("" when it is in no row) *whatever the age*, so a page can say
    "ischaemic heart disease, not counted because they were 75 or older"; use `avoidable`, not
    `group`, to decide whether the death counts. `version` is the list used.
    """

    preventable: float
    treatable: float
    avoidable: bool
    group: str
    version: str
    condition_group: str = ""


@dataclass(frozen=True)
class ListRow:
    """One row of an avoidable mortality list, as published by the reference endpoint."""

    condition_group: str
    group_name: str
    icd10_codes: str
    preventable_weight: float
    treatable_weight: float
    age_limit: int
    status: str
    sources: str
    notes: str
    first_year: int | None
    sex_only: str | None
    version: str


@dataclass(frozen=True)
class _Rule:
    """One code or range from a row, as inclusive bounds over normalised codes."""

    low: str
    high: str
    whole_category: bool  # True: bounds are 3-character categories and take subcategories
    excluded: frozenset[str]


def _parse_codes(text: str) -> tuple[_Rule, ...]:
    """The rules in one `icd10_codes` cell ("A00-A09;A40 excl A40.3;K74.0")."""
    rules = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        head, _, excl = part.partition(" excl ")
        excluded = frozenset(icd10.normalise(e) for e in excl.split(",") if e.strip())
        low, _, high = head.strip().partition("-")
        low, high = icd10.normalise(low), icd10.normalise(high or low)
        if _CATEGORY.match(low) and _CATEGORY.match(high):
            rules.append(_Rule(low, high, True, excluded))
        elif _SUBCATEGORY.match(low) and _SUBCATEGORY.match(high):
            rules.append(_Rule(low, high, False, excluded))
        else:
            raise ValueError(f"Cannot read ICD-10 code or range {part!r} in the avoidable list")
    return tuple(rules)


def _matches(rule: _Rule, code: str) -> bool:
    if code in rule.excluded:
        return False
    if rule.whole_category:
        return rule.low <= code[:3] <= rule.high
    return len(code) == 5 and rule.low <= code <= rule.high


def _check_version(list_version: str | None) -> str:
    version = list_version or VERSION
    if version not in LISTS:
        known = ", ".join(sorted(LISTS))
        raise ValueError(f"Unknown avoidable mortality list {version!r} (known: {known})")
    return version


@cache
def _rows(version: str) -> tuple[tuple[ListRow, tuple[_Rule, ...]], ...]:
    with (DATA / LISTS[version]).open(newline="", encoding="utf-8") as handle:
        rows = []
        for raw in csv.DictReader(handle):
            name = raw["group_name"]
            row = ListRow(
                condition_group=raw["condition_group"],
                group_name=name,
                icd10_codes=raw["icd10_codes"],
                preventable_weight=float(raw["preventable_weight"]),
                treatable_weight=float(raw["treatable_weight"]),
                age_limit=int(raw["age_limit"]),
                status=raw["status"],
                sources=raw["sources"],
                notes=raw["notes"],
                first_year=_FIRST_YEAR.get((version, name)),
                sex_only=_SEX_ONLY.get((version, name)),
                version=version,
            )
            if row.preventable_weight + row.treatable_weight != 1:
                raise ValueError(f"Weights of {name!r} do not add up to 1")
            rows.append((row, _parse_codes(raw["icd10_codes"])))
    return tuple(rows)


def avoidable_list(list_version: str | None = None) -> list[ListRow]:
    """The rows of a list, in the CSV's order (for the API's reference endpoint and reports'
    method notes). ValueError for an unknown version."""
    return [row for row, _ in _rows(_check_version(list_version))]


@cache
def lookup(code: str, list_version: str | None = None) -> ListRow | None:
    """The list row an underlying cause falls in, ignoring age, date and sex; None if none.

    Cached, so classifying a large frame costs one lookup per distinct code (the analytics
    library uses it to classify a million deaths without a Python call per death)."""
    version = _check_version(list_version)
    text = icd10.normalise(code)
    if not (_CATEGORY.match(text) or _SUBCATEGORY.match(text)):
        return None
    for row, rules in _rows(version):
        if any(_matches(rule, text) for rule in rules):
            return row
    return None


def counts(row: ListRow, age_at_death: int, died_on: date, sex: str | None = None) -> bool:
    """Whether a death in `row` counts, given age, date of death and (optionally) sex: the one
    statement of the rule (the analytics library's `avoidable_weights` applies it to a whole
    frame at once, and a test keeps the two in agreement at every row's boundaries).

    Sex ("female", "male", anything else = not known) is only used for rows limited to one sex
    (breast cancer, females only); only a *known* other sex excludes the death, because a
    missing sex should not hide a death."""
    if age_at_death > row.age_limit:
        return False
    if row.first_year is not None and died_on.year < row.first_year:
        return False
    known_other_sex = sex in KNOWN_SEXES and sex != row.sex_only
    return not (row.sex_only and known_other_sex)


def classify(
    code: str,
    age_at_death: int,
    died_on: date,
    list_version: str | None = None,
    *,
    sex: str | None = None,
) -> Avoidability:
    """How a death with underlying cause `code` counts in avoidable mortality.

    `code` may be written with or without the dot, in any case. A cause that is in no row, a
    death at 75 or over, COVID-19 before 2020, or a male death from breast cancer gives weights
    0/0 and `avoidable=False`. ValueError for a negative age or an unknown list version.
    """
    version = _check_version(list_version)
    if age_at_death < 0:
        raise ValueError("Age at death cannot be negative")
    row = lookup(code, version)
    if row is None:
        return Avoidability(0.0, 0.0, False, "", version)
    if not counts(row, age_at_death, died_on, sex):
        return Avoidability(0.0, 0.0, False, row.group_name, version, row.condition_group)
    return Avoidability(
        row.preventable_weight,
        row.treatable_weight,
        True,
        row.group_name,
        version,
        row.condition_group,
    )
