"""`avoidable_weights` applies `reference.avoidable.counts` to a whole frame at once; the
national dataset classifies each death with `reference.avoidable.classify`. The two must give
the same weights, or the dashboards and the dataset disagree: checked here on every row of the
list, just inside and just outside each of its limits (age, first year, sex)."""

from datetime import date

import polars as pl
import pytest

from leder.analytics.metrics import avoidable_weights
from leder.reference import avoidable


def _a_code_of(row: avoidable.ListRow) -> str | None:
    """A code that the list files under `row` (the first code of its first range that does)."""
    for part in row.icd10_codes.split(";"):
        code = part.split(" excl ")[0].split("-")[0].strip()
        if code and avoidable.lookup(code) == row:
            return code
    return None


def _cases(row: avoidable.ListRow):
    ages = (row.age_limit - 1, row.age_limit, row.age_limit + 1)
    years = (row.first_year - 1, row.first_year) if row.first_year else (2018, 2024)
    sexes = ("female", "male", "not known", None)
    return [(age, date(year, 6, 30), sex) for age in ages for year in years for sex in sexes]


ROWS = avoidable.avoidable_list()


def test_every_row_of_the_list_has_a_code_to_check_it_with():
    assert [row.group_name for row in ROWS if _a_code_of(row) is None] == []


@pytest.mark.parametrize("row", ROWS, ids=[row.group_name for row in ROWS])
def test_avoidable_weights_agree_with_the_reference(row):
    code = _a_code_of(row)
    cases = _cases(row)
    frame = pl.DataFrame(
        {
            "underlying_cause": [code] * len(cases),
            "age_at_death": [age for age, _, _ in cases],
            "date_of_death": [died_on for _, died_on, _ in cases],
            "sex": [sex for _, _, sex in cases],
        },
        schema={
            "underlying_cause": pl.String,
            "age_at_death": pl.Int16,
            "date_of_death": pl.Date,
            "sex": pl.String,
        },
    )
    weighted = avoidable_weights(frame)
    got = list(zip(weighted["preventable"], weighted["treatable"], strict=True))
    expected = [
        (result.preventable, result.treatable)
        for result in (
            avoidable.classify(code, age, died_on, sex=sex) for age, died_on, sex in cases
        )
    ]
    assert got == expected
    # Both sides of each limit are exercised: some of these deaths count and some do not.
    assert {p + t > 0 for p, t in expected} == {True, False}
