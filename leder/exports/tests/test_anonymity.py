"""The re-identification check (k-anonymity) on hand-worked small tables. Each test says how the
answer was worked out by hand."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.exports import spec
from leder.exports.anonymity import anonymise


def table(rows: list[dict]) -> pl.DataFrame:
    """Rows with the specification's columns (anything not given is empty)."""
    return pl.DataFrame(
        [tuple(row.get(name) for name in spec.FIELD_NAMES) for row in rows],
        schema=spec.SCHEMA,
        orient="row",
    )


def person(**values) -> dict:
    base = {
        "age_at_death": 50,
        "death_month": 6,
        "sex": "female",
        "ethnic_category": "A",
        "ethnic_group": "White",
        "icb_code": "QWO",
        "icb_name": "West Yorkshire ICB",
        "region_code": "Y63",
        "region_name": "North East and Yorkshire",
        "underlying_cause_code": "J69.0",
        "underlying_cause_title": "Pneumonitis due to food and vomit",
        "underlying_cause_block": "J60-J70",
        "underlying_cause_chapter": "X",
        "underlying_cause_chapter_title": "Diseases of the respiratory system",
    }
    return base | values


def test_two_rare_ages_share_a_five_year_band():
    # k=2 on age and sex. (41, male) and (43, male) are alone; (62, female) twice.
    # Widening age to 5-year bands puts 41 and 43 both in 40-44: (40-44, male) twice. Withholding
    # sex instead would leave (41, -) and (43, -) alone, so age is chosen.
    result = anonymise(
        table(
            [
                person(age_at_death=41, sex="male"),
                person(age_at_death=43, sex="male"),
                person(age_at_death=62),
                person(age_at_death=62),
            ]
        ),
        k=2,
        quasi_identifiers=("age", "sex"),
    )
    rows = result.frame.to_dicts()
    assert [(r["age_at_death"], r["age_band"], r["generalised"]) for r in rows] == [
        (None, "40-44", "age"),
        (None, "40-44", "age"),
        (62, "60-64", None),
        (62, "60-64", None),
    ]
    assert result.generalised == {"age": {"5-year band": 2}}
    assert result.suppressed == 0
    assert result.smallest_group == 2


def test_months_become_a_quarter_before_causes_become_a_block():
    # k=2 on month and cause. (January, J69.0) and (February, J69.0) are alone; (March, J18.9)
    # twice. As quarters both are (Q1, J69.0): two. As a block they would be (1, J60-J70) and
    # (2, J60-J70), still alone. So the months are generalised, and the causes are not.
    result = anonymise(
        table(
            [
                person(death_month=1),
                person(death_month=2),
                person(death_month=3, underlying_cause_code="J18.9"),
                person(death_month=3, underlying_cause_code="J18.9"),
            ]
        ),
        k=2,
        quasi_identifiers=("death_month", "cause"),
    )
    rows = result.frame.to_dicts()
    assert [(r["death_month"], r["death_quarter"]) for r in rows] == [
        (None, "Q1"),
        (None, "Q1"),
        (3, "Q1"),
        (3, "Q1"),
    ]
    assert [r["underlying_cause_code"] for r in rows] == ["J69.0", "J69.0", "J18.9", "J18.9"]
    assert result.generalised == {"death_month": {"quarter": 2}}


def test_icbs_too_small_are_reported_by_region():
    # k=3 on ICB. ICB A has 2 deaths and ICB B 1, both in region R; ICB C has 3 in region S.
    # A and B are rare; as region R they are 3 together. C keeps its ICB.
    a = {"icb_code": "A", "icb_name": "A ICB", "region_code": "R", "region_name": "Region R"}
    b = {"icb_code": "B", "icb_name": "B ICB", "region_code": "R", "region_name": "Region R"}
    c = {"icb_code": "C", "icb_name": "C ICB", "region_code": "S", "region_name": "Region S"}
    result = anonymise(
        table([person(**a), person(**a), person(**b), person(**c), person(**c), person(**c)]),
        k=3,
        quasi_identifiers=("icb",),
    )
    rows = result.frame.to_dicts()
    assert [(r["icb_code"], r["region_code"]) for r in rows] == [
        (None, "R"),
        (None, "R"),
        (None, "R"),
        ("C", "S"),
        ("C", "S"),
        ("C", "S"),
    ]
    assert result.generalised == {"icb": {"region": 3}}


def test_a_record_rare_at_every_step_is_suppressed():
    # k=2 on sex. One man, two women: withholding the man's sex leaves him alone (one record
    # with no sex), and there is no step further, so he is suppressed and the women stay.
    result = anonymise(
        table([person(sex="male"), person(), person()]), k=2, quasi_identifiers=("sex",)
    )
    assert result.frame.height == 2
    assert result.suppressed == 1
    assert result.frame["sex"].to_list() == ["female", "female"]


def test_a_common_combination_is_left_as_it_is():
    frame = table([person(), person(), person(), person(), person()])
    result = anonymise(frame, k=5)
    assert result.frame.drop("age_band", "death_quarter").equals(
        frame.drop("age_band", "death_quarter")
    )
    assert result.generalised == {}
    assert result.smallest_group == 5


def test_a_quasi_identifier_without_its_column_is_skipped():
    frame = table([person(), person(sex="male")]).drop("sex")
    result = anonymise(frame, k=1)
    assert "sex" not in result.quasi_identifiers


ages = st.integers(min_value=4, max_value=99)
months = st.integers(min_value=1, max_value=12)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(ages, months, st.sampled_from(["male", "female"]), st.sampled_from("AB")),
        max_size=40,
    ),
    st.integers(min_value=2, max_value=5),
)
def test_no_combination_left_is_rarer_than_k(people, k):
    frame = table(
        [
            person(age_at_death=a, death_month=m, sex=s, icb_code=i, region_code="R")
            for a, m, s, i in people
        ]
    )
    result = anonymise(frame, k=k)
    assert result.frame.height + result.suppressed == len(people)
    if result.frame.height:
        assert result.smallest_group >= k
