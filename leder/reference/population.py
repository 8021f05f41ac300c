"""Population reference tables for expected deaths and general-population comparisons.

Two versioned tables in `reference/data/` (their sources and status are in `data/SOURCES.md`):

- `ld_population_by_ethnicity.csv`: for each NHS ethnic group, its share of the population with
  a learning disability and a crude annual death rate per 1,000. Expected deaths in a group =
  the area's population with a learning disability × the group's share × its rate. The current
  figures are SYNTHETIC (illustrative); replace them with published ones by adding a version.
- `general_population.csv`: figures for the whole population (median age at death, share dying
  in hospital) that reports compare LeDeR deaths with. Approximate and unconfirmed.

Which version is used is configurable: `settings.LEDER_LD_POPULATION_VERSION` and
`settings.LEDER_GENERAL_POPULATION_VERSION` (both optional; the newest version in the file is
the default).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data"
LD_FILE = "ld_population_by_ethnicity.csv"
GENERAL_FILE = "general_population.csv"


@dataclass(frozen=True)
class GroupRate:
    ethnic_group: str
    population_share: float
    deaths_per_1000: float
    status: str
    notes: str
    version: str

    def expected(self, ld_population: float, years: float = 1.0) -> float:
        """Expected deaths in this group among `ld_population` people (all groups) a year."""
        return ld_population * self.population_share * self.deaths_per_1000 / 1000 * years


@dataclass(frozen=True)
class GeneralFigure:
    measure: str
    group: str
    value: float
    unit: str
    period: str
    status: str
    source: str
    version: str


@cache
def _read(name: str) -> tuple[dict, ...]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def _version(name: str, wanted: str | None, setting: str) -> str:
    versions = [row["version"] for row in _read(name)]
    version = wanted or getattr(settings, setting, None) or versions[-1]
    if version not in versions:
        raise ValueError(f"Unknown version {version!r} of {name} (known: {sorted(set(versions))})")
    return version


def ld_rates(version: str | None = None) -> list[GroupRate]:
    """The expected-deaths table, in file order. Shares add up to 1."""
    version = _version(LD_FILE, version, "LEDER_LD_POPULATION_VERSION")
    return [
        GroupRate(
            row["ethnic_group"],
            float(row["population_share"]),
            float(row["deaths_per_1000"]),
            row["status"],
            row["notes"],
            version,
        )
        for row in _read(LD_FILE)
        if row["version"] == version
    ]


def general_population(version: str | None = None) -> list[GeneralFigure]:
    version = _version(GENERAL_FILE, version, "LEDER_GENERAL_POPULATION_VERSION")
    return [
        GeneralFigure(
            row["measure"],
            row["group"],
            float(row["value"]),
            row["unit"],
            row["period"],
            row["status"],
            row["source"],
            version,
        )
        for row in _read(GENERAL_FILE)
        if row["version"] == version
    ]


def general_figure(measure: str, group: str = "All", version: str | None = None):
    """One general-population figure, or None if the table has none for it."""
    return next(
        (f for f in general_population(version) if (f.measure, f.group) == (measure, group)),
        None,
    )
