"""How a deadline reminder e-mail reads: its subject, its wording for each kind of recipient and
the link it gives.

E-mail is not a secure channel (it can be forwarded, read on a shared screen, kept in a mailbox
for years), so a reminder says which case (its reference), where it is in the process and when
it is due, and gives a link to the case behind the sign-in and the second factor. It never
names the person who died or gives any other detail about them.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse

from leder.casework.models import CaseState, ReminderThreshold
from leder.core.presenters import count, date_long


class RecipientKind:
    REVIEWER = "reviewer"
    LAC = "lac"
    REGIONAL_COORDINATOR = "regional_coordinator"


# How much each kind of recipient is told to do, in plain words.
WHAT_TO_DO = {
    RecipientKind.REVIEWER: (
        "Please sign in to see the case and, if you need more time or help, talk to your local "
        "area contact."
    ),
    RecipientKind.LAC: (
        "Please sign in to check the case: allocate a reviewer, agree more time with them, or put "
        "the case on hold if something outside the review (such as an inquest) is stopping it."
    ),
    RecipientKind.REGIONAL_COORDINATOR: (
        "The case is on your region's escalation list. You can see the list when you sign in; "
        "the local area contact for the ICB can tell you more."
    ),
}

SUBJECT = {
    ReminderThreshold.DUE_SOON: "LeDeR review {reference} is due soon",
    ReminderThreshold.OVERDUE: "LeDeR review {reference} is overdue",
    ReminderThreshold.ESCALATED: "LeDeR review {reference} is long overdue",
}


def absolute(path: str) -> str:
    """`path` on the installation's address (`LEDER_BASE_URL`), or the path alone when no
    address is configured (the reader then signs in as usual and follows it)."""
    base = getattr(settings, "LEDER_BASE_URL", "").rstrip("/")
    return f"{base}{path}"


def case_path(reference: str) -> str:
    """The case's page. The page checks who may see it, so the link itself reveals nothing."""
    return reverse("casework:case", kwargs={"reference": reference})


def escalations_path() -> str:
    return reverse("casework:escalations")


@dataclass(frozen=True)
class ReminderEmail:
    subject: str
    context: dict


def reminder_email(
    *,
    threshold: str,
    kind: str,
    reference: str,
    icb_name: str,
    state: str,
    due_on: date,
    has_reviewer: bool,
    today: date,
) -> ReminderEmail:
    """The subject and the template context of one reminder."""
    days = (due_on - today).days
    if days > 0:
        when = f"It is due on {date_long(due_on)}, in {count(days, 'day')}."
    elif days == 0:
        when = f"It is due today, {date_long(due_on)}."
    else:
        when = f"It was due on {date_long(due_on)}, {count(-days, 'day')} ago."
    link = (
        escalations_path() if kind == RecipientKind.REGIONAL_COORDINATOR else case_path(reference)
    )
    if kind == RecipientKind.REVIEWER:
        opening = f"This is a reminder about the LeDeR review {reference}, allocated to you."
    else:
        opening = f"This is a reminder about the LeDeR review {reference} in {icb_name}."
    return ReminderEmail(
        subject=SUBJECT[threshold].format(reference=reference),
        context={
            "opening": opening,
            "when": when,
            "stage": CaseState(state).label,
            "reviewer": "A reviewer is allocated." if has_reviewer else "No reviewer is allocated.",
            "what_to_do": WHAT_TO_DO[kind],
            "link": absolute(link),
            "escalated": threshold == ReminderThreshold.ESCALATED,
            "escalate_after_days": settings.LEDER_ESCALATE_AFTER_OVERDUE_DAYS,
            "service_name": settings.LEDER_SERVICE_NAME,
        },
    )
