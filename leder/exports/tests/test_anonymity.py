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


# --- Minimal local recoding (ADR 0043) ------------------------------------------------------------


def test_a_rare_age_borrows_only_the_records_it_needs():
    # k=3 on age. Five deaths at 41 and one at 43. From the top: 20-, 10- and 5-year bands hold
    # all six (40-59, 40-49, 40-44). In years, 41 is shared by five and 43 is alone: the rest
    # (43) needs two more records to reach k. The 41s can spare two (five less two is still
    # three), so the last two 41s stay in the band 40-44 with the 43, at a cost of two records
    # at the 5-year band; the first three keep their age. Nobody is suppressed. (The check of
    # ADR 0042 widened the 43 alone until nothing was left and suppressed it.)
    ages = [41, 41, 41, 41, 41, 43]
    result = anonymise(
        table([person(age_at_death=a) for a in ages]), k=3, quasi_identifiers=("age",)
    )
    rows = result.frame.to_dicts()
    assert [(r["age_at_death"], r["age_band"]) for r in rows] == [
        (41, "40-44"),
        (41, "40-44"),
        (41, "40-44"),
        (None, "40-44"),
        (None, "40-44"),
        (None, "40-44"),
    ]
    assert result.generalised == {"age": {"5-year band": 3}}
    assert result.suppressed == 0
    assert result.smallest_group == 3
    # Detail kept: three records lose 0.35 of their age out of six records' one field.
    assert result.detail_kept == round(1 - 3 * 0.35 / 6, 4)


def test_a_rare_value_is_generalised_with_one_other_rather_than_suppressed():
    # k=2 on sex. One man, four women. The man alone needs one more record; the women can spare
    # one (four less one is three). Borrowing costs one record's sex, suppressing the man costs
    # his one quasi-identifier too: equal, and a record kept is preferred. So the man and the
    # last woman have sex withheld; three women keep theirs.
    sexes = ["male", "female", "female", "female", "female"]
    result = anonymise(table([person(sex=s) for s in sexes]), k=2, quasi_identifiers=("sex",))
    assert result.frame["sex"].to_list() == [None, "female", "female", "female", None]
    assert result.suppressed == 0
    assert result.generalised == {"sex": {"withheld": 2}}


def test_a_common_group_keeps_full_detail_beside_a_rare_one():
    # k=2 on ICB and sex. Two women and two men in ICB A, one man in ICB B, all in region R.
    # From the top (both withheld): giving sex back gives 5 records × 1; the region, 5 × 0.52:
    # sex first. The women then get the region and their ICB back (A twice). The men get the
    # region (three in R); by ICB, A has two and B one. The man in B needs one more: A cannot
    # spare one (two less one is below k), taking the whole of A leaves nothing split, and
    # suppressing him costs his two quasi-identifiers, more than the 2 × 0.48 the two men of A
    # would gain. So the men stay by region, and nobody is suppressed.
    a = {"icb_code": "A", "region_code": "R"}
    b = {"icb_code": "B", "region_code": "R"}
    rows = [
        person(sex="female", **a),
        person(sex="female", **a),
        person(sex="male", **a),
        person(sex="male", **a),
        person(sex="male", **b),
    ]
    result = anonymise(table(rows), k=2, quasi_identifiers=("icb", "sex"))
    out = result.frame.to_dicts()
    assert [(r["sex"], r["icb_code"], r["region_code"]) for r in out] == [
        ("female", "A", "R"),
        ("female", "A", "R"),
        ("male", None, "R"),
        ("male", None, "R"),
        ("male", None, "R"),
    ]
    assert result.suppressed == 0
    assert result.generalised == {"icb": {"region": 3}}


def test_profile_answers_of_2027_are_quasi_identifiers():
    # k=2 on out-of-area placement (specification 2027.1 carries it). Four "no" and one "yes":
    # the "yes" borrows one "no", both withheld; the other three keep "no".
    frame = pl.DataFrame(
        {
            "out_of_area_placement": ["no", "yes", "no", "no", "no"],
            "generalised": [None] * 5,
        },
        schema={"out_of_area_placement": pl.String, "generalised": pl.String},
    )
    result = anonymise(frame, k=2, quasi_identifiers=("out_of_area_placement",))
    assert result.frame["out_of_area_placement"].to_list() == ["no", None, "no", "no", None]
    assert result.frame["generalised"].to_list() == [
        None,
        "out_of_area_placement",
        None,
        None,
        "out_of_area_placement",
    ]


def test_the_default_quasi_identifiers_include_the_profile_and_skip_what_2026_lacks():
    from leder.exports.anonymity import DEFAULT_QUASI_IDENTIFIERS

    assert {"out_of_area_placement", "mental_health_act_detained"} <= set(DEFAULT_QUASI_IDENTIFIERS)
    profile = ("lived_in", "out_of_area_placement", "mental_health_act_detained")
    with_profile = anonymise(table([person(), person()]), k=1, quasi_identifiers=None)
    assert set(profile) <= set(with_profile.quasi_identifiers)
    # A 2026.1 file has no profile columns: those quasi-identifiers are skipped.
    without = table([person(), person()]).drop(*profile, "long_term_conditions")
    result = anonymise(without, k=1, quasi_identifiers=None)
    assert not set(profile) & set(result.quasi_identifiers)
