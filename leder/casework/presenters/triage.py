"""How triage reads on the local area contact's screens: the queue's waiting times, the
notification's key facts, and what has been decided."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from leder.casework.models import CaseState
from leder.core import presenters
from leder.core.time import today
from leder.notifications.inbox_presenters import NotificationPresenter

TRIAGE_TRANSITIONS = {
    "triage_eligible",
    "triage_child_death_review",
    "triage_not_eligible",
    "record_opt_out",
    "reconsider",
}
# States the local area contact can send back to "awaiting allocation" with a reason.
RECONSIDERABLE = (CaseState.NOT_ELIGIBLE, CaseState.CHILD_DEATH_REVIEW)

DECIDED_TEXT = {
    CaseState.AWAITING_ALLOCATION: "Eligible: the case is waiting for a reviewer.",
    CaseState.NOT_ELIGIBLE: "Recorded as not eligible for a LeDeR review.",
    CaseState.CHILD_DEATH_REVIEW: "Routed to the child death review.",
    CaseState.OPTED_OUT: (
        "A national data opt-out was recorded. The person's details have been erased: only the "
        "fact of the death and of the opt-out is kept."
    ),
}


def days_waiting(received_at, *, on: date | None = None) -> int:
    """Whole days since the notification was received, counted in Europe/London dates."""
    return max(0, ((on or today()) - timezone.localtime(received_at).date()).days)


def waiting_phrase(days: int) -> str:
    """ "Received today", "1 day", "12 days": how long a notification has waited."""
    return "Received today" if days == 0 else presenters.count(days, "day")


def case_href(reference: str) -> str:
    return reverse("casework:case", kwargs={"reference": reference})


class QueueRow(NotificationPresenter):
    """One notification in the triage queue."""

    @property
    def days_waiting(self) -> int:
        return days_waiting(self.notification.received_at)

    @property
    def waiting(self) -> str:
        return waiting_phrase(self.days_waiting)

    @property
    def href(self) -> str:
        return reverse("casework:triage", kwargs={"reference": self.notification.reference})


class TriagePresenter(NotificationPresenter):
    """A notification on its triage page, with its case (None before triage)."""

    def __init__(self, notification, *, case=None):
        super().__init__(notification)
        self.case = case

    @property
    def key_rows(self) -> list[dict]:
        """The facts triage turns on, as NHS.UK summary list rows. After an opt-out only what is
        kept is shown, as what it is (a year of birth, a month of death), never as a date."""
        n = self.notification
        received = self.received
        if not self.is_triaged and self.days_waiting:
            received += f" (waiting {presenters.count(self.days_waiting, 'day')})"
        if self.is_opted_out:
            rows = [
                ("Name", "Not kept (national data opt-out)"),
                ("Year of birth", str(n.date_of_birth.year)),
                ("Month of death", f"{n.date_of_death:%B %Y}"),
                ("Responsible ICB", n.icb.display_name),
                ("Received", received),
            ]
        else:
            rows = [
                ("Name", self.person_name),
                ("Date of birth", self.date_of_birth),
                ("Date of death", f"{self.date_of_death} (aged {self.age_at_death})"),
                ("NHS number", self.nhs_number),
                ("Responsible ICB", n.icb.display_name),
                ("Learning disability", n.get_has_learning_disability_display()),
                ("Autistic", n.get_is_autistic_display()),
                ("Died in England", n.get_died_in_england_display()),
                ("Received", received),
            ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def heading(self) -> str:
        return "National data opt-out" if self.is_opted_out else self.person_name

    @property
    def days_waiting(self) -> int:
        return days_waiting(self.notification.received_at)

    @property
    def is_triaged(self) -> bool:
        return self.case is not None and self.case.state != CaseState.NOTIFIED

    @property
    def state_label(self) -> str:
        return CaseState(self.case.state).label if self.case else CaseState.NOTIFIED.label

    @property
    def decided_text(self) -> str:
        if self.case is None:
            return ""
        return DECIDED_TEXT.get(self.case.state, f"The case is now: {self.state_label.lower()}.")

    @property
    def can_reconsider(self) -> bool:
        return self.case is not None and self.case.state in RECONSIDERABLE

    @property
    def is_opted_out(self) -> bool:
        return self.case is not None and self.case.state == CaseState.OPTED_OUT

    @property
    def case_href(self) -> str | None:
        if not self.is_triaged or self.is_opted_out:
            return None
        return case_href(self.notification.reference)

    @property
    def history(self) -> list[dict]:
        """The triage decisions on the case, oldest first: what, when, by whom, why."""
        if self.case is None:
            return []
        return [
            {
                "what": CaseState(event.to_state).label,
                "when": presenters.datetime_long(event.occurred_at),
                "by": event.actor.full_name if event.actor else "The system",
                "reason": event.reason or presenters.EMPTY,
            }
            for event in self.case.events.all()
            if event.transition in TRIAGE_TRANSITIONS
        ]
