"""Each metric against the hand-made extract in conftest.py, with the working written out.

The nine deaths (A1–A9): A7 is not eligible and A8 opted out, so the *deaths in scope* are the
seven others: A1 50 F, A2 62 M, A3 70 M, A4 80 F, A5 40 M, A6 30 F, A9 74 M. A5 is an autistic
adult without a learning disability; the six others have a learning disability. Figures about
the people who died are given for each population (ADR 0146): `ld(result)` is the rows of people
with a learning disability, `autistic(result)` those of autistic adults.
"""

from datetime import date

import polars as pl
import pytest

from leder.analytics import disclosure, metrics
from leder.analytics.tests.conftest import DEATHS, make_extract

LD_NAME = "People with a learning disability"
AUTISTIC_NAME = "Autistic adults without a learning disability"


class _Part:
    """One population's rows of a result (tables split by population)."""

    def __init__(self, result, name):
        self.table = result.table.filter(pl.col("population") == name)
        self.notes = result.notes


def ld(result):
    return _Part(result, LD_NAME)


def autistic(result):
    return _Part(result, AUTISTIC_NAME)


def rows(result, *columns):
    return [tuple(r[c] for c in columns) for r in result.table.iter_rows(named=True)]


def by(result, label_column, value_column, dimension=None):
    table = result.table
    if "population" in table.columns and not isinstance(result, _Part):
        table = table.filter(pl.col("population") == LD_NAME)
    if dimension is not None:
        table = table.filter(pl.col("dimension") == dimension)
    return dict(zip(table[label_column].to_list(), table[value_column].to_list(), strict=True))


def test_registry_lists_every_metric_with_a_definition_and_version():
    assert list(metrics.REGISTRY) == [
        "counts_by_state",
        "median_age",
        "deaths_before_65",
        "place_of_death",
        "leading_causes",
        "covid_deaths",
        "avoidable_deaths",
        "grading",
        "learning_themes",
        "actions",
        "time_to_allocation",
        "completed_within_6_months",
        "backlog_by_age",
        "expected_vs_notified",
        "general_population",
    ]
    for entry in metrics.REGISTRY.values():
        assert entry.version and len(entry.definition) > 40


def test_results_name_cohort_scope_version_and_definition(extract):
    result = metrics.REGISTRY["median_age"](extract)
    assert result.cohort == "Deaths in 2024"
    assert result.scope == "England"
    assert result.version == "2"
    assert result.definition.startswith("Median age at death")
    assert "autistic adults (18 or over) without a learning disability" in result.definition
    assert result.population.startswith("Each population separately")
    assert metrics.counts_by_state(extract).population == metrics.COMBINED_REVIEWS


def test_counts_by_state(extract):
    # completed A1 A2 A3; one each of the other five states; 9 in all.
    counts = by(metrics.counts_by_state(extract), "state", "deaths")
    assert counts["completed"] == 3
    for state in ("initial_review", "awaiting_allocation", "notified", "not_eligible"):
        assert counts[state] == 1
    assert counts["opted_out"] == counts["on_hold"] == 1
    assert counts["panel"] == 0
    assert counts["total"] == 9


def test_median_age_overall_and_by_sex(extract):
    result = metrics.median_age(extract)
    table = ld(result).table
    overall = table.row(0, named=True)
    # people with a learning disability: ages 30 50 62 70 74 80: median (62+70)/2 = 66; Q1 at
    # position (6−1)×0.25 = 1.25 → 50 + 0.25×(62−50) = 53; Q3 at position 3.75 → 70 +
    # 0.75×(74−70) = 73.
    assert (overall["deaths"], overall["median"], overall["q1"], overall["q3"]) == (6, 66, 53, 73)
    # women 30 50 80 → 50; men 62 70 74 → 70.
    assert by(result, "group", "median", "Sex") == {
        "Female": 50,
        "Male": 70,
        "Not known": None,
        "Total": None,
    }
    assert by(result, "group", "deaths", "Sex") == {
        "Female": 3,
        "Male": 3,
        "Not known": 0,
        "Total": 6,
    }
    # ethnic group: White 50 62 80 30 74 → 62; Asian 70.
    assert by(result, "group", "median", "Ethnic group")["White"] == 62
    # severity: mild A1 (50), severe A3 (70), the other four not recorded.
    severity = by(result, "group", "deaths", "Severity of learning disability")
    assert (severity["Mild"], severity["Severe"], severity["Not recorded"]) == (1, 1, 4)
    # autistic adults without a learning disability: A5 alone, 40.
    alone = autistic(result).table.row(0, named=True)
    assert (alone["deaths"], alone["median"]) == (1, 40)
    assert by(autistic(result), "group", "deaths", "Sex")["Male"] == 1


