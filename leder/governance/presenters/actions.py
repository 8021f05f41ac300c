"""How actions, their progress and the action plan read: status and overdue tags, "Overdue by
3 days", progress figures, the CSV columns and the reminder e-mail. Templates only display.

Overdue is decided here, once: an action is overdue when it is open or in progress and its due
date is before today (today in Europe/London, so an action due on 3 March becomes overdue at
midnight in London, not at midnight UTC).
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse

from leder.casework.exports import csv_safe
from leder.core.presenters import count, date_long, date_short, datetime_long
from leder.governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionReminderKind,
    ActionStatus,
)

STATUS_TAG_CLASSES = {
    ActionStatus.OPEN: "nhsuk-tag--white",
    ActionStatus.IN_PROGRESS: "nhsuk-tag--blue",
    ActionStatus.COMPLETED: "nhsuk-tag--green",
    ActionStatus.CANCELLED: "nhsuk-tag--grey",
}
DUE_SOON_DAYS = 14


def is_overdue(*, status: str, due_on: date, today: date) -> bool:
    return status in OPEN_ACTION_STATUSES and due_on < today


def days_overdue(*, status: str, due_on: date, today: date) -> int:
    """Whole days past the due date (0 when not overdue)."""
    return (today - due_on).days if is_overdue(status=status, due_on=due_on, today=today) else 0


def overdue_text(days: int) -> str:
    return f"Overdue by {count(days, 'day')}"


def due_text(*, status: str, due_on: date, today: date) -> str:
    """A few words on when an open action is due: "Overdue by 3 days", "Due today", "Due in
    5 days"; empty for a finished action or one due more than 14 days away."""
    if status not in OPEN_ACTION_STATUSES:
        return ""
    days = (due_on - today).days
    if days < 0:
        return overdue_text(-days)
    if days == 0:
        return "Due today"
    if days <= DUE_SOON_DAYS:
        return f"Due in {count(days, 'day')}"
    return ""


@dataclass(frozen=True)
class Progress:
    """Completed actions out of all but the cancelled ones."""

    completed: int
    counted: int

    @property
    def percent(self) -> int | None:
        if not self.counted:
            return None
        return round(100 * self.completed / self.counted)

    @property
    def text(self) -> str:
        if not self.counted:
            return "No actions to count yet"
        return f"{self.completed} of {count(self.counted, 'action')} completed ({self.percent}%)"


def progress(*, total: int, completed: int, cancelled: int) -> Progress:
    return Progress(completed=completed, counted=total - cancelled)


class ActionPresenter:
    """One action for a list row or its page."""

    def __init__(self, action: Action, *, today: date):
        self.action = action
        self.today = today

    def __getattr__(self, name):
        return getattr(self.action, name)

    @property
    def href(self) -> str:
        return reverse("governance:action_detail", kwargs={"reference": self.action.reference})

    @property
    def status_label(self) -> str:
        return ActionStatus(self.action.status).label

    @property
    def status_tag(self) -> dict:
        return {"text": self.status_label, "classes": STATUS_TAG_CLASSES[self.action.status]}

    @property
    def overdue(self) -> bool:
        return is_overdue(status=self.action.status, due_on=self.action.due_on, today=self.today)

    @property
    def days_overdue(self) -> int:
        return days_overdue(status=self.action.status, due_on=self.action.due_on, today=self.today)

    @property
    def due_text(self) -> str:
        return due_text(status=self.action.status, due_on=self.action.due_on, today=self.today)

    @property
    def due_tag(self) -> dict | None:
        """The NHS.UK tag beside the due date: red when overdue, yellow when due soon."""
        text = self.due_text
        if not text:
            return None
        return {"text": text, "classes": "nhsuk-tag--red" if self.overdue else "nhsuk-tag--yellow"}

    @property
    def due(self) -> str:
        return date_long(self.action.due_on)

    @property
    def due_short(self) -> str:
        return date_short(self.action.due_on)

    @property
    def agreed(self) -> str:
        return date_long(self.action.agreed_on)

    @property
    def owner(self) -> str:
        return f"{self.action.owner_name}, {self.action.owner_organisation.display_name}"

    @property
    def theme_names(self) -> list[str]:
        return sorted(str(theme) for theme in self.action.themes.all())

    @property
    def case_references(self) -> list[str]:
        return sorted({review.case.reference for review in self.action.reviews.all()})

    @property
    def priority_text(self) -> str:
        priority = self.action.priority
        return f"{priority.order}. {priority.title}" if priority else "None"

    @property
    def finished_on(self) -> str:
        if self.action.status == ActionStatus.COMPLETED:
            return date_long(self.action.completed_on)
        if self.action.status == ActionStatus.CANCELLED:
            return date_long(self.action.cancelled_on)
        return ""


