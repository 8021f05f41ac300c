"""Disclosure control: small counts are hidden and cannot be worked out from what is shown.

The property tests attack the published table the way a reader could: every row, column and
total is an equation; solve exactly (rational Gaussian elimination, independent of the numpy
method the module uses) for the suppressed cells and check none is pinned to one value.
"""

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.analytics import disclosure
from leder.analytics.results import Layout, MetricResult


def result(table: pl.DataFrame, layout: Layout) -> MetricResult:
    return MetricResult("t", "Test", "1", "Deaths in 2024", "England", "", table, layout)


def grid_table(grid: list[list[int]]) -> tuple[pl.DataFrame, Layout]:
    """A rows × columns table with a total column and a total row, as a metric lays it out."""
    columns = [f"c{j}" for j in range(len(grid[0]))]
    body = [[*row, sum(row)] for row in grid]
    total = [sum(col) for col in zip(*body, strict=True)]
    data = {"label": [f"r{i}" for i in range(len(grid))] + ["Total"]}
    for j, name in enumerate([*columns, "total"]):
        data[name] = [row[j] for row in [*body, total]]
    layout = Layout(
        labels=("label",),
        counts=(*columns, "total"),
        partitions=((tuple(columns), "total"),),
        row_total=True,
    )
    return pl.DataFrame(data), layout


def equations_of(table: pl.DataFrame, layout: Layout) -> list[list[tuple[int, str, int]]]:
    """(row, column, coefficient) terms that sum to zero: each row and each column."""
    parts = list(layout.partitions[0][0])
    out = []
    for r in range(table.height):
        out.append([(r, c, 1) for c in parts] + [(r, "total", -1)])
    for c in layout.counts:
        out.append([(r, c, 1) for r in range(table.height - 1)] + [(table.height - 1, c, -1)])
    return out


def pinned(published, equations) -> set[tuple[int, str]]:
    """The suppressed cells a reader can compute exactly from the shown cells."""
    unknown = sorted(published.suppressed)
    index = {cell: i for i, cell in enumerate(unknown)}
    rows = []
    for terms in equations:
        coefficients = [Fraction(0)] * len(unknown)
        constant = Fraction(0)
        for r, c, k in terms:
            if (r, c) in index:
                coefficients[index[(r, c)]] += k
            else:
                constant -= k * published.table[c][r]
        if any(coefficients):
            rows.append([*coefficients, constant])
    # reduced row echelon form
    pivot_row = 0
    pivots = []
    for col in range(len(unknown)):
        found = next((i for i in range(pivot_row, len(rows)) if rows[i][col] != 0), None)
        if found is None:
            continue
        rows[pivot_row], rows[found] = rows[found], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [v / lead for v in rows[pivot_row]]
        for i in range(len(rows)):
            if i != pivot_row and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[pivot_row], strict=True)]
        pivots.append((pivot_row, col))
        pivot_row += 1
    fixed = set()
    for row, col in pivots:
        if all(rows[row][j] == 0 for j in range(len(unknown)) if j != col):
            fixed.add(unknown[col])
    return fixed


grids = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(grid=grids, limit=st.sampled_from([3, 5, 10]))
def test_no_suppressed_value_can_be_recovered_from_a_table_with_totals(grid, limit):
    table, layout = grid_table(grid)
    published = disclosure.protect(result(table, layout), limit=limit)
    # every small count is hidden
    for column in layout.counts:
        for r, value in enumerate(table[column].to_list()):
            if 0 < value < limit:
                assert published.is_suppressed(r, column)
                assert published.table[column][r] is None
    # and nothing hidden can be solved for, alone or together
    assert not pinned(published, equations_of(table, layout))
    # in particular no row or column has exactly one hidden cell
    for terms in equations_of(table, layout):
        assert sum((r, c) in published.suppressed for r, c, _ in terms) != 1