def test_each_populations_blocks_are_protected_on_their_own(extract):
    result = metrics.median_age(extract)
    # Each population's "All" row equals each of its blocks' totals: the equations moved with
    # the rows. LD rows are 0–21, the autistic adults' from 22.
    height = ld(result).table.height
    assert all(total < height for rows_, total in result.layout.row_sums[:3])
    assert all(total >= height for rows_, total in result.layout.row_sums[3:])
    assert result.layout.block == ("population", "dimension")
    published = disclosure.protect(result)
    # The autistic adults' one death is suppressed wherever it shows, and the LD figures of 6
    # are shown.
    assert published.is_suppressed(height, "deaths")
    assert published.table.row(0, named=True)["deaths"] == 6


def test_deaths_before_65(extract):
    result = metrics.deaths_before_65(extract)
    overall = ld(result).table.row(0, named=True)
    # under 65: 30 50 62 → 3 of 6.
    assert (overall["deaths"], overall["under_65"]) == (6, 3)
    assert overall["share_under_65"] == pytest.approx(3 / 6)
    # men 62 70 74 → 1 of 3.
    assert by(result, "group", "share_under_65", "Sex")["Male"] == pytest.approx(1 / 3)
    # A5, 40: 1 of 1.
    assert autistic(result).table.row(0, named=True)["under_65"] == 1


def test_place_of_death(extract):
    result = metrics.place_of_death(extract)
    # hospital A1 A3 A6 A9 = 4, home A2, care home A4; of 6.
    assert by(result, "place", "deaths") == {
        "hospital": 4,
        "home": 1,
        "care_home": 1,
        "hospice": 0,
        "other": 0,
        "not_known": 0,
        "total": 6,
    }
    assert by(result, "place", "share")["hospital"] == pytest.approx(4 / 6)
    # A5 died in hospital: 1 of 1, with its own total row.
    assert by(autistic(result), "place", "deaths")["hospital"] == 1
    assert by(autistic(result), "place", "share")["total"] == pytest.approx(1)


def test_leading_causes_by_icd10_chapter(extract):
    result = ld(metrics.leading_causes(extract))
    # five known causes, one per chapter: C50.9 II, E11.9 IV, I21.9 IX, J69.0 X, U07.1 XXII;
    # equal counts come in chapter order.
    assert rows(result, "chapter", "deaths") == [
        ("II", 1),
        ("IV", 1),
        ("IX", 1),
        ("X", 1),
        ("XXII", 1),
        ("total", 5),
    ]
    assert by(result, "chapter", "share")["II"] == pytest.approx(0.2)


def test_covid_deaths(extract):
    result = metrics.covid_deaths(extract)
    # underlying U07.1: A3, 1 of 5 with a known cause; confirmed A3: 1 of 6.
    assert rows(ld(result), "measure", "deaths", "covid") == [
        ("underlying", 5, 1),
        ("at_death", 6, 1),
    ]
    # A5 (autistic, no known cause) had COVID-19 suspected: 0 of 0 and 1 of 1.
    assert rows(autistic(result), "measure", "deaths", "covid") == [
        ("underlying", 0, 0),
        ("at_death", 1, 1),
    ]


def test_avoidable_deaths(extract):
    result = metrics.avoidable_deaths(extract)
    row = ld(result).table.row(0, named=True)
    # denominator: adults with a learning disability and a known cause: A1 A2 A3 A4 A9 (A5 has
    # no learning disability and no cause) = 5.
    # A1 J69.0 age 50: external agents, preventable 1.
    # A2 I21.9 age 62: ischaemic heart disease, 0.5 / 0.5.
    # A3 U07.1 age 70 in 2024: COVID-19, preventable 1.
    # A4 C50.9 age 80: over the age limit, 0.
    # A9 E11.9 age 74: diabetes, 0.5 / 0.5.
    # avoidable 4 of 5; preventable 1 + 0.5 + 1 + 0.5 = 3; treatable 0.5 + 0.5 = 1.
    assert (row["deaths"], row["avoidable"], row["preventable"], row["treatable"]) == (5, 4, 3, 1)
    assert row["share_avoidable"] == pytest.approx(0.8)
    assert any("ons-2020" in note for note in result.notes)
    # Autistic adults: A5 has no known cause, so none in the denominator.
    assert autistic(result).table.row(0, named=True)["deaths"] == 0


def test_avoidable_covid_before_2020_and_breast_cancer_in_men():
    deaths = [dict(DEATHS[2], date_of_death=date(2019, 12, 1))]  # A3's COVID death in 2019
    deaths.append(dict(DEATHS[3], age_at_death=60, sex="male", reference="A4m"))
    row = ld(metrics.avoidable_deaths(make_extract(deaths))).table.row(0, named=True)
    assert (row["deaths"], row["avoidable"]) == (2, 0)


def test_grading(extract):
    result = metrics.grading(extract)
    # completed and graded: A1 2, A2 3, A3 1.
    assert by(result, "grade", "reviews", "Grade") == {
        "1": 1,
        "2": 1,
        "3": 1,
        "4": 0,
        "5": 0,
        "6": 0,
        "Total": 3,
    }
    assert by(result, "grade", "reviews", "Band") == {"1–2": 2, "3–4": 1, "5–6": 0, "Total": 3}


