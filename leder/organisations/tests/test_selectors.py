"""Following any historic code to the organisation holding its work."""

import datetime

import pytest

from leder.organisations.errors import AmbiguousSuccessionError
from leder.organisations.selectors import (
    icbs_open,
    organisation_current,
    records_pointing_at_closed_organisations,
    restructure_dates_pending,
)
from leder.organisations.services import restructure_apply

pytestmark = pytest.mark.django_db

RESTRUCTURE_2026 = datetime.date(2026, 4, 1)


def test_an_old_ccg_code_resolves_through_its_2021_ccg_to_todays_icb():
    # 07M was an older North Central London code; 93C replaced it in 2021; QMJ took 93C in 2022.
    assert organisation_current(ods_code="07M").ods_code == "QMJ"


def test_the_resolver_answers_for_a_given_day():
    assert organisation_current(ods_code="07M", on=datetime.date(2020, 1, 1)).ods_code == "07M"
    assert organisation_current(ods_code="07M", on=datetime.date(2022, 6, 30)).ods_code == "93C"
    assert organisation_current(ods_code="07M", on=datetime.date(2022, 7, 1)).ods_code == "QMJ"


def test_codes_are_matched_whatever_their_case_and_spacing():
    assert organisation_current(ods_code=" 07m ").ods_code == "QMJ"


def test_an_unknown_code_is_none_not_an_error():
    # 13P (a Birmingham predecessor) is missing from the reference data: unknown, not invalid.
    assert organisation_current(ods_code="13P") is None


def test_pending_successions_are_not_followed_until_applied():
    assert organisation_current(ods_code="QMJ").ods_code == "QMJ"
    restructure_apply(effective_on=RESTRUCTURE_2026, actor="system:test")
    assert organisation_current(ods_code="QMJ").ods_code == "Z9B2Z"
    assert organisation_current(ods_code="07M").ods_code == "Z9B2Z"
    assert organisation_current(ods_code="07M", on=datetime.date(2026, 3, 31)).ods_code == "QMJ"


def test_a_split_code_is_ambiguous_and_names_the_successors():
    restructure_apply(effective_on=RESTRUCTURE_2026, actor="system:test")
    # 10C → Frimley CCG (D4U1Y) → Frimley ICB (QNQ), split three ways in 2026.
    with pytest.raises(AmbiguousSuccessionError) as raised:
        organisation_current(ods_code="10C")
    assert raised.value.organisation.ods_code == "QNQ"
    assert {s.ods_code for s in raised.value.successors} == {"S0E4D", "S9B9J", "QRL"}
    assert "split on 1 April 2026" in str(raised.value)
    # Before the split the answer is still Frimley.
    assert organisation_current(ods_code="10C", on=datetime.date(2026, 3, 1)).ods_code == "QNQ"


def test_open_icbs_change_with_the_restructure():
    before = set(icbs_open().values_list("ods_code", flat=True))
    assert len(before) == 48  # the six new ICBs opened on 1 April 2026, the old are open too
    restructure_apply(effective_on=RESTRUCTURE_2026, actor="system:test")
    after = set(icbs_open().values_list("ods_code", flat=True))
    assert len(after) == 36
    assert "QNQ" not in after and {"S0E4D", "QRL"} <= after
    assert restructure_dates_pending() == []


def test_nothing_points_at_a_closed_organisation_after_loading():
    assert records_pointing_at_closed_organisations() == []
