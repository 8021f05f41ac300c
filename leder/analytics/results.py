"""What a metric returns: a small table with its name, cohort, definition and version, and the
layout disclosure control needs to protect it.

A dashboard or report shows `MetricResult.table` only after `disclosure.protect` (which returns a
`PublishedResult`); the raw table is for tests and for the identifiable case workspace.
"""

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class Layout:
    """How a table's numbers relate, so no suppressed count can be worked out from the others.

    - `labels`: the columns that name a row (the `block` column first, if any).
    - `counts`: every column holding counts of people (or of reviews, items, actions) or
      weighted counts; each cell 1 to threshold−1 is suppressed.
    - `partitions`: (parts, total) pairs: in every row, the parts add up to the total
      (e.g. (("under_65", "aged_65_plus"), "deaths")).
    - `row_total`: the last row of each block is the sum of the block's other rows, for every
      count column.
    - `block`: a column (or columns) splitting the table into independent sub-tables (e.g. "By
      sex", "By ethnic group"; or each population's "By sex"), each with its own total row when
      `row_total`.
    - `hidden`: count columns used only to protect the others (the complement in a
      partition): never published.
    - `row_sums`: (rows, total row) pairs of row indices: extra equations between rows, for every
      count column (e.g. grades 1 and 2 add up to the "grades 1–2" row, or a block's total row
      equals the "All" row).
    - `derived`: (column, sources) pairs: a rate, share, median or ratio that is suppressed when
      any of its source cells is. A source "total:<col>" is the block's total row's cell.
    """

    labels: tuple[str, ...]
    counts: tuple[str, ...]
    partitions: tuple[tuple[tuple[str, ...], str], ...] = ()
    row_total: bool = False
    block: str | tuple[str, ...] | None = None
    hidden: tuple[str, ...] = ()
    row_sums: tuple[tuple[tuple[int, ...], int], ...] = ()
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class MetricResult:
    """One metric computed for one extract."""

    key: str
    title: str
    version: str
    cohort: str  # the cohort's name ("Deaths in 2024")
    scope: str  # the scope's name ("England", "NHS Example ICB")
    definition: str  # what the figure is, for the report's notes (the function's docstring)
    table: pl.DataFrame
    layout: Layout
    notes: tuple[str, ...] = ()
    population: str = ""  # the population the figures are for, or that they combine both

    @property
    def published_columns(self) -> list[str]:
        return [c for c in self.table.columns if c not in self.layout.hidden]


@dataclass(frozen=True)
class PublishedResult:
    """A metric after disclosure control: safe to show outside the case workspace.

    `table` has the hidden columns removed and every suppressed value set to null; `suppressed`
    lists (row index, column) of those cells so a page can write "[c]" (or "fewer than 5")
    rather than a blank, and explain it."""

    metric: MetricResult
    table: pl.DataFrame
    suppressed: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    threshold: int = 5

    SUPPRESSED = "[c]"

    @property
    def key(self) -> str:
        return self.metric.key

    def is_suppressed(self, row: int, column: str) -> bool:
        return (row, column) in self.suppressed

    def rows(self) -> list[dict]:
        """The table as dicts, with suppressed cells as "[c]", for templates and downloads."""
        out = []
        for index, row in enumerate(self.table.iter_rows(named=True)):
            out.append(
                {
                    name: self.SUPPRESSED if (index, name) in self.suppressed else value
                    for name, value in row.items()
                }
            )
        return out
