"""The national report's metrics, each checked against this fixture worked by hand.

Every death is in 2024 and completed. The two populations:
- people with a learning disability (LD): L1–L6;
- autistic adults without a learning disability: A1, A2;
and three deaths in neither or out of scope: A3 (autistic, no learning disability, aged 16: not an
adult), X1 (learning disability "not sure"), X2 (not eligible).

Avoidable-list weights (reference/data/avoidable_mortality_ons.csv): I21.9 ischaemic heart
disease 0.5/0.5; G40.9 epilepsy 0/1; X70 intentional self-harm 1/0; C50.9 breast cancer (female)
0/1; Q90.9 Down's syndrome and J18.9 below 18 are not counted; all only under 75.
"""

from datetime import date

import polars as pl
import pytest

from leder.analytics import disclosure, national
from leder.analytics.cohorts import Cohort
from leder.analytics.tests.conftest import death, make_extract

D = date


def person(ref, age, sex, ethnic, region, *, ld="yes", autistic="no", profile=None, **fields):
    state = fields.pop("state", "completed")
    values = dict(
        learning_disability=ld, autistic=autistic, region=region, notified_on=D(2024, 2, 1)
    )
    if profile:
        downs, epilepsy, conditions, lived = profile
        values.update(
            profile_recorded=True,
            downs_syndrome=downs,
            cerebral_palsy="no",
            epilepsy=epilepsy,
            long_term_conditions=conditions,
            lived_in=lived,
        )
    values.update(fields)
    return death(ref, state, age, sex, ethnic, **values)


DEATHS = [
    person("L1", 50, "female", "White", "Y60", ld_severity="mild", underlying_cause="I21.9",
           profile=("yes", "no", ["hypertension"], "supported_living"),
           q_annual_health_check="yes", q_dnacpr="yes", q_dnacpr_appropriate="no"),
    person("L2", 62, "male", "White", "Y60", ld_severity="severe", underlying_cause="G40.9",
           profile=("no", "yes", ["hypertension", "diabetes"], "residential_care"),
           q_annual_health_check="no", q_dnacpr="yes", q_dnacpr_appropriate="yes"),
    person("L3", 80, "male", "Asian", "Y56", ld_severity="moderate", underlying_cause="I21.9",
           profile=("no", "no", ["none"], "family_home"),
           q_annual_health_check="not_known", q_dnacpr="no"),
    person("L4", 10, "female", "White", "Y56", underlying_cause="J18.9",
           q_annual_health_check="yes"),
    person("L5", 45, "female", "Black", "Y56", ld_severity="pmld", underlying_cause="Q90.9",
           profile=("yes", "no", [], "supported_living"), q_annual_health_check="yes"),
    person("L6", 30, "male", "White", "Y60"),
    person("A1", 35, "male", "White", "Y60", ld="no", autistic="yes", underlying_cause="X70",
           profile=("no", "no", ["none"], "own_home"), q_annual_health_check="no"),
    person("A2", 60, "female", "Mixed", "Y56", ld="no", autistic="yes", underlying_cause="C50.9",
           q_annual_health_check="yes"),
    person("A3", 16, "male", "White", "Y60", ld="no", autistic="yes", underlying_cause="X70",
           q_annual_health_check="yes"),
    person("X1", 40, "male", "White", "Y60", ld="not_sure", underlying_cause="I21.9"),
    person("X2", 55, "female", "White", "Y60", state="not_eligible", underlying_cause="I21.9"),
]  # fmt: skip

LD = "People with a learning disability"
AUT = "Autistic adults without a learning disability"


@pytest.fixture
def extract():
    return make_extract(deaths=DEATHS)


def rows(result, breakdown) -> dict[str, dict]:
    table = result.table.filter(pl.col("breakdown") == breakdown)
    key = "question" if "question" in table.columns else "group"
    return {row[key]: row for row in table.iter_rows(named=True)}


