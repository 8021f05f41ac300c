"""Reminders that a hold's process should have ended (issue 15, docs/adr/0152).

A hold names the process that stops the review and when it is expected to end. Once that date
has passed and the review is still on hold, the ICB's local area contacts are e-mailed (the case
reference, the process and its reference: never who the person was), and again every
`REPEAT_DAYS` while it stays on hold past the date, so a forgotten hold does not hold for ever.

Idempotent: a hold is claimed for today by a conditional UPDATE of `reminded_on` before anything
is sent, so a second run the same day, or a concurrent run, sends nothing more.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from leder.accounts.models import Role
from leder.accounts.selectors import users_holding
from leder.casework.models import CaseHold, CaseState
from leder.core import presenters
from leder.core.email import send_text_email
from leder.core.time import today as today_

REPEAT_DAYS = 28


@dataclass
class HoldReminderRun:
    reminded: list[str] = field(default_factory=list)
    emails: int = 0
    without_lac: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "holds_reminded": len(self.reminded),
            "emails": self.emails,
            "without_lac": len(self.without_lac),
        }


def holds_past_expected(*, today: date):
    """Open holds of cases still on hold whose expected end has passed, not reminded within
    `REPEAT_DAYS`."""
    return CaseHold.objects.filter(
        ended_at__isnull=True,
        case__state=CaseState.ON_HOLD,
        expected_end_on__lt=today,
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - timedelta(days=REPEAT_DAYS)))


def hold_reminders_send(*, today: date | None = None) -> HoldReminderRun:
    day = today or today_()
    run = HoldReminderRun()
    cutoff = day - timedelta(days=REPEAT_DAYS)
    for hold in holds_past_expected(today=day).select_related("case__notification__icb"):
        claimed = (
            CaseHold.objects.filter(pk=hold.pk)
            .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lte=cutoff))
            .update(reminded_on=day)
        )
        if not claimed:
            continue
        case = hold.case
        icb = case.notification.icb
        recipients = sorted(
            {u.email.lower() for u in users_holding(role=Role.LAC, organisation=icb) if u.email}
        )
        if not recipients:
            run.without_lac.append(case.reference)
            continue
        context = {
            "reference": case.reference,
            "kind": hold.get_kind_display(),
            "other": ", ".join(filter(None, [hold.other_organisation, hold.other_reference])),
            "expected": presenters.date_long(hold.expected_end_on),
            "started": presenters.date_long(hold.started_at),
        }
        send_text_email(
            subject=f"Still on hold past its expected end: {case.reference}",
            template="casework/email/hold_reminder.txt",
            context=context,
            to=recipients,
        )
        run.reminded.append(case.reference)
        run.emails += len(recipients)
    return run
