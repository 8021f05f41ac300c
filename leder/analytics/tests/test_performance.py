"""The national performance table against a fixture worked by hand.

Two regions: Midlands (Y60) with ICBs QHL (population 1,000) and QK1 (2,000); London (Y56) with
QMJ (no population configured). The period is financial 2024 Q1 (1 April to 30 June 2024, 91
days); the backlog is measured on 30 June 2024. Allocation standard: 28 days.
"""

from datetime import date

import polars as pl
import pytest

from leder.analytics import disclosure
from leder.analytics.extract import DEATH_SCHEMA, frame_from_rows
from leder.analytics.performance import Area, performance, states_on

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


def quarter_table(notified, waiting, events=None):
    """The table of financial 2024 Q1, measured on 30 June 2024."""
    return performance(
        notified=frame_from_rows(notified, DEATH_SCHEMA),
        completed=frame_from_rows(COMPLETED, DEATH_SCHEMA),
        waiting=frame_from_rows(waiting, DEATH_SCHEMA),
        areas=AREAS,
        starts_on=D(2024, 4, 1),
        ends_before=D(2024, 7, 1),
        as_of=D(2024, 6, 30),
        period_name="April to June 2024 (2024 to 2025 Q1)",
        events=events,
    )


@pytest.fixture
def table():
    return quarter_table(NOTIFIED, WAITING)


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


# --- the backlog on the quarter's last day, from the cases' transitions (ADR 0146) -------------
#
# Today's states differ from those on 30 June 2024:
# - X1 (QK1, notified 1 Feb 2024) is completed today (10 Jul), but was in quality assurance on
#   30 June: in that day's backlog, 3 to 6 months (1 Feb + 3 months = 1 May ≤ 30 Jun < 1 Aug).
# - X2 (QMJ, notified 1 Mar 2024) is allocated today, but was first triaged on 5 July: on 30
#   June it awaited triage, so it is in no backlog.
# - N5 (QMJ, notified 10 Jun) is allocated today (2 July), triaged 1 July: on 30 June it was
#   neither triaged nor allocated, nor in the backlog.
# - W1 (QK1, quality assurance today) was in initial review on 30 June: still in the backlog.
# Everything else was in the state it is in today.
EVENTS_ON = [
    ("N1", "awaiting_allocation", D(2024, 4, 2)), ("N1", "allocated", D(2024, 4, 11)),
    ("N1", "initial_review", D(2024, 4, 20)),
    ("N2", "awaiting_allocation", D(2024, 4, 3)), ("N2", "allocated", D(2024, 5, 12)),
    ("N4", "awaiting_allocation", D(2024, 5, 2)), ("N4", "allocated", D(2024, 5, 29)),
    ("N4", "initial_review", D(2024, 6, 1)),
    ("N5", "awaiting_allocation", D(2024, 7, 1)), ("N5", "allocated", D(2024, 7, 2)),
    ("W1", "awaiting_allocation", D(2023, 12, 2)), ("W1", "allocated", D(2023, 12, 10)),
    ("W1", "initial_review", D(2024, 1, 1)), ("W1", "quality_assurance", D(2024, 7, 15)),
    ("W2", "awaiting_allocation", D(2024, 1, 2)), ("W2", "allocated", D(2024, 1, 5)),
    ("W2", "initial_review", D(2024, 1, 6)), ("W2", "on_hold", D(2024, 3, 1)),
    ("C1", "awaiting_allocation", D(2023, 11, 2)), ("C1", "completed", D(2024, 4, 20)),
    ("X1", "awaiting_allocation", D(2024, 2, 2)), ("X1", "allocated", D(2024, 3, 1)),
    ("X1", "initial_review", D(2024, 3, 2)), ("X1", "quality_assurance", D(2024, 6, 1)),
    ("X1", "completed", D(2024, 7, 10)),
    ("X2", "awaiting_allocation", D(2024, 7, 5)), ("X2", "allocated", D(2024, 7, 8)),
]  # fmt: skip
N5_TODAY = {**NOTIFIED[4], "state": "allocated", "allocated_on": D(2024, 7, 2)}
NOTIFIED_TODAY = [*NOTIFIED[:4], N5_TODAY]
WAITING_TODAY = [
    *NOTIFIED_TODAY,
    *WAITING[5:],
    {"reference": "X1", "icb": "QK1", "state": "completed", "notified_on": D(2024, 2, 1),
     "completed_on": D(2024, 7, 10)},
    {"reference": "X2", "icb": "QMJ", "state": "allocated", "notified_on": D(2024, 3, 1),
     "allocated_on": D(2024, 7, 8)},
]  # fmt: skip


def _events():
    from leder.analytics.extract import EVENT_SCHEMA

    rows = [(ref, state, day, i) for i, (ref, state, day) in enumerate(EVENTS_ON)]
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row")


def _table(events):
    return quarter_table(NOTIFIED_TODAY, WAITING_TODAY, events)


def test_states_on_a_day_come_from_the_last_transition_by_then():
    deaths = frame_from_rows(WAITING_TODAY, DEATH_SCHEMA)
    on = dict(states_on(deaths, _events(), D(2024, 6, 30)).select("reference", "state").rows())
    assert on == {
        "N1": "initial_review", "N2": "allocated", "N3": "notified", "N4": "initial_review",
        "N5": "notified", "W1": "initial_review", "W2": "on_hold", "X1": "quality_assurance",
        "X2": "notified", "C1": "completed",
    }  # fmt: skip
    # A transition on the day itself counts (C1 completed on 20 April).
    c1 = frame_from_rows([COMPLETED[0]], DEATH_SCHEMA)
    assert states_on(c1, _events(), D(2024, 4, 20))["state"].to_list() == ["completed"]
    assert states_on(c1, _events(), D(2024, 4, 19))["state"].to_list() == ["awaiting_allocation"]


def test_a_past_quarters_backlog_is_the_one_open_on_its_last_day():
    today_view = _table(None)
    history = _table(_events())
    # Today's states: QK1 N4, W1 (X1 is completed) → 2; QMJ N5, X2, W2 → 3; QHL N1, N2 → 2.
    assert [row(today_view, n)["backlog"] for n in ("Birmingham and Solihull",
            "Leicester, Leicestershire and Rutland", "North Central London", "England")] == [
        2, 2, 3, 7]  # fmt: skip
    # On 30 June: QK1 N4 (under 3), X1 (3 to 6), W1 (6 to 12) → 3; QMJ W2 only (3 to 6) → 1.
    qk1 = row(history, "Leicester, Leicestershire and Rutland")
    assert [qk1[c] for c in ("backlog_under_3", "backlog_3_to_6", "backlog_6_to_12")] == [1, 1, 1]
    qmj = row(history, "North Central London")
    assert (qmj["backlog_under_3"], qmj["backlog_3_to_6"], qmj["backlog"]) == (0, 1, 1)
    # N5 was neither triaged nor allocated on 30 June (today it is both).
    assert (qmj["triaged"], qmj["allocated"]) == (0, 0)
    assert (row(today_view, "North Central London")["allocated"]) == 1
    assert row(history, "England")["backlog"] == 2 + 3 + 1
    assert any("state on that day" in note for note in history.notes)
