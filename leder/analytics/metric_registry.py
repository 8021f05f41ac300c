"""The metric library's machinery: the fixed labels and orders of the tables, the registry
(`metric`, `REGISTRY`, `compute`), the helpers every metric shares, and `per_population`, which
gives a metric's figures separately for each population (ADR 0146).

The metrics themselves are in `metrics_deaths` (the people who died) and `metrics_reviews` (the
reviews); `metrics` is the library's one entry point and lists them in report order.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps

import polars as pl

from leder.analytics.extract import NOT_STATED, NOTIFIED, Extract
from leder.analytics.populations import SEPARATE, Population
from leder.analytics.results import MetricResult

# --- labels and orders (fixed, so a table always has the same rows) ---------------------------

STATES: tuple[tuple[str, str], ...] = (
    (NOTIFIED, "Notified, awaiting triage"),
    ("awaiting_allocation", "Awaiting allocation"),
    ("allocated", "Allocated, awaiting the reviewer"),
    ("initial_review", "Initial review"),
    ("quality_assurance", "Quality assurance"),
    ("focused_review", "Focused review"),
    ("panel", "Awaiting panel"),
    ("on_hold", "On hold"),
    ("completed", "Completed"),
    ("not_eligible", "Not eligible"),
    ("child_death_review", "Child death review"),
    ("opted_out", "National data opt-out"),
)
ACTIVE = ("awaiting_allocation", "allocated", "initial_review", "quality_assurance")
ACTIVE += ("focused_review", "panel", "on_hold")
NOT_IN_SCOPE = ("not_eligible", "opted_out")

SEXES = (("female", "Female"), ("male", "Male"), ("not_known", "Not known"))
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", NOT_STATED)
SEVERITIES = (
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
    ("pmld", "Profound and multiple"),
    (None, "Not recorded"),
)
PLACES = (
    ("hospital", "Hospital"),
    ("home", "Their home"),
    ("care_home", "Care home or supported living"),
    ("hospice", "Hospice"),
    ("other", "Somewhere else"),
    ("not_known", "Not known"),
)
COVID_CODES = ("U07.1", "U07.2")
TOTAL = "Total"
ALL = "All"

# --- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    version: str
    function: Callable[[Extract], MetricResult]

    @property
    def definition(self) -> str:
        return _dedent(self.function.__doc__ or "")

    def __call__(self, extract: Extract) -> MetricResult:
        return self.function(extract)


REGISTRY: dict[str, Metric] = {}


def _dedent(text: str) -> str:
    return inspect.cleandoc(text)


#: What a figure's `population` says when it is not split by population (ADR 0146).
COMBINED_REVIEWS = "All reviews: both populations combined"
EACH_POPULATION = (
    "Each population separately: people with a learning disability, and autistic adults "
    "without a learning disability"
)


def metric(
    key: str,
    title: str,
    version: str,
    *,
    registry: dict | None = None,
    population: str = COMBINED_REVIEWS,
):
    """Register `function` as metric `key` (in `registry`, default the report's `REGISTRY`).
    The wrapped function returns (table, layout[, notes]); the registry wraps that in a
    `MetricResult` with the cohort, scope, version and the population its figures are for."""
    registry = REGISTRY if registry is None else registry

    def register(function):
        def run(extract: Extract) -> MetricResult:
            table, layout, *rest = function(extract)
            return MetricResult(
                key=key,
                title=title,
                version=version,
                cohort=extract.cohort.name,
                scope=extract.scope.name,
                definition=_dedent(function.__doc__ or ""),
                table=table,
                layout=layout,
                notes=tuple(rest[0]) if rest else (),
                population=population,
            )

        run.__doc__ = function.__doc__
        run.__name__ = function.__name__
        registry[key] = Metric(key, title, version, run)
        return run

    return register


def compute(extract: Extract, keys: list[str] | None = None) -> dict[str, MetricResult]:
    """Every registered metric (or those in `keys`), in registry order."""
    wanted = keys or list(REGISTRY)
    return {key: REGISTRY[key](extract) for key in wanted}


def definition_versions() -> dict[str, str]:
    """Metric key → version, for the manifest."""
    return {key: m.version for key, m in REGISTRY.items()}


# --- helpers ----------------------------------------------------------------------------------


def in_scope(deaths: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Deaths in scope of LeDeR: all but not eligible and opted out. With `columns`, only those
    columns (and state) are kept before filtering: copying only what a metric reads is most of
    the speed on a national extract."""
    if columns:
        deaths = deaths.select("state", *[c for c in columns if c != "state"])
    return deaths.filter(~pl.col("state").is_in(NOT_IN_SCOPE))


def share_of(numerator: str, denominator: str, name: str | None = None) -> pl.Expr:
    """`numerator` / `denominator`, empty where the denominator is 0, named `name` (by default
    "share" for deaths, else "share_<numerator>"): every share, rate and ratio of the figures."""
    default = f"share_{numerator}" if numerator != "deaths" else "share"
    return (
        pl.when(pl.col(denominator) > 0)
        .then(pl.col(numerator) / pl.col(denominator))
        .otherwise(None)
        .alias(name or default)
    )


def _counts_by(frame: pl.DataFrame, column: str, keys: list, name: str) -> list[int]:
    """Counts of `frame` by `column` in the order of `keys` (None counts nulls), zeros kept."""
    counted = dict(frame.group_by(column).len(name=name).iter_rows())
    return [int(counted.get(key, 0)) for key in keys]


def _age_summary(frame: pl.DataFrame, column: str | None, keys: list) -> list[tuple]:
    """(n, median, q1, q3) of age at death for each key of `column` (or for everyone)."""
    age = pl.col("age_at_death")
    aggregations = [
        pl.len().alias("n"),
        age.median().alias("median"),
        age.quantile(0.25, interpolation="linear").alias("q1"),
        age.quantile(0.75, interpolation="linear").alias("q3"),
    ]
    frame = frame.filter(age.is_not_null())
    if column is None:
        row = frame.select(aggregations).row(0)
        return [row if row[0] else (0, None, None, None)]
    found = {r[0]: r[1:] for r in frame.group_by(column).agg(aggregations).iter_rows()}
    return [found.get(key, (0, None, None, None)) for key in keys]


def _blocked_table(blocks: list[tuple[str, list[tuple[str, tuple]]]], columns: list[str]):
    """A table of blocks (dimension, [(group label, values)]); returns the frame and the row
    indices of each block's rows, for `row_sums`."""
    rows, spans = [], []
    for dimension, entries in blocks:
        start = len(rows)
        for label, values in entries:
            rows.append((dimension, label, *values))
        spans.append((dimension, list(range(start, len(rows)))))
    schema = ["dimension", "group", *columns]
    return pl.DataFrame(rows, schema=schema, orient="row", infer_schema_length=None), spans


def _breakdowns(people: pl.DataFrame) -> list[tuple[str, str, list, list[str]]]:
    """(dimension label, column, keys, labels) for the standard breakdowns."""
    return [
        ("Sex", "sex", [k for k, _ in SEXES], [label for _, label in SEXES]),
        ("Ethnic group", "ethnic_group", list(ETHNIC_GROUPS), list(ETHNIC_GROUPS)),
        (
            "Severity of learning disability",
            "ld_severity",
            [k for k, _ in SEVERITIES],
            [label for _, label in SEVERITIES],
        ),
    ]


def _totals_equal_all(spans) -> tuple[tuple[tuple[int, ...], int], ...]:
    """Every block's total row equals the "All" row (the first row)."""
    return tuple(((0,), rows[-1]) for _, rows in spans[1:])


POPULATION_DEFINITION = (
    "Given separately for each population, named in the `population` column: people with a "
    "learning disability (aged 4 or over), and autistic adults (18 or over) without a learning "
    "disability. Deaths in neither (learning disability not sure, an autistic child without "
    "one) are in the stages of review but not in this figure."
)


def per_population(*populations: Population):
    """Decorate a metric body `(extract) -> (table, layout[, notes])` so it runs once for each
    of `populations` (default both, `populations.SEPARATE`) on the extract's deaths of that
    population, and the tables are stacked with a `population` column first. The layout is
    the body's, with `population` added to the labels and to the block (so each population's
    blocks have their own totals) and every row-sum equation moved to its population's rows:
    disclosure control protects each population's table as it did the pooled one."""
    chosen = populations or SEPARATE

    def decorate(body):
        @wraps(body)
        def run(extract: Extract):
            tables, row_sums, notes, layout, offset = [], [], [], None, 0
            for group in chosen:
                part = replace(extract, deaths=extract.deaths.filter(group.condition))
                table, layout, *rest = body(part)
                tables.append(table.select(pl.lit(group.name).alias("population"), pl.all()))
                row_sums += [
                    (tuple(r + offset for r in rows), total + offset)
                    for rows, total in layout.row_sums
                ]
                offset += table.height
                notes = list(rest[0]) if rest else notes
            block = ("population",) + ((layout.block,) if layout.block else ())
            layout = replace(
                layout,
                labels=("population", *layout.labels),
                block=block,
                row_sums=tuple(row_sums),
            )
            return pl.concat(tables, how="vertical_relaxed"), layout, notes

        run.__doc__ = f"{inspect.cleandoc(body.__doc__ or '')}\n\n" + (
            POPULATION_DEFINITION
            if chosen == SEPARATE
            else f"For {' and '.join(p.name.lower() for p in chosen)} only, named in the "
            "`population` column."
        )
        return run

    return decorate
