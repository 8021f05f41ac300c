"""Who a figure is about (`Cohort`) and where (`Scope`).

Every published figure names its cohort: deaths in a year, notifications received in a year, or
reviews completed in a year, each over a calendar year (January to December) or a financial
year (April to March). The scope is an ICB, an NHS England region or England. Both are small
frozen values, so they can key a cache, go into the manifest and be compared.
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
        suffix = " (financial year)" if self.financial else ""
        return f"{_WHAT[self.kind]} in {self.year_label}{suffix}"

    def contains(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_before

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value,
            "starts_on": self.starts_on.isoformat(),
            "ends_before": self.ends_before.isoformat(),
            "financial": self.financial,
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
