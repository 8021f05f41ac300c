"""The metric library: every figure in the LeDeR reports, as a function of the analysis extract.

Each metric is a function `(Extract) -> MetricResult`, registered with `@metric(key, title,
version)`. Its docstring is its definition (it goes into the result, and so into the report's
notes); its version changes whenever the definition does, so a published figure can always say
which definition produced it. `REGISTRY` lists them in report order; `compute(extract)` runs
them all (or the keys asked for).

Who is counted. Unless a metric says otherwise, figures about the people who died are over the
*deaths in scope of LeDeR* in the extract: every notified death except those found not eligible
and those who opted out (national data opt-out). Counts by state include everyone.

Two populations (ADR 0146). Figures about the people who died (age, place and cause of death,
COVID-19, avoidable deaths, expected deaths, the general population) are given separately for
people with a learning disability and for autistic adults without one (`populations`), each row
naming its population (`per_population`); figures about the reviews (stages, grading, learning,
actions, timeliness) count every review and say, in `population`, that they are "All reviews:
both populations combined".

Results are raw: publish them only through `disclosure.protect`.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, wraps

import polars as pl
from django.conf import settings

from leder.analytics.extract import NOT_STATED, NOTIFIED, Extract
from leder.analytics.populations import LD, SEPARATE, Population
from leder.analytics.results import Layout, MetricResult
from leder.casework.deadlines import WITHIN_6_MONTHS
from leder.core.time import today
from leder.reference import avoidable, icd10, population

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


# --- counts by state --------------------------------------------------------------------------


@metric("counts_by_state", "Deaths by stage of review", "1")
def counts_by_state(extract: Extract):
    """Every notified death in the cohort by the stage its review has reached today: notified
    and awaiting triage, awaiting allocation, in each stage of review, on hold, completed, or
    closed without a LeDeR review (not eligible, child death review, national data opt-out).
    Each death is in exactly one stage; the stages add up to the total."""
    counts = _counts_by(extract.deaths, "state", [s for s, _ in STATES], "cases")
    rows = [(state, label, n) for (state, label), n in zip(STATES, counts, strict=True)]
    rows.append(("total", TOTAL, sum(counts)))
    table = pl.DataFrame(rows, schema=["state", "label", "deaths"], orient="row")
    return table, Layout(labels=("state", "label"), counts=("deaths",), row_total=True)


# --- age at death -----------------------------------------------------------------------------


@metric("median_age", "Median age at death", "2", population=EACH_POPULATION)
@per_population()
def median_age(extract: Extract):
    """Median age at death in whole years, with the interquartile range (the 25th and 75th
    percentiles, interpolated linearly between ages), for all deaths in scope and by sex, ethnic
    group and severity of learning disability. `deaths` is how many the figure is over."""
    people = in_scope(extract.deaths, "age_at_death", "sex", "ethnic_group", "ld_severity")
    blocks = [(ALL, [(ALL, _age_summary(people, None, [])[0])])]
    for dimension, column, keys, labels in _breakdowns(people):
        summaries = _age_summary(people, column, keys)
        entries = list(zip(labels, summaries, strict=True))
        entries.append((TOTAL, (sum(s[0] for s in summaries), None, None, None)))
        blocks.append((dimension, entries))
    table, spans = _blocked_table(blocks, ["deaths", "median", "q1", "q3"])
    layout = Layout(
        labels=("dimension", "group"),
        counts=("deaths",),
        row_total=True,
        block="dimension",
        row_sums=_totals_equal_all(spans),
        derived=(("median", ("deaths",)), ("q1", ("deaths",)), ("q3", ("deaths",))),
    )
    return table, layout


@metric("deaths_before_65", "Deaths before the age of 65", "2", population=EACH_POPULATION)
@per_population()
def deaths_before_65(extract: Extract):
    """The share of deaths in scope that were of people aged under 65 (64 or younger on the
    day they died), for all and by sex and ethnic group."""
    people = in_scope(extract.deaths, "age_at_death", "sex", "ethnic_group").filter(
        pl.col("age_at_death").is_not_null()
    )
    young = people.filter(pl.col("age_at_death") < 65)
    blocks = [(ALL, [(ALL, (people.height, young.height))])]
    for dimension, column, keys, labels in _breakdowns(people)[:2]:
        totals = _counts_by(people, column, keys, "n")
        under = _counts_by(young, column, keys, "n")
        entries = [(lab, (t, u)) for lab, t, u in zip(labels, totals, under, strict=True)]
        entries.append((TOTAL, (sum(totals), sum(under))))
        blocks.append((dimension, entries))
    table, spans = _blocked_table(blocks, ["deaths", "under_65"])
    table = table.with_columns(
        (pl.col("deaths") - pl.col("under_65")).alias("aged_65_plus"),
        share_of("under_65", "deaths"),
    )
    layout = Layout(
        labels=("dimension", "group"),
        counts=("deaths", "under_65", "aged_65_plus"),
        partitions=((("under_65", "aged_65_plus"), "deaths"),),
        row_total=True,
        block="dimension",
        hidden=("aged_65_plus",),
        row_sums=_totals_equal_all(spans),
        derived=(("share_under_65", ("under_65", "deaths")),),
    )
    return table, layout


# --- place and cause of death -----------------------------------------------------------------


@metric("place_of_death", "Place of death", "2", population=EACH_POPULATION)
@per_population()
def place_of_death(extract: Extract):
    """Where the people in scope died, as the reviewer recorded it in the cause of death
    section (or, before that is complete, as the notifier told us), with each place's share of
    all deaths. The share dying in hospital is the "Hospital" row."""
    people = in_scope(extract.deaths, "place_of_death").with_columns(
        pl.col("place_of_death").fill_null("not_known")
    )
    keys = [k for k, _ in PLACES]
    counts = _counts_by(people, "place_of_death", keys, "n")
    rows = [(k, label, n) for (k, label), n in zip(PLACES, counts, strict=True)]
    rows.append(("total", TOTAL, sum(counts)))
    table = pl.DataFrame(rows, schema=["place", "label", "deaths"], orient="row")
    table = table.with_columns((pl.col("deaths") / max(sum(counts), 1)).alias("share"))
    if not sum(counts):
        table = table.with_columns(pl.lit(None, pl.Float64).alias("share"))
    layout = Layout(
        labels=("place", "label"),
        counts=("deaths",),
        row_total=True,
        derived=(("share", ("deaths", "total:deaths")),),
    )
    return table, layout


@cache
def _chapter(code: str) -> tuple[str, str]:
    try:
        chapter = icd10.chapter(code)
        return chapter, icd10.chapter_title(code)
    except ValueError:
        return "?", "Not a valid ICD-10 code"


_ROMAN = {
    v: i
    for i, v in enumerate(
        [
            "I",
            "II",
            "III",
            "IV",
            "V",
            "VI",
            "VII",
            "VIII",
            "IX",
            "X",
            "XI",
            "XII",
            "XIII",
            "XIV",
            "XV",
            "XVI",
            "XVII",
            "XVIII",
            "XIX",
            "XX",
            "XXI",
            "XXII",
        ],
        1,
    )
}


def chapters_of(codes: pl.Series) -> pl.DataFrame:
    """ICD-10 chapter (Roman numeral) and its title for each distinct code (one lookup each)."""
    distinct = codes.drop_nulls().unique().sort().to_list()
    pairs = [_chapter(c) for c in distinct]
    return pl.DataFrame(
        {
            "underlying_cause": distinct,
            "chapter": [p[0] for p in pairs],
            "title": [p[1] for p in pairs],
        },
        schema={"underlying_cause": pl.String, "chapter": pl.String, "title": pl.String},
    )


@metric(
    "leading_causes", "Leading causes of death by ICD-10 chapter", "2", population=EACH_POPULATION
)
@per_population()
def leading_causes(extract: Extract):
    """Deaths in scope with a known underlying cause of death (the lowest completed line of
    Part I of the certificate, coded in ICD-10) by the ICD-10 chapter of that cause, most
    frequent first (ties in chapter order), with each chapter's share of the deaths with a
    known underlying cause. COVID-19 (U07) is in chapter XXII."""
    people = in_scope(extract.deaths, "underlying_cause").filter(
        pl.col("underlying_cause").is_not_null()
    )
    chapters = chapters_of(people.get_column("underlying_cause"))
    counted = (
        people.select("underlying_cause")
        .join(chapters, on="underlying_cause", how="left")
        .group_by("chapter", "title")
        .len(name="deaths")
        .with_columns(pl.col("chapter").replace_strict(_ROMAN, default=99).alias("_order"))
        .sort(["deaths", "_order"], descending=[True, False])
        .drop("_order")
    )
    total = int(counted.get_column("deaths").sum() or 0)
    table = pl.concat(
        [
            counted.with_columns(pl.col("deaths").cast(pl.Int64)),
            pl.DataFrame(
                [("total", TOTAL, total)], schema=["chapter", "title", "deaths"], orient="row"
            ),
        ]
    ).with_columns((pl.col("deaths") / total if total else pl.lit(None)).alias("share"))
    layout = Layout(
        labels=("chapter", "title"),
        counts=("deaths",),
        row_total=True,
        derived=(("share", ("deaths", "total:deaths")),),
    )
    return table, layout


@metric("covid_deaths", "COVID-19 deaths", "2", population=EACH_POPULATION)
@per_population()
def covid_deaths(extract: Extract):
    """Deaths in scope from COVID-19, counted two ways: with COVID-19 as the underlying cause
    (U07.1 virus identified, U07.2 not identified), among deaths with a known underlying cause;
    and with COVID-19 confirmed or suspected at death (the reviewer's record, or the notifier's
    before it), among all deaths in scope."""
    people = in_scope(extract.deaths, "underlying_cause", "covid_status")
    coded = people.filter(pl.col("underlying_cause").is_not_null())
    underlying = coded.filter(pl.col("underlying_cause").is_in(COVID_CODES)).height
    had = people.filter(pl.col("covid_status").is_in(("confirmed", "suspected"))).height
    rows = [
        ("underlying", "COVID-19 the underlying cause", coded.height, underlying),
        ("at_death", "COVID-19 confirmed or suspected at death", people.height, had),
    ]
    table = pl.DataFrame(rows, schema=["measure", "label", "deaths", "covid"], orient="row")
    table = table.with_columns(
        (pl.col("deaths") - pl.col("covid")).alias("not_covid"), share_of("covid", "deaths")
    )
    layout = Layout(
        labels=("measure", "label"),
        counts=("deaths", "covid", "not_covid"),
        partitions=((("covid", "not_covid"), "deaths"),),
        hidden=("not_covid",),
        derived=(("share_covid", ("covid", "deaths")),),
    )
    return table, layout


# --- avoidable mortality ----------------------------------------------------------------------


def avoidable_weights(frame: pl.DataFrame, list_version: str | None = None) -> pl.DataFrame:
    """`frame` with `preventable` and `treatable` weights (0, 0.5 or 1) for each death, by the
    ONS avoidable mortality list: `reference.avoidable.counts` (the rule's one statement: the
    row's age limit, its first year, its sex) applied to the whole frame at once, with one list
    lookup per distinct code. `test_avoidable_weights_agree_with_the_reference` keeps the two
    in agreement at every row's boundaries."""
    distinct = frame.get_column("underlying_cause").drop_nulls().unique().to_list()
    rows = []
    for code in distinct:
        row = avoidable.lookup(code, list_version)
        if row is not None:
            rows.append(
                (
                    code,
                    row.preventable_weight,
                    row.treatable_weight,
                    row.age_limit,
                    row.first_year or 0,
                    row.sex_only,
                )
            )
    table = pl.DataFrame(
        rows,
        schema={
            "underlying_cause": pl.String,
            "_p": pl.Float64,
            "_t": pl.Float64,
            "_age_limit": pl.Int16,
            "_first_year": pl.Int32,
            "_sex_only": pl.String,
        },
        orient="row",
    )
    joined = frame.join(table, on="underlying_cause", how="left", maintain_order="left")
    counts = (
        pl.col("_p").is_not_null()
        & (pl.col("age_at_death") <= pl.col("_age_limit"))
        & (pl.col("date_of_death").dt.year() >= pl.col("_first_year"))
        & ~(
            pl.col("_sex_only").is_not_null()
            # A missing sex is not known: it does not hide the death (as `avoidable.counts`).
            & pl.col("sex").fill_null("").is_in(tuple(avoidable.KNOWN_SEXES))
            & (pl.col("sex") != pl.col("_sex_only"))
        )
    ).fill_null(False)
    return joined.with_columns(
        pl.when(counts).then(pl.col("_p")).otherwise(0.0).alias("preventable"),
        pl.when(counts).then(pl.col("_t")).otherwise(0.0).alias("treatable"),
    ).drop("_p", "_t", "_age_limit", "_first_year", "_sex_only")


_AVOIDABLE_COLUMNS = ("age_at_death", "learning_disability", "underlying_cause", "date_of_death")
_AVOIDABLE_COLUMNS += ("sex",)


def adults_with_known_cause(deaths: pl.DataFrame) -> pl.DataFrame:
    """Adults (18 or over) in scope with a known underlying cause: the avoidable-deaths
    denominator of whichever population `deaths` holds."""
    return in_scope(deaths, *_AVOIDABLE_COLUMNS).filter(
        (pl.col("age_at_death") >= 18) & pl.col("underlying_cause").is_not_null()
    )


def avoidable_denominator(deaths: pl.DataFrame) -> pl.DataFrame:
    """Adults (18 or over) in scope with a learning disability and a known underlying cause:
    the national definition's denominator."""
    return adults_with_known_cause(deaths).filter(pl.col("learning_disability") == "yes")


@metric(
    "avoidable_deaths",
    "Avoidable deaths (ONS definition)",
    f"2+{avoidable.VERSION}",
    population=EACH_POPULATION,
)
@per_population()
def avoidable_deaths(extract: Extract):
    """Deaths avoidable under the ONS definition of avoidable mortality (the OECD/Eurostat list
    of November 2019 with COVID-19 added as preventable from 2020): the underlying cause is on
    the list and the person was under 75. Causes that are both preventable and treatable count
    0.5 to each, so `preventable` + `treatable` = `avoidable`. The denominator is the
    population's adults (18 or over) with a known underlying cause of death (for people with a
    learning disability, the national figure's denominator), and `share_avoidable` =
    `avoidable` / `deaths`."""
    weighted = avoidable_weights(adults_with_known_cause(extract.deaths))
    preventable = float(weighted.get_column("preventable").sum() or 0)
    treatable = float(weighted.get_column("treatable").sum() or 0)
    count = weighted.filter((pl.col("preventable") + pl.col("treatable")) > 0).height
    rows = [(ALL, weighted.height, count, weighted.height - count, preventable, treatable)]
    table = pl.DataFrame(
        rows,
        schema=["group", "deaths", "avoidable", "not_avoidable", "preventable", "treatable"],
        orient="row",
    ).with_columns(share_of("avoidable", "deaths"))
    layout = Layout(
        labels=("group",),
        counts=("deaths", "avoidable", "not_avoidable", "preventable", "treatable"),
        partitions=(
            (("avoidable", "not_avoidable"), "deaths"),
            (("preventable", "treatable"), "avoidable"),
        ),
        hidden=("not_avoidable",),
        derived=(("share_avoidable", ("avoidable", "deaths")),),
    )
    return table, layout, [f"Avoidable mortality list version {avoidable.VERSION}"]


# --- grading, learning and actions ------------------------------------------------------------

BANDS = (("1–2", (1, 2)), ("3–4", (3, 4)), ("5–6", (5, 6)))


@metric("grading", "Grading of care", "2")
def grading(extract: Extract):
    """Completed reviews in the cohort by the grade of the care the person received (1 to 6 on
    the grading scale in force when the review started; the focused review's grade when there
    was one), and by band: grades 1–2, 3–4 and 5–6. Reviews without a grade are left out.
    A child's death reviewed through the child death review counts with the grade its panel
    gave, if it gave one (version 2, ADR 0154). `share` is of all graded reviews."""
    graded = extract.deaths.select("state", "grade").filter(
        pl.col("state").is_in(["completed", "child_death_review"]) & pl.col("grade").is_not_null()
    )
    counts = _counts_by(graded, "grade", [1, 2, 3, 4, 5, 6], "n")
    total = sum(counts)
    rows = [("Grade", str(g), n) for g, n in zip(range(1, 7), counts, strict=True)]
    rows.append(("Grade", TOTAL, total))
    rows += [("Band", label, counts[a - 1] + counts[b - 1]) for label, (a, b) in BANDS]
    rows.append(("Band", TOTAL, total))
    table = pl.DataFrame(rows, schema=["dimension", "grade", "reviews"], orient="row")
    table = table.with_columns(
        (pl.col("reviews") / total if total else pl.lit(None)).alias("share")
    )
    # bands are sums of grades (rows 0–5 → 7, 8, 9) and both totals are equal.
    row_sums = ((0, 1), 7), ((2, 3), 8), ((4, 5), 9), ((6,), 10)
    layout = Layout(
        labels=("dimension", "grade"),
        counts=("reviews",),
        row_total=True,
        block="dimension",
        row_sums=row_sums,
        derived=(("share", ("reviews", "total:reviews")),),
    )
    return table, layout


@metric("learning_themes", "Themes of learning", "1")
def learning_themes(extract: Extract):
    """Learning recorded in the cohort's completed reviews by theme (a sub-theme counts under
    its broader theme): how many reviews recorded learning in the theme, and how many pieces of
    learning of each kind (good practice, area for improvement, concern). A piece of learning
    can have several themes, so themes do not add up to a total. Most reviews first."""
    learning = extract.learning
    kinds = ("good_practice", "improvement", "concern")
    table = (
        learning.group_by("theme")
        .agg(
            pl.col("reference").n_unique().alias("reviews"),
            *[(pl.col("kind") == k).sum().alias(k) for k in kinds],
            pl.len().alias("items"),
        )
        .sort(["reviews", "theme"], descending=[True, False])
    )
    table = table.with_columns(pl.col(c).cast(pl.Int64) for c in ("reviews", *kinds, "items"))
    layout = Layout(
        labels=("theme",),
        counts=("reviews", *kinds, "items"),
        partitions=((kinds, "items"),),
    )
    return table, layout


@metric("actions", "Actions raised and completed", "1")
def actions(extract: Extract):
    """The scope's SMART actions: agreed during the period, completed during the period, and,
    at the end of the period, still open (open or in progress) and, of those, past their due
    date."""
    frame = extract.actions
    start, end = extract.cohort.starts_on, extract.cohort.ends_before

    def before_end(column: str) -> pl.Expr:
        return pl.col(column).is_not_null() & (pl.col(column) < end)

    open_at_end = ~before_end("completed_on") & ~before_end("cancelled_on")
    rows = [
        ("agreed", "Agreed", frame.filter(pl.col("agreed_on") >= start).height),
        (
            "completed",
            "Completed",
            frame.filter(before_end("completed_on") & (pl.col("completed_on") >= start)).height,
        ),
        ("open", "Open at the end of the period", frame.filter(open_at_end).height),
        (
            "overdue",
            "Overdue at the end of the period",
            frame.filter(open_at_end & (pl.col("due_on") < end)).height,
        ),
    ]
    table = pl.DataFrame(rows, schema=["measure", "label", "actions"], orient="row")
    return table, Layout(labels=("measure", "label"), counts=("actions",))


# --- timeliness -------------------------------------------------------------------------------


def _days(later: str, earlier: str) -> pl.Expr:
    return (pl.col(later) - pl.col(earlier)).dt.total_days()


@metric("time_to_allocation", "Time from notification to allocation", "1")
def time_to_allocation(extract: Extract):
    """Days from notification (the day the programme was told) to the first offer of the case
    to a reviewer: median and interquartile range, over the cohort's cases that have been
    allocated."""
    allocated = extract.deaths.select("allocated_on", "notified_on").filter(
        pl.col("allocated_on").is_not_null()
    )
    days = allocated.select(_days("allocated_on", "notified_on").alias("days"))
    n = days.height
    summary = days.select(
        pl.col("days").median().alias("median"),
        pl.col("days").quantile(0.25, interpolation="linear").alias("q1"),
        pl.col("days").quantile(0.75, interpolation="linear").alias("q3"),
    ).row(0)
    table = pl.DataFrame(
        [(ALL, n, *summary)], schema=["group", "cases", "median", "q1", "q3"], orient="row"
    )
    layout = Layout(
        labels=("group",),
        counts=("cases",),
        derived=(("median", ("cases",)), ("q1", ("cases",)), ("q3", ("cases",))),
    )
    return table, layout


def _due_months() -> int:
    return int(getattr(settings, "LEDER_REVIEW_DUE_MONTHS", 6))


def due_on_expr() -> pl.Expr:
    """The case's due date (`deadlines.WITHIN_6_MONTHS`): the stored one, which carries the days
    on hold; a death with none stored (a frame built by hand) was never held, so notification +
    6 months, which is `deadlines.due_date` with no hold."""
    computed = pl.col("notified_on").dt.offset_by(f"{_due_months()}mo")
    return pl.coalesce(pl.col("due_on"), computed)


@metric(
    "completed_within_6_months",
    "Reviews completed within 6 months",
    f"2+{WITHIN_6_MONTHS.label}",
)
def completed_within_6_months(extract: Extract):
    """Of the cohort's completed reviews, how many were completed (signed off) within 6
    months: on or before the case's due date, which is the day notified plus 6 calendar months
    plus every day the case spent on hold while a statutory process ran (the same due date the
    case page, reminders and dashboards use; definition within-6-months v2, ADR 0140).
    `held` counts the completed reviews whose due date was moved by time on hold."""
    done = extract.deaths.select(
        "state", "completed_on", "notified_on", "due_on", "hold_days"
    ).filter((pl.col("state") == "completed") & pl.col("completed_on").is_not_null())
    within = done.filter(pl.col("completed_on") <= due_on_expr()).height
    held = done.filter(pl.col("hold_days").fill_null(0) > 0).height
    table = pl.DataFrame(
        [(ALL, done.height, within, done.height - within, held)],
        schema=["group", "completed", "within", "later", "held"],
        orient="row",
    ).with_columns(share_of("within", "completed"))
    layout = Layout(
        labels=("group",),
        counts=("completed", "within", "later", "held"),
        partitions=((("within", "later"), "completed"),),
        hidden=("later",),
        derived=(("share_within", ("within", "completed")),),
    )
    return table, layout, [f"Definition {WITHIN_6_MONTHS.label}: {WITHIN_6_MONTHS.text}"]


BACKLOG_BANDS = (
    ("Under 3 months", 0, 3),
    ("3 to 6 months", 3, 6),
    ("6 to 12 months", 6, 12),
    ("12 months or more", 12, None),
)


@metric("backlog_by_age", "Reviews not yet completed, by time since notification", "1")
def backlog_by_age(extract: Extract):
    """The cohort's cases still to be reviewed (awaiting allocation, allocated, in review,
    quality assurance, panel, or on hold) by the time since notification on the extract's
    "as of" day, in whole calendar months."""
    as_of = extract.as_of or today()
    waiting = extract.deaths.select("state", "notified_on").filter(pl.col("state").is_in(ACTIVE))
    counts = []
    for _, low, high in BACKLOG_BANDS:
        condition = pl.col("notified_on").dt.offset_by(f"{low}mo") <= pl.lit(as_of)
        if high is not None:
            condition &= pl.col("notified_on").dt.offset_by(f"{high}mo") > pl.lit(as_of)
        counts.append(waiting.filter(condition).height)
    rows = [(label, n) for (label, _, _), n in zip(BACKLOG_BANDS, counts, strict=True)]
    rows.append((TOTAL, sum(counts)))
    table = pl.DataFrame(rows, schema=["age", "cases"], orient="row")
    return table, Layout(labels=("age",), counts=("cases",), row_total=True)


# --- expected deaths and the general population -----------------------------------------------


@metric(
    "expected_vs_notified",
    "Expected and notified deaths by ethnic group",
    "2",
    population=LD.name,
)
@per_population(LD)
def expected_vs_notified(extract: Extract):
    """Deaths expected in a year among the scope's population with a learning disability,
    against the deaths in scope notified in the cohort, by ethnic group. Expected = the
    population with a learning disability × the group's share of it × the group's annual
    death rate (reference table `ld_population_by_ethnicity`, see its version and status).
    `ratio` = notified / expected. Expected is empty when the population is not configured for
    every ICB in the scope."""
    rates = population.ld_rates()
    people = in_scope(extract.deaths, "ethnic_group")
    groups = [r.ethnic_group for r in rates]
    notified = _counts_by(people, "ethnic_group", groups, "n")
    size = extract.ld_population
    expected = [r.expected(size) if size is not None else None for r in rates]
    rows = [
        (r.ethnic_group, r.population_share, r.deaths_per_1000, e, n)
        for r, e, n in zip(rates, expected, notified, strict=True)
    ]
    rows.append((TOTAL, 1.0, None, sum(expected) if size is not None else None, sum(notified)))
    table = pl.DataFrame(
        rows,
        schema={
            "ethnic_group": pl.String,
            "population_share": pl.Float64,
            "deaths_per_1000": pl.Float64,
            "expected": pl.Float64,
            "notified": pl.Int64,
        },
        orient="row",
    ).with_columns(share_of("notified", "expected", "ratio"))
    layout = Layout(
        labels=("ethnic_group",),
        counts=("notified",),
        row_total=True,
        derived=(("ratio", ("notified",)),),
    )
    version = rates[0].version if rates else ""
    status = rates[0].status if rates else ""
    notes = [f"Population and rates: reference table version {version} ({status})"]
    if size is None:
        notes.append("Expected deaths need the population with a learning disability of every ICB")
    return table, layout, notes


@metric(
    "general_population", "Compared with the general population", "2", population=EACH_POPULATION
)
@per_population()
def general_population(extract: Extract):
    """Deaths in scope compared with the whole population (reference table
    `general_population`, see its version, period and status): median age at death, and the
    share dying in hospital (of deaths whose place is known)."""
    people = in_scope(extract.deaths, "age_at_death", "place_of_death")
    ages = people.filter(pl.col("age_at_death").is_not_null())
    known = people.filter(
        pl.col("place_of_death").is_not_null() & (pl.col("place_of_death") != "not_known")
    )
    hospital = known.filter(pl.col("place_of_death") == "hospital").height
    median_age_value = ages.get_column("age_at_death").median() if ages.height else None
    share = hospital / known.height if known.height else None
    figures = {
        "median_age_at_death": population.general_figure("median_age_at_death"),
        "share_dying_in_hospital": population.general_figure("share_dying_in_hospital"),
    }
    rows = [
        (
            "median_age_at_death",
            "Median age at death (years)",
            ages.height,
            None,
            None,
            median_age_value,
        ),
        (
            "share_dying_in_hospital",
            "Share dying in hospital",
            known.height,
            hospital,
            known.height - hospital,
            share,
        ),
    ]
    table = pl.DataFrame(
        [
            (
                *row,
                figures[row[0]].value if figures[row[0]] else None,
                figures[row[0]].source if figures[row[0]] else "",
            )
            for row in rows
        ],
        schema={
            "measure": pl.String,
            "label": pl.String,
            "deaths": pl.Int64,
            "in_group": pl.Int64,
            "rest": pl.Int64,
            "leder": pl.Float64,
            "general_population": pl.Float64,
            "source": pl.String,
        },
        orient="row",
    ).with_columns((pl.col("leder") - pl.col("general_population")).alias("difference"))
    layout = Layout(
        labels=("measure", "label"),
        counts=("deaths", "in_group", "rest"),
        partitions=((("in_group", "rest"), "deaths"),),
        hidden=("in_group", "rest"),
        derived=(("leder", ("deaths", "in_group")), ("difference", ("deaths", "in_group"))),
    )
    versions = {f.version for f in figures.values() if f}
    return table, layout, [f"General population reference version {', '.join(sorted(versions))}"]