def test_avoidable_by_population_and_group(extract):
    result = national.avoidable_by_group(extract)
    # LD adults with a known cause: L1, L2, L3, L5 (L4 is a child, L6 has no cause) = 4.
    # Avoidable: L1 (I21.9 at 50: P 0.5, T 0.5) and L2 (G40.9 at 62: T 1) = 2; L3 is 80 and
    # Q90.9 is not on the list. Preventable 0.5, treatable 1.5, share 2/4.
    everyone = rows(result, f"{LD}: all")["All"]
    assert (everyone["deaths"], everyone["avoidable"]) == (4, 2)
    assert (everyone["preventable"], everyone["treatable"]) == (0.5, 1.5)
    assert everyone["share_avoidable"] == 0.5
    # By region: Midlands (Y60) L1, L2 → 2 of 2; London (Y56) L3, L5 → 0 of 2.
    region = rows(result, f"{LD}: region")
    assert (region["Midlands"]["deaths"], region["Midlands"]["avoidable"]) == (2, 2)
    assert (region["London"]["deaths"], region["London"]["avoidable"]) == (2, 0)
    assert region["Total"]["deaths"] == 4
    # By sex: female L1, L5 → 1 of 2 (P 0.5, T 0.5); male L2, L3 → 1 of 2 (T 1).
    sex = rows(result, f"{LD}: sex")
    assert (sex["Female"]["avoidable"], sex["Female"]["preventable"]) == (1, 0.5)
    assert (sex["Male"]["avoidable"], sex["Male"]["treatable"]) == (1, 1.0)
    # By age band: 45 to 54 L1, L5 → 1 of 2; 55 to 64 L2 → 1 of 1; 75 and over L3 → 0 of 1.
    bands = rows(result, f"{LD}: age band")
    assert (bands["45 to 54"]["deaths"], bands["45 to 54"]["avoidable"]) == (2, 1)
    assert (bands["75 and over"]["deaths"], bands["75 and over"]["avoidable"]) == (1, 0)
    assert "4 to 17" not in bands
    # Severity: mild L1 avoidable, severe L2 avoidable, moderate L3 no, pmld L5 no.
    severity = rows(result, f"{LD}: severity of learning disability")
    assert (
        severity["Severe"]["avoidable"] == 1 and severity["Profound and multiple"]["avoidable"] == 0
    )
    # Autistic adults: A1 (X70 at 35: P 1), A2 (C50.9 female at 60: T 1) → 2 of 2. A3 is 16.
    autistic = rows(result, f"{AUT}: all")["All"]
    assert (autistic["deaths"], autistic["avoidable"], autistic["preventable"]) == (2, 2, 1.0)
    # Combined, labelled: 6 deaths, 4 avoidable, P 1.5, T 2.5. X1 (not sure) and X2 are in neither.
    combined = rows(result, "Both populations combined: all")["All"]
    assert (combined["deaths"], combined["avoidable"]) == (6, 4)
    assert (combined["preventable"], combined["treatable"]) == (1.5, 2.5)


def test_deaths_by_condition(extract):
    result = national.deaths_by_condition(extract)
    ld = rows(result, LD)
    # Profiled LD deaths: L1, L2, L3, L5 = 4 (L4 and L6 have no profile).
    assert {row["profiled"] for row in ld.values()} == {4}
    # Down's syndrome L1, L5 = 2; epilepsy L2 = 1; hypertension L1, L2 = 2; diabetes L2 = 1.
    assert ld["Down's syndrome"]["with_condition"] == 2 and ld["Down's syndrome"]["share"] == 0.5
    assert ld["Epilepsy"]["with_condition"] == 1
    assert (
        ld["High blood pressure (hypertension)"]["with_condition"] == 2
        and ld["Diabetes"]["with_condition"] == 1
    )
    assert ld["Dementia"]["with_condition"] == 0
    autistic = rows(result, AUT)
    assert autistic["Down's syndrome"]["profiled"] == 1  # A1 only


