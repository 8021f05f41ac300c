"""A small hand-made extract whose figures are worked out by hand in test_metrics.py."""

from datetime import date

import pytest

from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import (
    ACTION_SCHEMA,
    DEATH_SCHEMA,
    LEARNING_SCHEMA,
    Extract,
    frame_from_rows,
)

D = date


def death(reference, state, age, sex, ethnic, **fields):
    row = {
        "reference": reference,
        "icb": "QHL",
        "region": "Y60",
        "state": state,
        "date_of_death": D(2024, 1, 5),
        "age_at_death": age,
        "sex": sex,
        "ethnic_group": ethnic,
        "learning_disability": "yes",
        "place_of_death": "hospital",
        "cause_recorded": False,
        "covid_status": "no",
    }
    row.update(fields)
    if row.get("underlying_cause"):
        row["cause_recorded"] = True
    return row


# ref, state, age, sex, ethnic group, and what differs from the defaults.
DEATHS = [
    death(
        "A1", "completed", 50, "female", "White", ld_severity="mild",
        underlying_cause="J69.0", grade=2,
        notified_on=D(2024, 1, 10), allocated_on=D(2024, 1, 20), completed_on=D(2024, 6, 30),
    ),
    death(
        "A2", "completed", 62, "male", "White", place_of_death="home",
        underlying_cause="I21.9", grade=3,
        notified_on=D(2024, 2, 1), allocated_on=D(2024, 2, 11), completed_on=D(2024, 9, 1),
    ),
    death(
        "A3", "completed", 70, "male", "Asian", ld_severity="severe",
        underlying_cause="U07.1", covid_status="confirmed", grade=1,
        notified_on=D(2024, 3, 1), allocated_on=D(2024, 3, 31), completed_on=D(2024, 8, 31),
    ),
    death(
        "A4", "initial_review", 80, "female", "White", place_of_death="care_home",
        underlying_cause="C50.9", notified_on=D(2024, 4, 1), allocated_on=D(2024, 4, 5),
    ),
    death(
        "A5", "awaiting_allocation", 40, "male", "Black", learning_disability="no",
        autistic="yes", covid_status="suspected", notified_on=D(2024, 5, 1),
    ),
    death("A6", "notified", 30, "female", "White", notified_on=D(2024, 6, 1)),
    death("A7", "not_eligible", 90, "female", "White", notified_on=D(2024, 6, 2)),
    death(
        "A8", "opted_out", None, None, None, place_of_death=None, notified_on=D(2024, 6, 3)
    ),
    death(
        "A9", "on_hold", 74, "male", "White", underlying_cause="E11.9", date_of_death=D(2024, 1, 1),
        notified_on=D(2024, 1, 2), allocated_on=D(2024, 1, 10),
    ),
]  # fmt: skip

LEARNING = [
    {"reference": "A1", "item": 1, "kind": "good_practice", "theme": "Communication"},
    {"reference": "A1", "item": 2, "kind": "concern", "theme": "Communication"},
    {"reference": "A1", "item": 2, "kind": "concern", "theme": "Diagnosis"},
    {"reference": "A2", "item": 3, "kind": "improvement", "theme": "Communication"},
]

ACTIONS = [
    # agreed 2023, completed 2024
    {"reference": "ACT-1", "icb": "QHL", "status": "completed", "agreed_on": D(2023, 11, 1),
     "due_on": D(2024, 3, 1), "completed_on": D(2024, 2, 1)},
    # agreed 2024, open, overdue by the end of 2024
    {"reference": "ACT-2", "icb": "QHL", "status": "open", "agreed_on": D(2024, 2, 1),
     "due_on": D(2024, 6, 1)},
    # agreed 2024, open, due 2025
    {"reference": "ACT-3", "icb": "QHL", "status": "in_progress", "agreed_on": D(2024, 5, 1),
     "due_on": D(2025, 6, 1)},
    # agreed 2024, cancelled 2024
    {"reference": "ACT-4", "icb": "QHL", "status": "cancelled", "agreed_on": D(2024, 5, 1),
     "due_on": D(2025, 6, 1), "cancelled_on": D(2024, 7, 1)},
]  # fmt: skip


def make_extract(deaths=None, **fields) -> Extract:
    values = {
        "cohort": Cohort.deaths_in(2024),
        "scope": Scope.england(),
        "deaths": frame_from_rows(DEATHS if deaths is None else deaths, DEATH_SCHEMA),
        "learning": frame_from_rows(LEARNING, LEARNING_SCHEMA),
        "actions": frame_from_rows(ACTIONS, ACTION_SCHEMA),
        "ld_population": 10_000,
        "as_of": D(2025, 1, 15),
    }
    values.update(fields)
    return Extract(**values)


@pytest.fixture
def extract() -> Extract:
    return make_extract()