def test_learning_themes(extract):
    result = metrics.learning_themes(extract)
    # Communication: items 1 (good practice), 2 (concern), 3 (improvement), reviews A1 A2.
    # Diagnosis: item 2 (concern), review A1.
    assert rows(result, "theme", "reviews", "good_practice", "improvement", "concern", "items") == [
        ("Communication", 2, 1, 1, 1, 3),
        ("Diagnosis", 1, 0, 0, 1, 1),
    ]


def test_actions(extract):
    # agreed in 2024: ACT-2, 3, 4; completed in 2024: ACT-1; open at the end: ACT-2, ACT-3;
    # overdue: ACT-2 (due June 2024).
    assert by(metrics.actions(extract), "measure", "actions") == {
        "agreed": 3,
        "completed": 1,
        "open": 2,
        "overdue": 1,
    }


def test_time_to_allocation(extract):
    row = metrics.time_to_allocation(extract).table.row(0, named=True)
    # days: A1 10, A2 10, A3 30, A4 4, A9 8 → 4 8 10 10 30: median 10, Q1 8, Q3 10.
    assert (row["cases"], row["median"], row["q1"], row["q3"]) == (5, 10, 8, 10)


def test_completed_within_6_months(extract):
    row = metrics.completed_within_6_months(extract).table.row(0, named=True)
    # A1 10 Jan → 30 Jun (by 10 Jul: yes); A2 1 Feb → 1 Sep (by 1 Aug: no);
    # A3 1 Mar → 31 Aug (by 1 Sep: yes).
    assert (row["completed"], row["within"]) == (3, 2)
    assert row["share_within"] == pytest.approx(2 / 3)


def test_backlog_by_age(extract):
    # as of 15 Jan 2025: A4 (1 Apr 2024) and A5 (1 May 2024) are 6–12 months old; A9 on hold
    # (2 Jan 2024) is over 12 months. A6 is awaiting triage, not yet a review to do.
    assert by(metrics.backlog_by_age(extract), "age", "cases") == {
        "Under 3 months": 0,
        "3 to 6 months": 0,
        "6 to 12 months": 2,
        "12 months or more": 1,
        "Total": 3,
    }


def test_expected_vs_notified(extract):
    result = metrics.expected_vs_notified(extract)
    # White: 10,000 × 0.84 × 3.45 / 1,000 = 28.98 expected; notified A1 A2 A4 A6 A9 = 5.
    white = result.table.filter(pl.col("ethnic_group") == "White").row(0, named=True)
    assert white["expected"] == pytest.approx(28.98)
    assert white["notified"] == 5
    assert white["ratio"] == pytest.approx(5 / 28.98)
    total = result.table.filter(pl.col("ethnic_group") == "Total").row(0, named=True)
    # all groups: 10,000 × (0.84×3.45 + 0.03×1.6 + 0.07×1.9 + 0.035×1.8 + 0.01×1.8 + 0.015×3.2)
    # / 1,000 = 10 × 3.208 = 32.08.
    assert total["expected"] == pytest.approx(32.08)
    # Expected deaths are of people with a learning disability, so notified are too: A5
    # (autistic, no learning disability) is not among them: 6.
    assert total["notified"] == 6
    assert set(result.table["population"]) == {"People with a learning disability"}


def test_expected_is_empty_without_a_population(extract):
    result = metrics.expected_vs_notified(make_extract(ld_population=None))
    assert result.table.get_column("expected").null_count() == result.table.height
    assert any("population" in note for note in result.notes)


def test_general_population_comparison(extract):
    result = metrics.general_population(extract)
    median_row, hospital_row = ld(result).table.iter_rows(named=True)
    # median 66 (see above) against 82.5: 16.5 years younger.
    assert (median_row["leder"], median_row["general_population"]) == (66, 82.5)
    assert median_row["difference"] == pytest.approx(-16.5)
    # 4 of 6 in hospital against 44%.
    assert hospital_row["leder"] == pytest.approx(4 / 6)
    assert hospital_row["general_population"] == pytest.approx(0.44)


def test_every_metric_survives_an_empty_extract():
    empty = make_extract(deaths=[], learning=make_extract().learning.clear())
    for key, result in metrics.compute(empty).items():
        assert isinstance(result.table, pl.DataFrame), key
        disclosure.protect(result)


def test_published_results_hide_small_counts(extract):
    published = disclosure.protect(metrics.counts_by_state(extract))
    # every state has 0, 1 or 3 deaths: all the 1s and the 3 are suppressed; zeros are shown.
    shown = {r["state"]: r["deaths"] for r in published.rows()}
    assert shown["completed"] == "[c]"
    assert shown["panel"] == 0
    assert shown["total"] == 9
