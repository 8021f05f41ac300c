"""Forms of the dashboards and the annual reports."""

from django import forms

from leder.analytics.cohorts import Cohort, CohortKind
from leder.core.fields import text_box
from leder.core.time import today

FIRST_YEAR = 2018  # the programme's data in this system start with deaths in 2018

COHORT_CHOICES = [
    (CohortKind.DEATHS.value, "Deaths in the year"),
    (CohortKind.NOTIFICATIONS.value, "Notifications received in the year"),
    (CohortKind.COMPLETED.value, "Reviews completed in the year"),
]
PERIOD_CHOICES = [("calendar", "Calendar year (January to December)"),
                  ("financial", "Financial year (April to March)")]  # fmt: skip

#: Narrative sections the ICB writes for its annual report, in report order.
NARRATIVE_SECTIONS = (
    ("introduction", "Introduction", "Who this report is for and what LeDeR does in your area."),
    ("what_we_learned", "What we learned", "The main things the reviews this year told you."),
    ("actions_taken", "Actions taken", "What changed as a result of the reviews."),
    ("next_steps", "Next steps", "What you will do next year."),
    ("easy_read_summary", "Easy read summary",
     "Optional. Short sentences in plain words, one idea a line. Added to the easy read "
     "version as it is written."),
)  # fmt: skip
NARRATIVE_MAX_LENGTH = 10_000


def year_choices() -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in range(today().year, FIRST_YEAR - 1, -1)]


def default_year() -> int:
    """The last complete year: an annual figure of a year still running would mislead."""
    return today().year - 1


class FigureFilterForm(forms.Form):
    """The dashboard's filters (a GET form: the page works without JavaScript)."""

    year = forms.TypedChoiceField(label="Year", coerce=int, choices=year_choices)
    period = forms.ChoiceField(label="Kind of year", choices=PERIOD_CHOICES)
    cohort = forms.ChoiceField(label="Who the figures are about", choices=COHORT_CHOICES)

    def __init__(self, data=None, **kwargs):
        defaults = {"year": str(default_year()), "period": "calendar", "cohort": "deaths"}
        merged = {**defaults, **{k: v for k, v in (data or {}).items() if k in defaults}}
        super().__init__(merged, **kwargs)
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Select a year from {FIRST_YEAR} to {today().year}"
        )
        self.fields["period"].error_messages["invalid_choice"] = "Select a kind of year"
        self.fields["cohort"].error_messages["invalid_choice"] = "Select who the figures are about"

    def cohort_value(self) -> Cohort:
        data = self.cleaned_data
        return Cohort.for_year(
            data["cohort"], data["year"], financial=data["period"] == "financial"
        )


class ReportCreateForm(forms.Form):
    """A new annual report: which year, which cohort. The area is chosen by the page."""

    year = forms.TypedChoiceField(label="Year", coerce=int, choices=year_choices)
    period = forms.ChoiceField(
        label="Kind of year", choices=PERIOD_CHOICES, widget=forms.RadioSelect, initial="calendar"
    )
    cohort = forms.ChoiceField(
        label="Who the figures are about",
        choices=COHORT_CHOICES,
        widget=forms.RadioSelect,
        initial="deaths",
    )
    area = forms.ChoiceField(label="Area")

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas
        self.fields["year"].initial = str(default_year())
        if len(areas) == 1:
            self.fields["area"].initial = areas[0][0]
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Select a year from {FIRST_YEAR} to {today().year}"
        )
        self.fields["area"].error_messages["invalid_choice"] = "Select an area from the list"
        self.fields["area"].error_messages["required"] = "Select the area of the report"


class NarrativeForm(forms.Form):
    """The sections the ICB writes for its report."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label, hint in NARRATIVE_SECTIONS:
            self.fields[key] = text_box(
                label,
                help_text=hint,
                rows=6,
                max_length=NARRATIVE_MAX_LENGTH,
                too_long=f"{label} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer",
            )


QUARTER_CHOICES = [("1", "Quarter 1"), ("2", "Quarter 2"), ("3", "Quarter 3"),
                   ("4", "Quarter 4"), ("year", "The whole year")]  # fmt: skip


def last_complete_financial_quarter() -> tuple[int, int]:
    """(financial year, quarter) of the last quarter that has ended: NHS England's quarters
    run April–June (Q1) to January–March (Q4)."""
    day = today()
    index = (day.month - 4) % 12 // 3  # 0 = the quarter running now is Q1
    year = day.year if day.month >= 4 else day.year - 1
    if index == 0:
        return year - 1, 4
    return year, index


class PerformanceForm(forms.Form):
    """The national performance table's period: a quarter or a whole year, of a financial year
    (NHS England's quarterly collection) or a calendar year. A GET form."""

    year = forms.TypedChoiceField(label="Year", coerce=int, choices=year_choices)
    quarter = forms.ChoiceField(label="Quarter or year", choices=QUARTER_CHOICES)
    period = forms.ChoiceField(label="Kind of year", choices=PERIOD_CHOICES)

    def __init__(self, data=None, **kwargs):
        year, quarter = last_complete_financial_quarter()
        defaults = {"year": str(year), "quarter": str(quarter), "period": "financial"}
        merged = {**defaults, **{k: v for k, v in (data or {}).items() if k in defaults}}
        super().__init__(merged, **kwargs)
        self.fields["year"].error_messages["invalid_choice"] = (
            f"Select a year from {FIRST_YEAR} to {today().year}"
        )
        self.fields["quarter"].error_messages["invalid_choice"] = "Select a quarter or the year"
        self.fields["period"].error_messages["invalid_choice"] = "Select a kind of year"

    def period_value(self) -> Cohort:
        data = self.cleaned_data
        financial = data["period"] == "financial"
        if data["quarter"] == "year":
            return Cohort.for_year(CohortKind.NOTIFICATIONS, data["year"], financial=financial)
        return Cohort.for_quarter(
            CohortKind.NOTIFICATIONS, data["year"], int(data["quarter"]), financial=financial
        )

    def slug(self) -> str:
        data = self.cleaned_data
        kind = "fy" if data["period"] == "financial" else "cy"
        return f"{kind}{data['year']}-" + (
            "year" if data["quarter"] == "year" else f"q{data['quarter']}"
        )
