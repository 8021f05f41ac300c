"""Duplicate matching: NHS number, else name + dates tolerant of typos and swapped day/month."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.notifications.duplicates import PersonKey, compare, date_variants, dates_match
from leder.notifications.models import DuplicateMatch

BASE = PersonKey("Margaret", "Oduya", date(1961, 3, 4), date(2026, 5, 10), "")


def test_same_nhs_number_matches_whatever_else_differs():
    a = PersonKey("Margaret", "Oduya", date(1961, 3, 4), date(2026, 5, 10), "9990001234")
    b = PersonKey("Peggy", "Smith", date(1970, 1, 1), date(2025, 1, 1), "9990001234")
    assert compare(a, b)[0] == DuplicateMatch.NHS_NUMBER


def test_two_different_nhs_numbers_are_two_people():
    a = PersonKey("Margaret", "Oduya", date(1961, 3, 4), date(2026, 5, 10), "9990001234")
    b = PersonKey("Margaret", "Oduya", date(1961, 3, 4), date(2026, 5, 10), "9990005678")
    assert compare(a, b) is None


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (PersonKey("Margret", "Oduya", date(1961, 3, 4), date(2026, 5, 10)), "typo in given name"),
        (
            PersonKey("Margaret", "Oduyah", date(1961, 3, 4), date(2026, 5, 10)),
            "typo in family name",
        ),
        (PersonKey("Oduya", "Margaret", date(1961, 3, 4), date(2026, 5, 10)), "names swapped"),
        (
            PersonKey("Margaret", "Oduya", date(1961, 4, 3), date(2026, 5, 10)),
            "birth day/month swapped",
        ),
        (
            PersonKey("Margaret", "Oduya", date(1961, 3, 4), date(2026, 10, 5)),
            "death day/month swapped",
        ),
        (
            PersonKey("Margaret", "Oduya", date(1961, 3, 14), date(2026, 5, 10)),
            "one keystroke in day",
        ),
        (
            PersonKey("Margaret", "Oduya", date(1916, 3, 4), date(2026, 5, 10)),
            "year digits transposed",
        ),
        (
            PersonKey("Margaret", "Oduya", date(1961, 3, 4), date(2026, 5, 10), "9990001234"),
            "one has NHS no.",
        ),
    ],
)
def test_likely_duplicates_are_flagged(other, why):
    result = compare(other, BASE)
    assert result is not None, why
    assert result[0] == DuplicateMatch.DETAILS


@pytest.mark.parametrize(
    "other",
    [
        PersonKey("John", "Oduya", date(1961, 3, 4), date(2026, 5, 10)),  # different person
        PersonKey(
            "Margaret", "Oduya", date(1965, 7, 20), date(2026, 5, 10)
        ),  # different birth date
        PersonKey(
            "Margaret", "Oduya", date(1961, 3, 4), date(2025, 11, 27)
        ),  # different death date
    ],
)
def test_different_deaths_are_not_flagged(other):
    assert compare(other, BASE) is None


@settings(max_examples=300, deadline=None)
@given(
    a=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    b=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
)
def test_database_candidates_and_comparison_agree(a, b):
    """`date_variants` (for the indexed query) holds exactly the dates `dates_match` accepts,
    so the query can never hide a match the comparison would make."""
    assert (b in date_variants(a)) == (dates_match(a, b) is not None)


@settings(max_examples=200, deadline=None)
@given(day=st.integers(1, 12), month=st.integers(1, 12), year=st.integers(1920, 2020))
def test_swapped_day_and_month_always_match(day, month, year):
    assert dates_match(date(year, month, day), date(year, day, month))
