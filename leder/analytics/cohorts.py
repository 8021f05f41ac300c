"""Who a figure is about (`Cohort`) and where (`Scope`).

Every published figure names its cohort: deaths in a year, notifications received in a year, or
reviews completed in a year, each over a calendar year (January to December) or a financial
year (April to March), or over a month or a quarter (calendar quarters, or the financial
quarters NHS England collects: Q1 is April to June). The scope is an ICB, an NHS England region
or England. Both are small frozen values, so they can key a cache, go into the manifest and be
compared.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CohortKind(StrEnum):
    DEATHS = "deaths"  # date of death in the period
    NOTIFICATIONS = "notifications"  # notification received (Europe/London date) in the period
    COMPLETED = "completed"  # review signed off (the case completed) in the period


class ScopeKind(StrEnum):
    ICB = "icb"
    REGION = "region"
    ENGLAND = "england"


_WHAT = {
    CohortKind.DEATHS: "Deaths",
    CohortKind.NOTIFICATIONS: "Notifications received",
    CohortKind.COMPLETED: "Reviews completed",
}


@dataclass(frozen=True)
class Cohort:
    """`kind` over the half-open period [`starts_on`, `ends_before`)."""

    kind: CohortKind
    starts_on: date
    ends_before: date
    financial: bool = False
    period: str = "year"  # year / quarter / month

    @classmethod
    def for_month(cls, kind: CohortKind | str, year: int, month: int) -> "Cohort":
        """The calendar month `month` of `year`."""
        after = date(year + month // 12, month % 12 + 1, 1)
        return cls(CohortKind(kind), date(year, month, 1), after, False, "month")

    @classmethod
    def for_quarter(
        cls, kind: CohortKind | str, year: int, quarter: int, *, financial: bool = False
    ) -> "Cohort":
        """Quarter 1–4 of the calendar year `year`, or of the financial year starting in April
        of `year` (financial Q1 2025 = April to June 2025, Q4 = January to March 2026)."""
        if quarter not in (1, 2, 3, 4):
            raise ValueError("A quarter is 1, 2, 3 or 4")
        first = (quarter - 1) * 3 + (4 if financial else 1)
        start = date(year + (first - 1) // 12, (first - 1) % 12 + 1, 1)
        after_month = first + 3
        after = date(year + (after_month - 1) // 12, (after_month - 1) % 12 + 1, 1)
        return cls(CohortKind(kind), start, after, financial, "quarter")

    @property
    def quarter(self) -> int | None:
        if self.period != "quarter":
            return None
        offset = 4 if self.financial else 1
        return ((self.starts_on.month - offset) % 12) // 3 + 1

    @classmethod
    def for_year(cls, kind: CohortKind | str, year: int, *, financial: bool = False) -> "Cohort":
        """A calendar year, or the financial year starting in April of `year` (2024 → April
        2024 to March 2025)."""
        if financial:
            return cls(CohortKind(kind), date(year, 4, 1), date(year + 1, 4, 1), True)
        return cls(CohortKind(kind), date(year, 1, 1), date(year + 1, 1, 1), False)

    @classmethod
    def deaths_in(cls, year: int, *, financial: bool = False) -> "Cohort":
        return cls.for_year(CohortKind.DEATHS, year, financial=financial)

    @classmethod
    def notifications_in(cls, year: int, *, financial: bool = False) -> "Cohort":
        return cls.for_year(CohortKind.NOTIFICATIONS, year, financial=financial)

    @classmethod
    def completed_in(cls, year: int, *, financial: bool = False) -> "Cohort":
        return cls.for_year(CohortKind.COMPLETED, year, financial=financial)

    @property
    def year_label(self) -> str:
        if self.period == "month":
            return f"{self.starts_on:%B %Y}"
        if self.period == "quarter":
            last = date.fromordinal(self.ends_before.toordinal() - 1)
            span = f"{self.starts_on:%B} to {last:%B %Y}"
            year = (
                self.starts_on.year
                if not self.financial or self.starts_on.month >= 4
                else (self.starts_on.year - 1)
            )
            which = (
                f"{year} to {year + 1} Q{self.quarter}"
                if self.financial
                else (f"{year} Q{self.quarter}")
            )
            return f"{span} ({which})"
        if self.financial:
            return f"{self.starts_on.year} to {self.starts_on.year + 1}"
        if (self.starts_on.month, self.starts_on.day) == (1, 1) and (
            self.ends_before == date(self.starts_on.year + 1, 1, 1)
        ):
            return str(self.starts_on.year)
        return f"{self.starts_on:%-d %B %Y} to {self.ends_before:%-d %B %Y}"

    @property
    def name(self) -> str:
        """For people: "Deaths in 2024", "Reviews completed in 2024 to 2025 (financial year)"."""
        suffix = " (financial year)" if self.financial and self.period == "year" else ""
        return f"{_WHAT[self.kind]} in {self.year_label}{suffix}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_before

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value,
            "starts_on": self.starts_on.isoformat(),
            "ends_before": self.ends_before.isoformat(),
            "financial": self.financial,
            "period": self.period,
            "name": self.name,
        }


@dataclass(frozen=True)
class Scope:
    """An ICB or region by its ODS code, or England (code "")."""

    kind: ScopeKind
    code: str = ""
    name: str = "England"

    @classmethod
    def england(cls) -> "Scope":
        return cls(ScopeKind.ENGLAND)

    @classmethod
    def of(cls, organisation) -> "Scope":
        """The scope of an ICB or region `Organisation`."""
        kind = ScopeKind(organisation.kind)
        if kind == ScopeKind.ENGLAND:
            raise ValueError("Use Scope.england() for England")
        return cls(kind, organisation.ods_code, organisation.display_name)

    def as_dict(self) -> dict:
        return {"kind": self.kind.value, "code": self.code, "name": self.name}
