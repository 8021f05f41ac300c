"""The national performance table against a fixture worked by hand.

Two regions: Midlands (Y60) with ICBs QHL (population 1,000) and QK1 (2,000); London (Y56) with
QMJ (no population configured). The period is financial 2024 Q1 (1 April to 30 June 2024, 91
days); the backlog is measured on 30 June 2024. Allocation standard: 28 days.
"""

from datetime import date

import pytest

from leder.analytics import disclosure
from leder.analytics.extract import DEATH_SCHEMA, frame_from_rows
from leder.analytics.performance import Area, performance

D = date

AREAS = [
    Area("QHL", "Birmingham and Solihull", "Y60", "Midlands", 1000),
    Area("QK1", "Leicester, Leicestershire and Rutland", "Y60", "Midlands", 2000),
    Area("QMJ", "North Central London", "Y56", "London", None),
]

# Notified in the quarter. QHL: N1 allocated after 10 days (within 28), N2 after 40 (later),
# N3 awaiting triage; QK1: N4 allocated after 28 days (on the day: within); QMJ: N5 awaiting
# allocation.
NOTIFIED = [
    {"reference": "N1", "icb": "QHL", "state": "initial_review", "notified_on": D(2024, 4, 1),
     "allocated_on": D(2024, 4, 11)},
    {"reference": "N2", "icb": "QHL", "state": "allocated", "notified_on": D(2024, 4, 2),
     "allocated_on": D(2024, 5, 12)},
    {"reference": "N3", "icb": "QHL", "state": "notified", "notified_on": D(2024, 6, 1)},
    {"reference": "N4", "icb": "QK1", "state": "initial_review", "notified_on": D(2024, 5, 1),
     "allocated_on": D(2024, 5, 29)},
    {"reference": "N5", "icb": "QMJ", "state": "awaiting_allocation",
     "notified_on": D(2024, 6, 10)},
]  # fmt: skip
# Completed in the quarter. QHL: C1 notified 1 Nov 2023, due 1 May 2024, signed off 20 Apr
# (within; 171 days); C2 notified 1 Sep 2023, 60 days on hold → due 1 Mar + 60 = 30 Apr 2024,
# signed off 29 Apr (within; 241 days); QMJ: C3 notified 1 Jul 2023, due 1 Jan 2024, signed off
# 1 Jun 2024 (late; 336 days).
COMPLETED = [
    {"reference": "C1", "icb": "QHL", "state": "completed", "notified_on": D(2023, 11, 1),
     "due_on": D(2024, 5, 1), "completed_on": D(2024, 4, 20)},
    {"reference": "C2", "icb": "QHL", "state": "completed", "notified_on": D(2023, 9, 1),
     "due_on": D(2024, 4, 30), "hold_days": 60, "completed_on": D(2024, 4, 29)},
    {"reference": "C3", "icb": "QMJ", "state": "completed", "notified_on": D(2023, 7, 1),
     "due_on": D(2024, 1, 1), "completed_on": D(2024, 6, 1)},
]  # fmt: skip
# Every notification up to 30 June: the active ones are the backlog. N1 (1 Apr: under 3
# months), N2 (2 Apr: under 3), N4 (1 May: under 3), N5 (10 Jun: under 3), W1 (QK1, 1 Dec 2023:
# 6 months on 1 Jun → 6 to 12), W2 (QMJ on hold, 1 Jan 2024: 3 to 6), N3 is awaiting triage (not
# a review to do), C1 completed.
WAITING = [
    *NOTIFIED,
    {"reference": "W1", "icb": "QK1", "state": "quality_assurance", "notified_on": D(2023, 12, 1)},
    {"reference": "W2", "icb": "QMJ", "state": "on_hold", "notified_on": D(2024, 1, 1)},
    COMPLETED[0],
]


@pytest.fixture
def table():
    return performance(
        notified=frame_from_rows(NOTIFIED, DEATH_SCHEMA),
        completed=frame_from_rows(COMPLETED, DEATH_SCHEMA),
        waiting=frame_from_rows(WAITING, DEATH_SCHEMA),
        areas=AREAS,
        starts_on=D(2024, 4, 1),
        ends_before=D(2024, 7, 1),
        as_of=D(2024, 6, 30),
        period_name="April to June 2024 (2024 to 2025 Q1)",
    )


def row(result, name):
    return next(r for r in result.table.iter_rows(named=True) if r["name"] == name)


def test_icb_rows(table):
    qhl = row(table, "Birmingham and Solihull")
    assert (qhl["notified"], qhl["triaged"]) == (3, 2)
    assert (qhl["allocated"], qhl["allocated_within"]) == (2, 1)
    assert (qhl["completed"], qhl["within_6_months"], qhl["median_days"]) == (2, 2, 206.0)
    # Backlog: N1, N2 under 3 months. Expected: 1,000 × 0.0032 × 91 / 365.25 = 0.79726…
    assert (qhl["backlog_under_3"], qhl["backlog"]) == (2, 2)
    assert qhl["expected"] == pytest.approx(1000 * 0.0032 * 91 / 365.25)
    assert qhl["ratio"] == pytest.approx(3 / (1000 * 0.0032 * 91 / 365.25))
    qk1 = row(table, "Leicester, Leicestershire and Rutland")
    assert (qk1["allocated"], qk1["allocated_within"]) == (1, 1)  # 28 days: on the standard
    assert (qk1["backlog_under_3"], qk1["backlog_6_to_12"], qk1["backlog"]) == (1, 1, 2)
    qmj = row(table, "North Central London")
    assert (qmj["completed"], qmj["within_6_months"], qmj["median_days"]) == (1, 0, 336.0)
    assert (qmj["backlog_under_3"], qmj["backlog_3_to_6"]) == (1, 1)
    assert qmj["expected"] is None and qmj["ratio"] is None


def test_region_and_england_rows_are_sums(table):
    midlands = row(table, "Midlands")
    assert (midlands["notified"], midlands["completed"], midlands["backlog"]) == (4, 2, 4)
    assert midlands["expected"] == pytest.approx(3000 * 0.0032 * 91 / 365.25)
    england = row(table, "England")
    # 5 notified, 3 completed (2 within), medians over 171, 241, 336 → 241; backlog 6.
    assert (england["notified"], england["completed"], england["within_6_months"]) == (5, 3, 2)
    assert england["median_days"] == 241.0 and england["backlog"] == 6
    # London has no population, so neither has England.
    assert england["expected"] is None
    assert [r["level"] for r in table.table.iter_rows(named=True)] == [
        "ICB", "Region", "ICB", "ICB", "Region", "England"
    ]  # fmt: skip


def test_the_table_is_disclosure_controlled_and_names_its_definition(table):
    assert table.version.endswith("within-6-months v2")
    assert any("within-6-months v2" in note for note in table.notes)
    published = disclosure.protect(table)
    assert "later" not in published.table.columns
    last = len(published.table) - 1
    england = published.table.row(last, named=True)
    # England's 5 notified and 6 in the backlog are shown; its 3 completed are suppressed, and
    # with them the share within 6 months and the median; zeros are shown.
    assert (england["notified"], england["backlog"]) == (5, 6)
    assert published.is_suppressed(last, "completed") and england["completed"] is None
    assert published.is_suppressed(last, "median_days")
    assert england["backlog_12_plus"] == 0
    # Every count from 1 to 4 anywhere is suppressed.
    for index, values in enumerate(table.table.iter_rows(named=True)):
        for column in ("notified", "triaged", "completed", "within_6_months", "backlog"):
            if 0 < values[column] < 5:
                assert published.is_suppressed(index, column), (values["name"], column)