@settings(max_examples=200, deadline=None)
@given(grades=st.lists(st.one_of(st.integers(0, 4), st.integers(0, 40)), min_size=6, max_size=6))
def test_grade_bands_do_not_reveal_single_grades(grades):
    from leder.analytics import metrics
    from leder.analytics.tests.conftest import make_extract

    deaths = [
        {"reference": f"R{g}-{i}", "state": "completed", "grade": g}
        for g, n in zip(range(1, 7), grades, strict=True)
        for i in range(n)
    ]
    published = disclosure.protect(metrics.grading(make_extract(deaths)), limit=5)
    table = published.table
    # bands are sums of two grades (rows 0–5 → 7, 8, 9); both totals equal (6, 10); a block's
    # grades add up to its total.
    equations = [[(a, "reviews", 1), (b, "reviews", 1), (band, "reviews", -1)]
                 for a, b, band in ((0, 1, 7), (2, 3, 8), (4, 5, 9))]  # fmt: skip
    equations.append([(6, "reviews", 1), (10, "reviews", -1)])
    equations.append([(r, "reviews", 1) for r in range(6)] + [(6, "reviews", -1)])
    equations.append([(r, "reviews", 1) for r in (7, 8, 9)] + [(10, "reviews", -1)])
    assert not pinned(published, equations)
    for row, value in enumerate(metrics.grading(make_extract(deaths)).table["reviews"]):
        if 0 < value < 5:
            assert table["reviews"][row] is None


def test_a_small_count_and_its_neighbour_are_hidden_and_the_total_is_kept():
    # 1-D: 3 (primary) forces the smallest other non-zero cell, 7, to be hidden too.
    table = pl.DataFrame({"label": ["a", "b", "c", "Total"], "n": [3, 7, 20, 30]})
    layout = Layout(labels=("label",), counts=("n",), row_total=True)
    published = disclosure.protect(result(table, layout), limit=5)
    assert published.table["n"].to_list() == [None, None, 20, 30]
    assert published.rows()[0]["n"] == "[c]"


def test_zero_is_shown_and_not_picked_for_secondary_suppression():
    table = pl.DataFrame({"label": ["a", "b", "c", "Total"], "n": [2, 0, 9, 11]})
    layout = Layout(labels=("label",), counts=("n",), row_total=True)
    assert disclosure.protect(result(table, layout), limit=5).table["n"].to_list() == [
        None,
        0,
        None,
        11,
    ]


def test_rates_on_suppressed_counts_are_suppressed():
    table = pl.DataFrame({"label": ["a", "b", "Total"], "n": [2, 8, 10], "share": [0.2, 0.8, 1.0]})
    layout = Layout(
        labels=("label",),
        counts=("n",),
        row_total=True,
        derived=(("share", ("n", "total:n")),),
    )
    published = disclosure.protect(result(table, layout), limit=5)
    assert published.table["share"].to_list() == [None, None, 1.0]


def test_hidden_complement_protects_a_small_difference():
    # 12 deaths, 10 under 65: the 2 aged 65 or over would follow by subtraction.
    table = pl.DataFrame({"g": ["All"], "deaths": [12], "under_65": [10], "older": [2]})
    layout = Layout(
        labels=("g",),
        counts=("deaths", "under_65", "older"),
        partitions=((("under_65", "older"), "deaths"),),
        hidden=("older",),
    )
    published = disclosure.protect(result(table, layout), limit=5)
    assert "older" not in published.table.columns
    assert published.table["under_65"].to_list() == [None]
    assert published.table["deaths"].to_list() == [12]


def test_threshold_comes_from_settings(settings):
    table = pl.DataFrame({"label": ["a", "Total"], "n": [7, 7]})
    layout = Layout(labels=("label",), counts=("n",))
    assert disclosure.protect(result(table, layout)).table["n"].to_list() == [7, 7]
    settings.LEDER_DISCLOSURE_THRESHOLD = 10
    assert disclosure.threshold() == 10
    assert disclosure.protect(result(table, layout)).table["n"].to_list() == [None, None]


@pytest.mark.parametrize("values", [[0, 0, 0], [5, 6, 11]])
def test_nothing_to_hide_leaves_the_table_alone(values):
    table = pl.DataFrame({"label": ["a", "b", "Total"], "n": values})
    layout = Layout(labels=("label",), counts=("n",), row_total=True)
    published = disclosure.protect(result(table, layout), limit=5)
    assert published.table["n"].to_list() == values
    assert not published.suppressed


def test_the_attack_finds_a_value_hidden_by_primary_suppression_alone():
    """The checker used above can fail: with only the 3 hidden, total − 7 − 20 gives it."""
    from leder.analytics.results import PublishedResult

    table = pl.DataFrame({"label": ["a", "b", "c", "Total"], "n": [None, 7, 20, 30]})
    naive = PublishedResult(None, table, frozenset({(0, "n")}), 5)
    equations = [[(0, "n", 1), (1, "n", 1), (2, "n", 1), (3, "n", -1)]]
    assert pinned(naive, equations) == {(0, "n")}