class UpdatePresenter:
    def __init__(self, update):
        self.update = update

    @property
    def when(self) -> str:
        return datetime_long(self.update.at)

    @property
    def by(self) -> str:
        return self.update.by.full_name or self.update.by.email

    @property
    def change(self) -> str:
        """ "Open → In progress", or empty for a note."""
        if self.update.from_status == self.update.to_status:
            return ""
        return (
            f"{ActionStatus(self.update.from_status).label} → "
            f"{ActionStatus(self.update.to_status).label}"
        )

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.update.note.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class ActionCounts:
    total: int
    open: int
    in_progress: int
    completed: int
    cancelled: int
    overdue: int

    @property
    def progress(self) -> Progress:
        return progress(total=self.total, completed=self.completed, cancelled=self.cancelled)

    @property
    def cards(self) -> list[dict]:
        return [
            {"label": "Actions", "value": count(self.total)},
            {"label": "Open", "value": count(self.open)},
            {"label": "In progress", "value": count(self.in_progress)},
            {"label": "Completed", "value": count(self.completed)},
            {"label": "Cancelled", "value": count(self.cancelled)},
            {"label": "Overdue", "value": count(self.overdue)},
        ]


# CSV ------------------------------------------------------------------------------------------

CSV_HEADERS = (
    "Reference",
    "ICB",
    "What will be done",
    "Owner organisation",
    "Owner",
    "Agreed on",
    "Due on",
    "Status",
    "Days overdue",
    "How completion will be measured",
    "Reviews (case references)",
    "Themes",
    "Priority",
    "Completed on",
    "Evidence of completion",
    "Cancelled on",
    "Reason for cancelling",
)


def csv_row(action: Action, *, today: date) -> list[str]:
    """One action as a CSV row: dates ISO 8601 (a spreadsheet sorts them), free text guarded
    against formula injection."""
    row = ActionPresenter(action, today=today)
    return [
        csv_safe(value)
        for value in (
            action.reference,
            action.icb.display_name,
            action.title,
            action.owner_organisation.display_name,
            action.owner_name,
            action.agreed_on.isoformat(),
            action.due_on.isoformat(),
            row.status_label,
            row.days_overdue or "",
            action.measure,
            "; ".join(row.case_references),
            "; ".join(row.theme_names),
            row.priority_text if action.priority_id else "",
            action.completed_on.isoformat() if action.completed_on else "",
            action.completion_evidence,
            action.cancelled_on.isoformat() if action.cancelled_on else "",
            action.cancellation_reason,
        )
    ]


# The reminder e-mail ------------------------------------------------------------------------------

SUBJECT = {
    ActionReminderKind.DUE_SOON: "LeDeR action {reference} is due on {due}",
    ActionReminderKind.OVERDUE: "LeDeR action {reference} is overdue",
}


@dataclass(frozen=True)
class ReminderEmail:
    subject: str
    context: dict


def action_reminder_email(*, action: Action, kind: str, today: date) -> ReminderEmail:
    """The subject and template context of one reminder. An action names no person who died
    (the panel words it), so the e-mail can say what the action is; it links to the action's
    page behind the sign-in."""
    days = (action.due_on - today).days
    if days > 0:
        when = f"It is due on {date_long(action.due_on)}, in {count(days, 'day')}."
    elif days == 0:
        when = f"It is due today, {date_long(action.due_on)}."
    else:
        when = f"It was due on {date_long(action.due_on)}: it is {overdue_text(-days).lower()}."
    base = getattr(settings, "LEDER_BASE_URL", "").rstrip("/")
    path = reverse("governance:action_detail", kwargs={"reference": action.reference})
    return ReminderEmail(
        subject=SUBJECT[kind].format(reference=action.reference, due=date_long(action.due_on)),
        context={
            "reference": action.reference,
            "title": action.title,
            "icb": action.icb.display_name,
            "owner": f"{action.owner_name}, {action.owner_organisation.display_name}",
            "measure": action.measure,
            "status": ActionStatus(action.status).label,
            "when": when,
            "link": f"{base}{path}",
            "service_name": settings.LEDER_SERVICE_NAME,
        },
    )


# The action plan ------------------------------------------------------------------------------


class PlanPresenter:
    def __init__(self, plan):
        self.plan = plan

    def __getattr__(self, name):
        return getattr(self.plan, name)

    @property
    def href(self) -> str:
        return reverse("governance:plan_detail", kwargs={"pk": self.plan.pk})

    @property
    def period(self) -> str:
        return f"{date_long(self.plan.starts_on)} to {date_long(self.plan.ends_on)}"


class PriorityPresenter:
    """A priority with its actions and their progress (completed out of all but cancelled)."""

    def __init__(self, priority, *, today: date):
        self.priority = priority
        self.actions = [ActionPresenter(a, today=today) for a in priority.actions.all()]

    def __getattr__(self, name):
        return getattr(self.priority, name)

    @property
    def theme_names(self) -> list[str]:
        return sorted(str(theme) for theme in self.priority.themes.all())

    @property
    def progress(self) -> Progress:
        statuses = [a.action.status for a in self.actions]
        return progress(
            total=len(statuses),
            completed=statuses.count(ActionStatus.COMPLETED),
            cancelled=statuses.count(ActionStatus.CANCELLED),
        )

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.actions if a.overdue)
