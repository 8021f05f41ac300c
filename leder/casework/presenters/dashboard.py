"""How the dashboards and the escalation list read: each figure with a plain label, counts with
`core.presenters.count`, waits in days, and links to the case list only for people who can see
the cases behind a count (local area contacts and senior reviewers of that ICB)."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from markupsafe import Markup, escape

from leder.casework.deadlines import DueStatus
from leder.casework.models import CaseState, HoldKind
from leder.casework.selectors.dashboard import Figures
from leder.core.presenters import count, date_long

NONE_WAITING = "None waiting"
# A figure's explanation, under it in smaller, secondary text.
DETAIL_HTML = '{}<br><span class="nhsuk-u-secondary-text-colour nhsuk-u-font-size-16">{}</span>'


def case_list_href(*, icb_id: int, **params) -> str:
    """The case list filtered by `params` (lists repeat: `due=["overdue", "long_overdue"]`) for
    one ICB."""
    return f"{reverse('casework:case_list')}?{urlencode({**params, 'icb': icb_id}, doseq=True)}"


def wait_days(oldest: date | None, *, today: date) -> int | None:
    return None if oldest is None else (today - oldest).days


def wait_text(oldest: date | None, *, today: date) -> str:
    days = wait_days(oldest, today=today)
    return NONE_WAITING if days is None else count(days, "day")


def whole(value: float | None) -> str:
    """An expected number of deaths, to the nearest whole death."""
    return "Not available" if value is None else count(round(value))


def rate_text() -> str:
    """The configured annual mortality rate as a percentage: 0.0032 → "0.32%"."""
    return f"{settings.LEDER_LD_ANNUAL_MORTALITY_RATE * 100:.2f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class FigureRow:
    label: str
    value: str
    href: str | None = None
    # Said after the linked count to screen readers, so that the link reads "3 cases awaiting
    # allocation" and makes sense in a list of links. Default: "cases " + the label.
    link_context: str = ""
    detail: str = ""

    def summary_row(self) -> dict:
        """An NHS.UK summary list row; the count is a link when `href` is set."""
        value = escape(self.value)
        if self.href:
            value = Markup('<a href="{}">{}<span class="nhsuk-u-visually-hidden"> {}</span></a>')
            context = self.link_context or f"cases {self.label.lower()}"
            value = value.format(self.href, self.value, context)
        if self.detail:
            value = Markup(DETAIL_HTML).format(value, self.detail)
        return {"key": {"text": self.label}, "value": {"html": value}}


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[FigureRow]

    @property
    def summary_rows(self) -> list[dict]:
        return [row.summary_row() for row in self.rows]


class IcbDashboard:
    """The sections of one ICB's dashboard. `link_cases` is True when the reader can see the
    ICB's cases, so that each count can open the matching case list; `link_inbox` when they
    can see its notifications."""

    def __init__(
        self, *, icb, figures: Figures, today: date, link_cases: bool, link_inbox: bool
    ) -> None:
        self.icb = icb
        self.f = figures
        self.today = today
        self.link_cases = link_cases
        self.link_inbox = link_inbox

    def _cases(self, **params) -> str | None:
        return case_list_href(icb_id=self.icb.pk, **params) if self.link_cases else None

    def _state(self, label: str, *states: str, detail: str = "") -> FigureRow:
        number = sum(getattr(self.f, _FIELD_FOR_STATE[state]) for state in states)
        return FigureRow(
            label,
            count(number),
            href=self._cases(state=list(states)),
            detail=detail,
        )

    @property
    def year_phrase(self) -> str:
        return f"since 1 January {self.today.year}"

    @property
    def sections(self) -> list[Section]:
        f, today = self.f, self.today
        inbox = None
        if self.link_inbox:
            inbox = f"{reverse('notifications:inbox')}?{urlencode({'icb': self.icb.pk})}"
        untriaged_detail = ""
        if f.untriaged:
            untriaged_detail = (
                f"The longest has waited {wait_text(f.oldest_untriaged_on, today=today)} "
                f"(received {date_long(f.oldest_untriaged_on)})"
            )
        awaiting_detail = ""
        if f.awaiting_allocation:
            awaiting_detail = (
                f"The longest has waited {wait_text(f.oldest_awaiting_notified_on, today=today)} "
                f"since notification ({date_long(f.oldest_awaiting_notified_on)})"
            )
        return [
            Section(
                "Notifications",
                [
                    FigureRow(
                        "Referrals this year",
                        count(f.referrals_this_year),
                        detail=f"Deaths notified {self.year_phrase}, not counting duplicates",
                    ),
                    FigureRow(
                        "Referrals, all time",
                        count(f.referrals_all_time),
                        detail="Not counting duplicates",
                    ),
                    FigureRow(
                        "Waiting for triage",
                        count(f.untriaged),
                        href=inbox,
                        link_context="notifications waiting for triage",
                        detail=untriaged_detail,
                    ),
                ],
            ),
            Section(
                "Reviews",
                [
                    self._state(
                        "Awaiting allocation",
                        CaseState.AWAITING_ALLOCATION,
                        detail=awaiting_detail,
                    ),
                    self._state(
                        "Allocated, waiting for the reviewer to accept", CaseState.ALLOCATED
                    ),
                    self._state(
                        "In review",
                        CaseState.INITIAL_REVIEW,
                        CaseState.FOCUSED_REVIEW,
                        detail=(
                            f"Initial review: {count(f.initial_review)}, "
                            f"focused review: {count(f.focused_review)}"
                        ),
                    ),
                    self._state("In quality assurance", CaseState.QUALITY_ASSURANCE),
                    self._state("At the governance panel", CaseState.PANEL),
                    self._state("Completed", CaseState.COMPLETED),
                    self._state(
                        "On hold",
                        CaseState.ON_HOLD,
                        detail="The deadline does not run while a review is on hold",
                    ),
                ],
            ),
            Section(
                "On hold, by the process that holds them",
                [
                    FigureRow(label, count(getattr(f, f"on_hold_{kind}")))
                    for kind, label in HoldKind.choices
                ],
            ),
            Section(
                "Deadlines",
                [
                    FigureRow(
                        "Due soon",
                        count(f.due_soon),
                        href=self._cases(due=[DueStatus.DUE_SOON]),
                        link_context="cases due soon",
                        detail=f"Due within {count(settings.LEDER_DUE_SOON_DAYS, 'day')}",
                    ),
                    FigureRow(
                        "Overdue",
                        count(f.overdue),
                        href=self._cases(due=[DueStatus.OVERDUE, DueStatus.LONG_OVERDUE]),
                        link_context="cases overdue",
                        detail=(
                            f"Reviews are due {settings.LEDER_REVIEW_DUE_MONTHS} months after "
                            "notification, plus any time on hold"
                        ),
                    ),
                    FigureRow(
                        "Long overdue",
                        count(f.long_overdue),
                        href=self._cases(due=[DueStatus.LONG_OVERDUE]),
                        link_context="cases long overdue",
                        detail=(
                            f"More than {count(settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS, 'day')}"
                            " overdue: escalated to the regional coordinator"
                        ),
                    ),
                ],
            ),
            Section(
                "Reviewers",
                [
                    FigureRow(
                        "Trained reviewers",
                        count(f.trained_reviewers),
                        detail="Active reviewers on the register who have finished training",
                    ),
                    FigureRow(
                        "Reviewers in training",
                        count(f.reviewers_in_training),
                        detail="Active reviewers on the register still in training",
                    ),
                ],
            ),
        ]

    @property
    def population_configured(self) -> bool:
        return self.f.expected_deaths_a_year is not None

    @property
    def expected_rows(self) -> list[dict]:
        f, today = self.f, self.today
        rows = [
            FigureRow(
                "Population with a learning disability",
                "Not configured" if f.ld_population is None else count(f.ld_population),
            ),
            FigureRow(
                f"Expected deaths in {today.year}",
                whole(f.expected_deaths_a_year),
                detail=f"Population × an annual mortality rate of {rate_text()}",
            ),
            FigureRow(
                "Expected so far this year",
                whole(f.expected_deaths_so_far(today=today)),
                detail=f"The year's expected deaths pro rata to {date_long(today)}",
            ),
            FigureRow(
                "Notified so far this year",
                count(f.notified_this_year),
                detail=(
                    f"Deaths notified {self.year_phrase}, not counting duplicates or "
                    "notifications found not eligible"
                ),
            ),
        ]
        return [row.summary_row() for row in rows]


_FIELD_FOR_STATE = {
    CaseState.AWAITING_ALLOCATION: "awaiting_allocation",
    CaseState.ALLOCATED: "allocated",
    CaseState.INITIAL_REVIEW: "initial_review",
    CaseState.FOCUSED_REVIEW: "focused_review",
    CaseState.QUALITY_ASSURANCE: "quality_assurance",
    CaseState.PANEL: "panel",
    CaseState.COMPLETED: "completed",
    CaseState.ON_HOLD: "on_hold",
}


# --- Regional and national tables ---------------------------------------------------------

# Four narrow tables rather than one wide one: sixteen columns do not fit a screen, and a table
# that scrolls sideways is hard to read with a magnifier.
GROUP_TABLES = (
    (
        "Notifications and allocation",
        (
            ("Referrals this year", lambda f, today: count(f.referrals_this_year)),
            ("Waiting for triage", lambda f, today: count(f.untriaged)),
            ("Awaiting allocation", lambda f, today: count(f.awaiting_allocation)),
            (
                "Longest wait for allocation",
                lambda f, today: wait_text(f.oldest_awaiting_notified_on, today=today),
            ),
            ("Allocated, not yet accepted", lambda f, today: count(f.allocated)),
        ),
        "“Longest wait for allocation” is the time since the oldest case awaiting allocation "
        "was notified.",
    ),
    (
        "Reviews",
        (
            ("In review", lambda f, today: count(f.in_review)),
            ("In quality assurance", lambda f, today: count(f.quality_assurance)),
            ("At the panel", lambda f, today: count(f.panel)),
            ("Completed", lambda f, today: count(f.completed)),
            ("On hold", lambda f, today: count(f.on_hold)),
        ),
        "“In review” counts initial and focused reviews.",
    ),
    (
        "On hold, by process",
        tuple(
            (label, lambda f, today, kind=kind: count(getattr(f, f"on_hold_{kind}")))
            for kind, label in HoldKind.choices
        ),
        "Each review on hold counts once, under the process its current hold names.",
    ),
    (
        "Deadlines and reviewers",
        (
            ("Due soon", lambda f, today: count(f.due_soon)),
            ("Overdue", lambda f, today: count(f.overdue)),
            ("Long overdue", lambda f, today: count(f.long_overdue)),
            ("Trained reviewers", lambda f, today: count(f.trained_reviewers)),
        ),
        f"“Overdue” includes the long overdue: more than "
        f"{settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS} days past the due date.",
    ),
    (
        "Expected and notified deaths",
        (
            ("Expected deaths this year", lambda f, today: whole(f.expected_deaths_a_year)),
            ("Expected so far", lambda f, today: whole(f.expected_deaths_so_far(today=today))),
            ("Notified so far", lambda f, today: count(f.notified_this_year)),
        ),
        "Expected deaths are the population with a learning disability multiplied by an annual "
        "mortality rate; “expected so far” is that share of the year to today. “Notified so "
        "far” does not count duplicates or notifications found not eligible.",
    ),
)


def _table(*, area_label: str, rows, total, total_label: str, columns, today: date) -> dict:
    """Parameters for the NHS.UK table macro: one row per area, then the total in bold."""
    head = [{"text": area_label}] + [{"text": label, "format": "numeric"} for label, _ in columns]
    body = []
    for row in rows:
        body.append(
            [{"text": row.name}]
            + [{"text": value(row.figures, today), "format": "numeric"} for _, value in columns]
        )
    body.append(
        [{"html": Markup("<strong>{}</strong>").format(total_label)}]
        + [
            {"html": Markup("<strong>{}</strong>").format(value(total, today)), "format": "numeric"}
            for _, value in columns
        ]
    )
    return {"head": head, "rows": body, "firstCellIsHeader": True, "responsive": True}


class GroupDashboardPresenter:
    """A regional (one row per ICB) or national (one row per region) dashboard."""

    def __init__(self, dashboard, *, area_label: str, total_label: str, today: date) -> None:
        self.dashboard = dashboard
        self.area_label = area_label
        self.total_label = total_label
        self.today = today

    @property
    def tables(self) -> list[dict]:
        """Each table as `{"title", "params", "note"}`: an h2, the NHS.UK table, a note."""
        return [
            {"title": title, "params": self._params(columns, title), "note": note}
            for title, columns, note in GROUP_TABLES
        ]

    def _params(self, columns, caption: str) -> dict:
        params = _table(
            area_label=self.area_label,
            rows=self.dashboard.rows,
            total=self.dashboard.total,
            total_label=self.total_label,
            columns=columns,
            today=self.today,
        )
        # The page's h2 names the table; the caption repeats it for screen readers.
        params["caption"] = {"text": caption, "classes": "nhsuk-u-visually-hidden"}
        return params

    @property
    def areas_without_population(self) -> list[str]:
        """Areas whose expected deaths cannot be shown, for the note under the table."""
        return [
            row.name for row in self.dashboard.rows if row.figures.expected_deaths_a_year is None
        ]


# --- Overdue and escalation lists ---------------------------------------------------------


def reviewer_text(has_reviewer: bool) -> str:
    return "Allocated" if has_reviewer else "Not allocated"


def state_text(state: str) -> str:
    return CaseState(state).label


def overdue_table(rows, *, case_href=None) -> dict:
    """The LAC's overdue list: reference (linked to the case when the case pages exist), days
    overdue, stage and whether a reviewer is allocated."""
    body = []
    for row in rows:
        href = case_href(row.reference) if case_href else None
        body.append(
            [
                {"text": row.reference, "href": href} if href else {"text": row.reference},
                {"text": count(row.days_overdue), "format": "numeric"},
                {"text": state_text(row.state)},
                {"text": reviewer_text(row.has_reviewer)},
            ]
        )
    return {
        "caption": {"text": "Most overdue reviews", "classes": "nhsuk-u-visually-hidden"},
        "head": [
            {"text": "Reference"},
            {"text": "Days overdue", "format": "numeric"},
            {"text": "Stage"},
            {"text": "Reviewer"},
        ],
        "rows": body,
        "firstCellIsHeader": True,
        "responsive": True,
    }


def escalation_table(rows) -> dict:
    """The regional coordinator's list: reference, ICB, days overdue, stage, reviewer allocated
    or not. Nothing about the person."""
    return {
        "caption": {
            "text": "Long-overdue reviews, most overdue first",
            "classes": "nhsuk-u-visually-hidden",
        },
        "head": [
            {"text": "Reference"},
            {"text": "ICB"},
            {"text": "Days overdue", "format": "numeric"},
            {"text": "Stage"},
            {"text": "Reviewer"},
        ],
        "rows": [
            [
                {"text": row.reference},
                {"text": row.icb_name},
                {"text": count(row.days_overdue), "format": "numeric"},
                {"text": state_text(row.state)},
                {"text": reviewer_text(row.has_reviewer)},
            ]
            for row in rows
        ],
        "firstCellIsHeader": True,
        "responsive": True,
    }


def case_detail_href(reference: str) -> str:
    return reverse("casework:case", kwargs={"reference": reference})
