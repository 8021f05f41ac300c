"""The table a page, a report, a chart and a download all show of a published figure.

A `FigureTable` is built once from a `PublishedResult` and is the single source of the
headings and cells; the HTML table, the CSV and the XLSX are three drawings of it, so they
cannot disagree. Each cell has the text shown (`text`) and the value exported to a
spreadsheet (`value`, rounded as shown). Suppressed cells are "[c]" everywhere.
"""

from dataclasses import dataclass, field

from leder.analytics.results import PublishedResult
from leder.core.presenters import count as count_text

SUPPRESSED = PublishedResult.SUPPRESSED
NO_FIGURE = "–"
SUPPRESSION_NOTE = (
    "[c] means the figure is hidden to protect people's privacy: it is fewer than {limit}, or "
    "it could be used to work out a number fewer than {limit}."
)

# Kinds of column: how a value is written.
TEXT, COUNT, WEIGHTED, PERCENT, DECIMAL, RATIO = (
    "text",
    "count",
    "weighted",
    "percent",
    "1dp",
    "2dp",
)

#: column → (heading, kind). Headings name the unit, so a download is clear on its own.
COLUMNS: dict[str, tuple[str, str]] = {
    "dimension": ("Breakdown", TEXT),
    "group": ("Group", TEXT),
    "label": ("Measure", TEXT),
    "deaths": ("Deaths", COUNT),
    "median": ("Median", DECIMAL),
    "q1": ("25th percentile", DECIMAL),
    "q3": ("75th percentile", DECIMAL),
    "under_65": ("Deaths under 65", COUNT),
    "share_under_65": ("Share under 65 (%)", PERCENT),
    "share": ("Share (%)", PERCENT),
    "chapter": ("ICD-10 chapter", TEXT),
    "title": ("Cause of death", TEXT),
    "covid": ("COVID-19 deaths", COUNT),
    "share_covid": ("Share COVID-19 (%)", PERCENT),
    "avoidable": ("Avoidable deaths", WEIGHTED),
    "preventable": ("Preventable (weighted)", WEIGHTED),
    "treatable": ("Treatable (weighted)", WEIGHTED),
    "share_avoidable": ("Share avoidable (%)", PERCENT),
    "grade": ("Grade", TEXT),
    "reviews": ("Reviews", COUNT),
    "theme": ("Theme", TEXT),
    "good_practice": ("Good practice", COUNT),
    "improvement": ("Areas for improvement", COUNT),
    "concern": ("Concerns", COUNT),
    "items": ("Pieces of learning", COUNT),
    "actions": ("Actions", COUNT),
    "cases": ("Cases", COUNT),
    "completed": ("Reviews completed", COUNT),
    "within": ("Within 6 months", COUNT),
    "share_within": ("Share within 6 months (%)", PERCENT),
    "held": ("Of which due date moved by time on hold", COUNT),
    "age": ("Time since notification", TEXT),
    "ethnic_group": ("Ethnic group", TEXT),
    "population_share": ("Share of the population (%)", PERCENT),
    "deaths_per_1000": ("Deaths a year per 1,000", DECIMAL),
    "expected": ("Expected deaths", DECIMAL),
    "notified": ("Notified deaths", COUNT),
    "ratio": ("Notified ÷ expected", RATIO),
    "leder": ("LeDeR deaths in the population", DECIMAL),
    "general_population": ("General population", DECIMAL),
    "difference": ("Difference", DECIMAL),
    "source": ("Source", TEXT),
    # The national performance table (analytics.performance) and the national metrics.
    "level": ("Level", TEXT),
    "code": ("ODS code", TEXT),
    "name": ("Area", TEXT),
    "region": ("Region", TEXT),
    "triaged": ("Triaged", COUNT),
    "allocated": ("Allocated", COUNT),
    "allocated_within": ("Allocated within the standard", COUNT),
    "share_allocated_within": ("Share allocated within the standard (%)", PERCENT),
    "within_6_months": ("Completed within 6 months", COUNT),
    "median_days": ("Median days to completion", DECIMAL),
    "backlog_under_3": ("Backlog: under 3 months", COUNT),
    "backlog_3_to_6": ("Backlog: 3 to 6 months", COUNT),
    "backlog_6_to_12": ("Backlog: 6 to 12 months", COUNT),
    "backlog_12_plus": ("Backlog: 12 months or more", COUNT),
    "backlog": ("Backlog: total", COUNT),
    "breakdown": ("Breakdown", TEXT),
    "population": ("Population", TEXT),
    "profiled": ("Deaths with a recorded profile", COUNT),
    "with_condition": ("With the condition", COUNT),
    "question": ("Question", TEXT),
    "answered": ("Answered yes or no", COUNT),
    "yes": ("Yes", COUNT),
    "not_known": ("Not known", COUNT),
    "rate": ("Rate (%)", PERCENT),
}