def test_deaths_by_residence(extract):
    ld = rows(national.deaths_by_residence(extract), LD)
    # Supported living L1, L5 = 2; residential care L2 = 1; family home L3 = 1; total 4.
    assert ld["Supported living"]["deaths"] == 2 and ld["Supported living"]["share"] == 0.5
    assert ld["Residential care home"]["deaths"] == 1 and ld["With their family"]["deaths"] == 1
    assert ld["Total"]["deaths"] == 4
    assert rows(national.deaths_by_residence(extract), AUT)["In their own home"]["deaths"] == 1


def test_median_age_by_downs(extract):
    ld = rows(national.median_age_by_downs(extract), LD)
    # Down's syndrome: 45, 50 → median 47.5; q1 = 45 + 0.25 × 5 = 46.25; q3 = 48.75.
    # Without: 62, 80 → median 71.
    assert (ld["Down's syndrome"]["deaths"], ld["Down's syndrome"]["median"]) == (2, 47.5)
    assert (ld["Down's syndrome"]["q1"], ld["Down's syndrome"]["q3"]) == (46.25, 48.75)
    assert ld["No Down's syndrome"]["median"] == 71.0
    assert ld["Total"]["deaths"] == 4


def test_care_question_rates(extract):
    result = national.compute(extract, ["care_question_rates"])["care_question_rates"]
    ld = rows(result, LD)
    # Annual health check: yes L1, L4, L5 = 3; no L2 = 1; not known L3 (left out); L6 not
    # answered. Rate 3 / 4.
    check = ld["annual_health_check"]
    assert (check["answered"], check["yes"], check["not_known"], check["rate"]) == (4, 3, 1, 0.75)
    # DNACPR in place: yes L1, L2; no L3 → 2 / 3. Appropriate (asked of L1, L2): yes L2 → 1 / 2.
    assert (ld["dnacpr"]["yes"], ld["dnacpr"]["answered"]) == (2, 3)
    assert (ld["dnacpr_appropriate"]["yes"], ld["dnacpr_appropriate"]["answered"]) == (1, 2)
    # Autistic adults: yes A2, no A1 → 1 / 2 (A3 is 16, not an adult).
    assert rows(result, AUT)["annual_health_check"]["rate"] == 0.5


def test_every_national_metric_is_versioned_defined_and_protectable(extract):
    for key, result in national.compute(extract).items():
        assert result.version and len(result.definition) > 80, key
        assert set(result.table.get_column("population")) <= {LD, AUT, "Both populations combined"}
        protected = disclosure.protect(result)
        # Every count here is below 5: published, each is suppressed or zero.
        for index, row in enumerate(protected.table.iter_rows(named=True)):
            for column in result.layout.counts:
                if column in protected.table.columns and row[column] not in (None, 0, 0.0):
                    assert row[column] >= 5 or protected.is_suppressed(index, column), (key, column)


def test_quarter_and_month_cohorts():
    q1 = Cohort.for_quarter("deaths", 2025, 1, financial=True)
    assert (q1.starts_on, q1.ends_before) == (D(2025, 4, 1), D(2025, 7, 1))
    assert q1.name == "Deaths in April to June 2025 (2025 to 2026 Q1)"
    q4 = Cohort.for_quarter("deaths", 2025, 4, financial=True)
    assert (q4.starts_on, q4.ends_before, q4.quarter) == (D(2026, 1, 1), D(2026, 4, 1), 4)
    calendar = Cohort.for_quarter("completed", 2025, 4)
    assert calendar.name == "Reviews completed in October to December 2025 (2025 Q4)"
    december = Cohort.for_month("deaths", 2025, 12)
    assert (december.ends_before, december.name) == (D(2026, 1, 1), "Deaths in December 2025")
    assert Cohort.deaths_in(2025, financial=True).name == "Deaths in 2025 to 2026 (financial year)"
