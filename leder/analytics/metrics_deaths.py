"""The metrics about the people who died: age at death, place and cause of death, COVID-19,
avoidable deaths, expected deaths and the comparison with the general population. Each is given
separately for each population (`per_population`, ADR 0146). Registered in
`metric_registry.REGISTRY`; `metrics` lists them in report order."""

from functools import cache

import polars as pl

from leder.analytics.extract import Extract
from leder.analytics.metric_registry import (
    ALL,
    COVID_CODES,
    EACH_POPULATION,
    PLACES,
    TOTAL,
    _age_summary,
    _blocked_table,
    _breakdowns,
    _counts_by,
    _totals_equal_all,
    in_scope,
    metric,
    per_population,
    share_of,
)
from leder.analytics.populations import LD
from leder.analytics.results import Layout
from leder.reference import avoidable, icd10, population

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
