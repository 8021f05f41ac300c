"""The figures the national LeDeR report publishes that the ICB reports do not (issue 14).

Registered in `NATIONAL` (not in the ICB report's `metrics.REGISTRY`); `compute(extract)` runs
them. Every table gives each figure separately for the two populations of `populations` (each
row names its population in `breakdown`), and a combined figure only in rows labelled
"Both populations combined". Each metric is versioned and its docstring is its definition;
`tests/test_national_metrics.py` checks each against a fixture worked by hand.

Profile figures (long-term conditions, where the person lived, Down's syndrome) count only the
deaths whose review's profile was marked complete (`profile_recorded`), and say so.
"""

import csv
from functools import cache
from pathlib import Path

import polars as pl

from leder.analytics.extract import Extract
from leder.analytics.metrics import (
    ALL,
    EACH_POPULATION,
    ETHNIC_GROUPS,
    SEVERITIES,
    SEXES,
    TOTAL,
    _age_summary,
    avoidable_weights,
    in_scope,
    metric,
    share_of,
)
from leder.analytics.national_registry import NATIONAL
from leder.analytics.populations import COMBINED, SEPARATE, Population
from leder.analytics.results import Layout
from leder.reference import avoidable, conditions

AGE_BANDS = (
    ("4 to 17", 4, 17),
    ("18 to 24", 18, 24),
    ("25 to 34", 25, 34),
    ("35 to 44", 35, 44),
    ("45 to 54", 45, 54),
    ("55 to 64", 55, 64),
    ("65 to 74", 65, 74),
    ("75 and over", 75, None),
)
NOT_KNOWN_LABEL = "Not known"


@cache
def region_names() -> dict[str, str]:
    """NHS England region ODS code → name (the organisations app's reference file)."""
    path = Path(__file__).resolve().parents[1] / "organisations" / "data" / "nhs_regions.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["ods_code"]: row["name"] for row in csv.DictReader(handle)}


def compute(extract: Extract, keys: list[str] | None = None) -> dict:
    return {key: NATIONAL[key](extract) for key in keys or list(NATIONAL)}


def _age_band() -> pl.Expr:
    expr = pl.lit(None, pl.String)
    for label, low, high in reversed(AGE_BANDS):
        condition = pl.col("age_at_death") >= low
        if high is not None:
            condition &= pl.col("age_at_death") <= high
        expr = pl.when(condition).then(pl.lit(label)).otherwise(expr)
    return expr.alias("age_band")


def _dimensions(people: pl.DataFrame, *, adults_only: bool):
    """(dimension, column, keys, labels) of the national report's breakdowns. Regions are the
    seven NHS England regions (and "Not known" for an ICB with none)."""
    regions = region_names()
    bands = [b for b in AGE_BANDS if not (adults_only and b[2] is not None and b[2] < 18)]
    return [
        ("Region", "region", [*regions, None], [*regions.values(), NOT_KNOWN_LABEL]),
        ("Ethnic group", "ethnic_group", list(ETHNIC_GROUPS), list(ETHNIC_GROUPS)),
        (
            "Severity of learning disability",
            "ld_severity",
            [k for k, _ in SEVERITIES],
            [label for _, label in SEVERITIES],
        ),
        ("Sex", "sex", [k for k, _ in SEXES], [label for _, label in SEXES]),
        ("Age band", "age_band", [b[0] for b in bands], [b[0] for b in bands]),
    ]


def _rows_with_totals(blocks):
    """A table from blocks (breakdown label, population name, [(group, values)]) and the
    row-sum equations tying each block's total row to its population's "All" row."""
    rows, row_sums, all_row = [], [], {}
    for breakdown, population, entries in blocks:
        start = len(rows)
        for group, values in entries:
            rows.append((breakdown, population, group, *values))
        if entries and entries[0][0] == ALL:
            all_row[population] = start
        elif population in all_row:
            row_sums.append(((all_row[population],), len(rows) - 1))
    return rows, tuple(row_sums)


# --- avoidable deaths by group -----------------------------------------------------------------


def _avoidable_counts(frame: pl.DataFrame) -> tuple:
    weighted = avoidable_weights(frame) if frame.height else frame
    if not frame.height:
        return (0, 0, 0, 0.0, 0.0)
    preventable = float(weighted.get_column("preventable").sum() or 0)
    treatable = float(weighted.get_column("treatable").sum() or 0)
    count = weighted.filter((pl.col("preventable") + pl.col("treatable")) > 0).height
    return (frame.height, count, frame.height - count, preventable, treatable)


