"""Disclosure control for every figure published outside the identifiable case workspace.

Rules (DOMAIN.md, "What the reports show"):

1. *Primary suppression*: a count from 1 to threshold−1 (default 1–4) is suppressed. Zero is
   shown. The threshold is `settings.LEDER_DISCLOSURE_THRESHOLD` (default 5).
2. *Secondary suppression*: a suppressed value must not be recoverable from the values still
   shown. Every row, column and total is a linear equation between the cells (parts add up to
   their total); a suppressed cell is recoverable when the equations and the shown cells fix its
   value. We first make sure no equation has exactly one suppressed cell (by also suppressing
   the smallest other non-zero cell in it, a total only when nothing else is left), then check
   the whole system exactly (a suppressed cell is fixed when its unit vector lies in the row
   space of the equations over the suppressed cells) and suppress more until none is fixed.
3. Rates, shares, medians and ratios built on a suppressed count are suppressed too.

The layout of each table (which columns are counts, what adds up to what) comes with the
metric's result (`results.Layout`), so this module knows nothing about individual metrics.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.conf import settings

from leder.analytics.results import MetricResult, PublishedResult

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    return int(getattr(settings, "LEDER_DISCLOSURE_THRESHOLD", DEFAULT_THRESHOLD))


def is_primary(value: float | None, limit: int) -> bool:
    return value is not None and 0 < value < limit


# --- the general problem: cells and the equations between them ---------------------------------


@dataclass(frozen=True)
class Equation:
    """sum(coefficient × cell) = 0 over the given cells (a total has coefficient −1)."""

    terms: tuple[tuple[int, int], ...]  # (cell index, coefficient)

    @property
    def cells(self) -> list[int]:
        return [cell for cell, _ in self.terms]


def _preference(cell: int, values: Sequence[float], totals: set[int]):
    """Order in which cells are picked for secondary suppression: interior cells before
    totals, non-zero before zero (suppressing a zero protects little), smallest first (least
    information lost), then position so the choice is deterministic."""
    value = values[cell]
    return (cell in totals, value == 0, value, cell)


def recoverable(
    values: Sequence[float], equations: Iterable[Equation], suppressed: set[int]
) -> set[int]:
    """The suppressed cells whose value the shown cells and the equations fix exactly.

    The unknowns x (suppressed cells) satisfy A·x = b. A cell i is fixed exactly when every
    solution agrees on x_i, that is when the null space of A is zero in coordinate i."""
    unknown = sorted(suppressed)
    if not unknown:
        return set()
    column = {cell: j for j, cell in enumerate(unknown)}
    rows = []
    for equation in equations:
        row = np.zeros(len(unknown))
        touched = False
        for cell, coefficient in equation.terms:
            if cell in column:
                row[column[cell]] += coefficient
                touched = True
        if touched:
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]  # rows spanning the null space
    if null_space.shape[0] == 0:
        return set(unknown)
    fixed = np.all(np.abs(null_space) < 1e-9, axis=0)
    return {unknown[j] for j in np.flatnonzero(fixed)}


def suppress(
    values: Sequence[float | None],
    equations: Sequence[Equation],
    *,
    limit: int,
    totals: Iterable[int] = (),
) -> set[int]:
    """The cells to suppress so that none of the primary ones can be worked out.

    `values` are the cells (None for a cell that is not a count and never shown as one),
    `equations` how they add up, `totals` which cells are totals (suppressed last)."""
    numbers = [0 if v is None else v for v in values]
    totals = set(totals)
    chosen = {i for i, v in enumerate(values) if is_primary(v, limit)}
    if not chosen:
        return chosen
    while True:
        changed = False
        for equation in equations:
            inside = [cell for cell in equation.cells if cell in chosen]
            if len(inside) == 1:
                others = [c for c in equation.cells if c not in chosen]
                if others:
                    chosen.add(min(others, key=lambda c: _preference(c, numbers, totals)))
                    changed = True
        if changed:
            continue
        fixed = recoverable(numbers, equations, chosen)
        if not fixed:
            return chosen
        cell = min(fixed)
        near = {c for e in equations if cell in e.cells for c in e.cells} - chosen
        candidates = near or (set(range(len(values))) - chosen)
        if not candidates:
            return chosen  # everything is suppressed: nothing more to hide
        chosen.add(min(candidates, key=lambda c: _preference(c, numbers, totals)))


# --- tables laid out by a metric ----------------------------------------------------------------


def _blocks(table: pl.DataFrame, block: str | tuple[str, ...] | None) -> list[list[int]]:
    if block is None or table.is_empty():
        return [list(range(table.height))]
    columns = (block,) if isinstance(block, str) else block
    values = zip(*(table.get_column(c).to_list() for c in columns), strict=True)
    order: dict[object, list[int]] = {}
    for index, value in enumerate(values):
        order.setdefault(value, []).append(index)
    return list(order.values())


def protect(result: MetricResult, *, limit: int | None = None) -> PublishedResult:
    """`result` made safe to publish: suppressed cells nulled and listed, hidden columns gone."""
    limit = threshold() if limit is None else limit
    layout = result.layout
    table = result.table
    cell_of: dict[tuple[int, str], int] = {}
    values: list[float | None] = []
    for column in layout.counts:
        for row, value in enumerate(table.get_column(column).to_list()):
            cell_of[(row, column)] = len(values)
            values.append(value)
    equations: list[Equation] = []
    totals: set[int] = set()
    total_row: dict[int, int] = {}  # row → its block's total row
    for rows in _blocks(table, layout.block):
        for parts, total in layout.partitions:
            for row in rows:
                terms = [(cell_of[(row, p)], 1) for p in parts] + [(cell_of[(row, total)], -1)]
                equations.append(Equation(tuple(terms)))
                totals.add(cell_of[(row, total)])
        if layout.row_total and len(rows) > 1:
            *body, last = rows
            for row in rows:
                total_row[row] = last
            for column in layout.counts:
                terms = [(cell_of[(r, column)], 1) for r in body] + [(cell_of[(last, column)], -1)]
                equations.append(Equation(tuple(terms)))
                totals.add(cell_of[(last, column)])
        else:
            for row in rows:
                total_row[row] = rows[-1]
    for rows, total in layout.row_sums:
        for column in layout.counts:
            terms = [(cell_of[(r, column)], 1) for r in rows] + [(cell_of[(total, column)], -1)]
            equations.append(Equation(tuple(terms)))
            totals.add(cell_of[(total, column)])
    # A cell that is not a number (a share row's numerator in a table of medians) takes part in
    # no equation.
    equations = [e for e in equations if all(values[c] is not None for c in e.cells)]
    chosen = suppress(values, equations, limit=limit, totals=totals)
    hidden_cells = {(row, column) for (row, column), cell in cell_of.items() if cell in chosen}
    for column, sources in layout.derived:
        for row in range(table.height):
            for source in sources:
                name = source.removeprefix("total:")
                at = total_row.get(row, row) if source.startswith("total:") else row
                if (at, name) in hidden_cells:
                    hidden_cells.add((row, column))
                    break
    published = [c for c in table.columns if c not in layout.hidden]
    out = table.select(published).with_row_index("_row")
    for column in published:
        rows_out = sorted(row for row, name in hidden_cells if name == column)
        if rows_out:
            out = out.with_columns(
                pl.when(pl.col("_row").is_in(rows_out))
                .then(None)
                .otherwise(pl.col(column))
                .alias(column)
            )
    suppressed = frozenset((row, col) for row, col in hidden_cells if col in published)
    return PublishedResult(result, out.drop("_row"), suppressed, limit)