#: Per metric: columns not shown (machine keys), and headings that differ from `COLUMNS`.
HIDDEN = {"state", "place", "measure", "question"}
HEADINGS: dict[str, dict[str, str]] = {
    "counts_by_state": {"label": "Stage of review"},
    "place_of_death": {"label": "Place of death"},
    "covid_deaths": {"deaths": "Deaths counted"},
    "median_age": {"median": "Median age (years)"},
    "time_to_allocation": {"median": "Median (days)", "q1": "25th percentile (days)",
                           "q3": "75th percentile (days)"},
    "avoidable_deaths": {"deaths": "Adults with a known cause"},
    "actions": {"label": "Actions"},
    "general_population": {"deaths": "Deaths counted"},
    "national_performance": {"notified": "Notified", "completed": "Completed",
                             "expected": "Expected deaths", "ratio": "Notified ÷ expected"},
}  # fmt: skip
# In the general-population table the "share" row holds shares, the other row ages.
_ROW_PERCENT = {"general_population": ("measure", "share_", ("leder", "general_population",
                                                             "difference"))}  # fmt: skip


@dataclass(frozen=True)
class Cell:
    text: str
    value: object  # what a spreadsheet holds: a number rounded as shown, text, or None
    numeric: bool = False
    suppressed: bool = False


@dataclass(frozen=True)
class FigureTable:
    headings: list[str]
    rows: list[list[Cell]]
    numeric: list[bool] = field(default_factory=list)
    # The result's column behind each heading (a chart finds its cells by them).
    columns: list[str] = field(default_factory=list)

    def cell(self, row: int, column: str) -> Cell | None:
        """The cell of `column` in row `row` as shown, or None if the column is not shown."""
        if column not in self.columns:
            return None
        return self.rows[row][self.columns.index(column)]

    def text_rows(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]

    def value_rows(self) -> list[list[object]]:
        return [[cell.value for cell in row] for row in self.rows]


def _format(value, kind: str) -> Cell:
    if value is None:
        return Cell(NO_FIGURE, None, kind != TEXT)
    if kind == TEXT:
        return Cell(str(value), str(value))
    if kind == COUNT:
        number = int(value)
        return Cell(count_text(number), number, True)
    if kind == PERCENT:
        number = round(float(value) * 100, 1)
        return Cell(f"{number:.1f}", number, True)
    if kind == RATIO:
        number = round(float(value), 2)
        return Cell(f"{number:.2f}", number, True)
    number = round(float(value), 1)  # WEIGHTED and DECIMAL
    return Cell(f"{number:,.1f}", number, True)


def _heading(key: str, column: str) -> str:
    return HEADINGS.get(key, {}).get(column) or COLUMNS.get(column, (column, TEXT))[0]


def _without_population(breakdown: str, population: str) -> str:
    """A national table's block name without the population its own column names."""
    if breakdown == population:  # the table has one block per population
        return "All"
    rest = breakdown.removeprefix(f"{population}: ")
    if rest == breakdown:
        return breakdown
    return rest[:1].upper() + rest[1:]


def figure_table(published: PublishedResult) -> FigureTable:
    """The table of a published metric, as shown everywhere."""
    key = published.key
    columns = [c for c in published.table.columns if c not in HIDDEN]
    if key == "actions":
        columns = ["label", "actions"]
    kinds = {c: COLUMNS.get(c, (c, TEXT))[1] for c in columns}
    row_rule = _ROW_PERCENT.get(key)
    rows = []
    for index, row in enumerate(published.table.iter_rows(named=True)):
        cells = []
        for column in columns:
            if published.is_suppressed(index, column):
                cells.append(Cell(SUPPRESSED, SUPPRESSED, True, True))
                continue
            kind = kinds[column]
            if column == "chapter" and row[column] == "total":
                cells.append(Cell("All chapters", "All chapters"))
                continue
            if row_rule and column in row_rule[2] and str(row[row_rule[0]]).startswith(row_rule[1]):
                kind = PERCENT
            if column == "breakdown" and row.get("population"):
                # "People with a learning disability: region" beside its population: "Region".
                cells.append(_format(_without_population(row[column], row["population"]), kind))
                continue
            cells.append(_format(row[column], kind))
        rows.append(cells)
    return FigureTable(
        headings=[_heading(key, c) for c in columns],
        rows=rows,
        numeric=[kinds[c] != TEXT for c in columns],
        columns=columns,
    )