@metric(
    "avoidable_by_group",
    "Avoidable deaths by region, ethnic group, severity, sex and age band",
    f"1+{avoidable.VERSION}",
    registry=NATIONAL,
    population=EACH_POPULATION,
)
def avoidable_by_group(extract: Extract):
    """Avoidable deaths under the ONS definition (as `avoidable_deaths`: the underlying cause
    on the OECD/Eurostat list and the person under 75; causes both preventable and treatable
    count 0.5 to each, so `preventable` + `treatable` = `avoidable`), over adults (18 or over)
    with a known underlying cause, for each population separately: people with a learning
    disability and autistic adults without one. For each: all, and by NHS England region,
    ethnic group, severity of learning disability, sex and age band (75 and over are never
    avoidable by the definition). `share_avoidable` = `avoidable` / `deaths`. One row,
    labelled, combines the two populations."""
    people = (
        in_scope(extract.deaths)
        .with_columns(_age_band())
        .filter((pl.col("age_at_death") >= 18) & pl.col("underlying_cause").is_not_null())
    )
    blocks = []
    for population in SEPARATE:
        group = people.filter(population.condition)
        blocks.append(
            (f"{population.name}: all", population.name, [(ALL, _avoidable_counts(group))])
        )
        for dimension, column, keys, labels in _dimensions(group, adults_only=True):
            entries = []
            for key, label in zip(keys, labels, strict=True):
                selected = group.filter(
                    pl.col(column).is_null() if key is None else pl.col(column) == key
                )
                entries.append((label, _avoidable_counts(selected)))
            totals = tuple(sum(e[1][i] for e in entries) for i in range(5))
            entries.append((TOTAL, totals))
            blocks.append((f"{population.name}: {dimension.lower()}", population.name, entries))
    both = people.filter(COMBINED.condition)
    blocks.append((f"{COMBINED.name}: all", COMBINED.name, [(ALL, _avoidable_counts(both))]))
    rows, row_sums = _rows_with_totals(blocks)
    # The populations are disjoint: the combined row is the sum of the two "All" rows.
    firsts = [i for i, row in enumerate(rows) if row[2] == ALL]
    row_sums += ((tuple(firsts[:2]), firsts[2]),)
    columns = ["deaths", "avoidable", "not_avoidable", "preventable", "treatable"]
    table = pl.DataFrame(
        rows,
        schema={
            "breakdown": pl.String,
            "population": pl.String,
            "group": pl.String,
            "deaths": pl.Int64,
            "avoidable": pl.Int64,
            "not_avoidable": pl.Int64,
            "preventable": pl.Float64,
            "treatable": pl.Float64,
        },
        orient="row",
    ).with_columns(share_of("avoidable", "deaths"))
    layout = Layout(
        labels=("breakdown", "population", "group"),
        counts=tuple(columns),
        partitions=(
            (("avoidable", "not_avoidable"), "deaths"),
            (("preventable", "treatable"), "avoidable"),
        ),
        row_total=False,
        block="breakdown",
        hidden=("not_avoidable",),
        row_sums=row_sums + _block_totals(rows),
        derived=(("share_avoidable", ("avoidable", "deaths")),),
    )
    return table, layout, [f"Avoidable mortality list version {avoidable.VERSION}"]


def _block_totals(rows) -> tuple:
    """Each block's last row (labelled Total) is the sum of the block's other rows."""
    sums, start = [], 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or rows[index][0] != rows[start][0]:
            if rows[index - 1][2] == TOTAL:
                sums.append((tuple(range(start, index - 1)), index - 1))
            start = index
    return tuple(sums)


# --- the person's profile ----------------------------------------------------------------------


def _profiled(extract: Extract, population: Population) -> pl.DataFrame:
    return in_scope(extract.deaths).filter(
        population.condition & pl.col("profile_recorded").fill_null(False)
    )


_PROFILE_NOTE = (
    "Counts only deaths whose review recorded the person's profile (completed reviews with the "
    "profile marked complete)."
)


