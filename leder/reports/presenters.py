"""Presenters for published figures: a figure as a page or report shows it (title, cohort,
definition version, chart and table), and reconciliation failures. The table itself is
`leder.reports.tables` (charts read it too, so neither imports the other)."""

from dataclasses import dataclass

from leder.analytics.results import PublishedResult
from leder.core.presenters import count as count_text
from leder.reports.charts import render_chart
from leder.reports.tables import SUPPRESSION_NOTE, FigureTable, figure_table


@dataclass(frozen=True)
class Figure:
    """One metric as a page or report shows it: title, cohort, definition version, chart and
    table, and the notes under it."""

    published: PublishedResult
    table: FigureTable
    chart: object | None  # charts.Chart

    @property
    def key(self) -> str:
        return self.published.key

    @property
    def title(self) -> str:
        return self.published.metric.title

    @property
    def cohort(self) -> str:
        return self.published.metric.cohort

    @property
    def scope(self) -> str:
        return self.published.metric.scope

    @property
    def version(self) -> str:
        return self.published.metric.version

    @property
    def definition(self) -> str:
        return " ".join(self.published.metric.definition.split())

    @property
    def population(self) -> str:
        """Whom the figure is about: each population separately, one, or both combined."""
        return self.published.metric.population

    @property
    def notes(self) -> tuple[str, ...]:
        return self.published.metric.notes

    @property
    def has_suppressed(self) -> bool:
        return bool(self.published.suppressed)

    @property
    def suppression_note(self) -> str:
        return SUPPRESSION_NOTE.format(limit=self.published.threshold)

    @property
    def caption(self) -> str:
        return f"{self.title}: {self.cohort}, {self.scope}"

    @property
    def anchor(self) -> str:
        return f"figure-{self.key.replace('_', '-')}"


def figure(published: PublishedResult, *, with_chart: bool = True, prefix: str = "") -> Figure:
    chart = render_chart(published, prefix=f"{prefix}chart-{published.key}") if with_chart else None
    return Figure(published, figure_table(published), chart)


@dataclass(frozen=True)
class FailedCheck:
    description: str
    detail: str
    references: tuple[str, ...]  # empty when the user may not see them
    record_count: int

    @property
    def records_text(self) -> str:
        return count_text(self.record_count, "record")


@dataclass(frozen=True)
class ReconciliationFailure:
    """Why figures are withheld: the failed checks, naming records only to those who may open
    them (see `selectors.may_name_records`)."""

    checks: tuple[FailedCheck, ...]
    may_name: bool

    @classmethod
    def from_dicts(cls, failures: list[dict], *, may_name: bool) -> "ReconciliationFailure":
        checks = tuple(
            FailedCheck(
                description=f["description"],
                detail=f.get("detail", ""),
                references=tuple(f.get("references", ())) if may_name else (),
                record_count=len(f.get("references", ())),
            )
            for f in failures
            if not f.get("passed")
        )
        return cls(checks, may_name)

    @classmethod
    def of(cls, failed, *, may_name: bool) -> "ReconciliationFailure":
        """From a `ReconciliationFailed` exception."""
        return cls.from_dicts([f.as_dict() for f in failed.failures], may_name=may_name)