@metric(
    "deaths_by_condition",
    "Deaths by long-term condition",
    f"1+{conditions.VERSION}",
    registry=NATIONAL,
    population=EACH_POPULATION,
)
def deaths_by_condition(extract: Extract):
    """For each population separately, of the deaths whose review recorded the person's
    profile (`profiled`), how many people had Down's syndrome, cerebral palsy, epilepsy, and
    each long-term condition on the maintained list (the clinical registers of the Quality and
    Outcomes Framework). A person can have several conditions, so the rows do not add up;
    `share` = `with_condition` / `profiled`."""
    labels = conditions.labels(conditions.VERSION)
    rows = []
    for population in SEPARATE:
        people = _profiled(extract, population)
        profiled = people.height
        named = [
            ("downs_syndrome", "Down's syndrome"),
            ("cerebral_palsy", "Cerebral palsy"),
            ("epilepsy", "Epilepsy"),
        ]
        for column, label in named:
            n = people.filter(pl.col(column) == "yes").height
            rows.append((population.name, population.name, label, profiled, n))
        for key, label in labels.items():
            n = people.filter(
                pl.col("long_term_conditions").fill_null([]).list.contains(key)
            ).height
            rows.append((population.name, population.name, label, profiled, n))
    table = pl.DataFrame(
        rows,
        schema=["breakdown", "population", "group", "profiled", "with_condition"],
        orient="row",
    ).with_columns(share_of("with_condition", "profiled", "share"))
    layout = Layout(
        labels=("breakdown", "population", "group"),
        counts=("profiled", "with_condition"),
        block="breakdown",
        derived=(("share", ("with_condition", "profiled")),),
    )
    return table, layout, [_PROFILE_NOTE, f"Conditions list {conditions.VERSION}"]


def _by_population_table(rows, values: dict, *derived):
    """A profile table of (breakdown, population, group, deaths, *values) rows, each
    population's block ending with its total row, and its layout."""
    schema = {"breakdown": pl.String, "population": pl.String, "group": pl.String}
    table = pl.DataFrame(rows, schema={**schema, "deaths": pl.Int64, **values}, orient="row")
    layout = Layout(
        labels=("breakdown", "population", "group"),
        counts=("deaths",),
        row_total=True,
        block="breakdown",
        derived=tuple(derived),
    )
    return table, layout, [_PROFILE_NOTE]


LIVED_IN = (
    ("family_home", "With their family"),
    ("own_home", "In their own home"),
    ("supported_living", "Supported living"),
    ("residential_care", "Residential care home"),
    ("nursing_home", "Nursing home"),
    ("shared_lives", "Shared Lives"),
    ("hospital", "In hospital"),
    ("other", "Somewhere else"),
    ("not_known", NOT_KNOWN_LABEL),
)


@metric(
    "deaths_by_residence",
    "Deaths by where the person lived",
    "1",
    registry=NATIONAL,
    population=EACH_POPULATION,
)
def deaths_by_residence(extract: Extract):
    """For each population separately, the deaths whose review recorded the person's profile,
    by where the person lived before their last illness, with each place's share; the places
    add up to the total."""
    rows = []
    for population in SEPARATE:
        people = _profiled(extract, population)
        counted = dict(people.group_by("lived_in").len().iter_rows())
        values = [int(counted.get(key, 0)) for key, _ in LIVED_IN]
        total = sum(values)
        for (_, label), n in zip(LIVED_IN, values, strict=True):
            rows.append((population.name, population.name, label, n, n / total if total else None))
        rows.append((population.name, population.name, TOTAL, total, 1.0 if total else None))
    return _by_population_table(rows, {"share": pl.Float64}, ("share", ("deaths", "total:deaths")))


DOWNS = (("yes", "Down's syndrome"), ("no", "No Down's syndrome"), ("not_known", NOT_KNOWN_LABEL))


@metric(
    "median_age_by_downs",
    "Median age at death by Down's syndrome",
    "1",
    registry=NATIONAL,
    population=EACH_POPULATION,
)
def median_age_by_downs(extract: Extract):
    """For each population separately, median age at death in whole years with the
    interquartile range (25th and 75th percentiles, interpolated linearly), of the deaths whose
    review recorded the person's profile, by whether the person had Down's syndrome."""
    rows = []
    for population in SEPARATE:
        people = _profiled(extract, population)
        summaries = _age_summary(people, "downs_syndrome", [k for k, _ in DOWNS])
        for (_, label), summary in zip(DOWNS, summaries, strict=True):
            rows.append((population.name, population.name, label, *summary))
        rows.append(
            (
                population.name,
                population.name,
                TOTAL,
                sum(s[0] for s in summaries),
                None,
                None,
                None,
            )
        )
    quartiles = {"median": pl.Float64, "q1": pl.Float64, "q3": pl.Float64}
    return _by_population_table(rows, quartiles, *((c, ("deaths",)) for c in quartiles))


# Care questions as rates: the questions are in `care.py`.
from leder.analytics import care  # noqa: E402,F401  (registers its metric in NATIONAL)
