"""Deadline reminders by e-mail (issue 3, item 5), sent by a scheduled job.

For every active case (not on hold) that is due soon, overdue or long overdue today, the case's
reviewer and the local area contacts of its ICB get one reminder for that threshold; a long
overdue case also goes to the regional coordinators of the ICB's region.

Idempotency is the point. Each (case, threshold, due date, recipient) is one `Reminder` row,
unique in the database. A run:

1. **claims** the row: inserts it with status "claimed" in its own committed transaction. If the
   insert violates the unique constraint, another run (or an earlier one) has it: skip;
2. **sends** the e-mail;
3. **marks** the row "sent", or "failed" with the error if sending raised.

So a second run sends nothing, two runs at once never both send, and a run that dies between
(1) and (3) leaves a row "claimed" that no later run sends again: delivery is at most once.
Such a row is reported by `manage.py send_deadline_reminders` until an operator decides (see
`reminders_unconfirmed_resolve`): we prefer a reminder that might be missing, and says so, to
one that might arrive twice.

Failed rows are different: sending raised, so the message was (almost certainly) not accepted
by the mail server. The next run claims a failed row again (an atomic "failed → claimed"
update, which only one run can win) and retries it, for as long as the case stays at that
threshold.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from leder.accounts.models import Role
from leder.accounts.selectors import users_holding
from leder.casework.deadlines import DueStatus, due_status
from leder.casework.models import Case, Reminder, ReminderStatus, ReminderThreshold
from leder.casework.presenters.reminders import RecipientKind, reminder_email
from leder.casework.selectors.deadlines import cases_due_for_reminders
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.core.time import today as today_in_london

# The actor named in audit rows written by the job.
SYSTEM_ACTOR = "system:deadline-reminders"

THRESHOLD_FOR = {
    DueStatus.DUE_SOON: ReminderThreshold.DUE_SOON,
    DueStatus.OVERDUE: ReminderThreshold.OVERDUE,
    DueStatus.LONG_OVERDUE: ReminderThreshold.ESCALATED,
}

# Stored errors are for an operator to read, not a full traceback.
ERROR_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Recipient:
    email: str
    kind: str


@dataclass(frozen=True)
class Outcome:
    reference: str
    threshold: str
    recipient: str
    error: str = ""


@dataclass
class ReminderRun:
    """What one run did, for the command's report and the task's result."""

    today: date
    started_at: datetime
    sent: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    retried: int = 0
    already_claimed: int = 0
    # Cases due a reminder with nobody to send it to (no reviewer, no local area contact).
    unreachable: list[str] = field(default_factory=list)
    # Rows claimed by an earlier run that never confirmed sending (see the module docstring).
    unconfirmed: list[Outcome] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "sent": len(self.sent),
            "failed": len(self.failed),
            "retried": self.retried,
            "already_claimed": self.already_claimed,
            "unreachable": len(self.unreachable),
            "unconfirmed": len(self.unconfirmed),
        }


class _Recipients:
    """Who to remind about a case, remembering each ICB's local area contacts and each region's
    coordinators for the run (one query per ICB or region, not per case)."""

    def __init__(self):
        self._lacs: dict[int, list[str]] = {}
        self._coordinators: dict[int, list[str]] = {}

    def _emails(self, cache: dict, role: str, organisation) -> list[str]:
        if organisation.pk not in cache:
            cache[organisation.pk] = [
                user.email for user in users_holding(role=role, organisation=organisation)
            ]
        return cache[organisation.pk]

    def for_case(self, case: Case, threshold: str) -> list[Recipient]:
        # Keyed by address: someone who is both the reviewer and a LAC gets one e-mail, worded
        # for the reviewer (the more specific role).
        chosen: dict[str, Recipient] = {}

        def add(email: str, kind: str) -> None:
            key = email.strip().lower()
            if key and key not in chosen:
                chosen[key] = Recipient(email=key, kind=kind)

        reviewer = case.reviewer
        if reviewer is not None and reviewer.is_active and reviewer.user.is_active:
            add(reviewer.user.email, RecipientKind.REVIEWER)
        icb = case.notification.icb
        for email in self._emails(self._lacs, Role.LAC, icb):
            add(email, RecipientKind.LAC)
        if threshold == ReminderThreshold.ESCALATED and icb.region_id is not None:
            for email in self._emails(self._coordinators, Role.REGIONAL_COORDINATOR, icb.region):
                add(email, RecipientKind.REGIONAL_COORDINATOR)
        return list(chosen.values())


def _claim(*, case: Case, threshold: str, recipient: str) -> tuple[Reminder | None, bool]:
    """Claim the reminder for this run: (row, retried) if this run may send it, (None, False)
    if another run has it. `durable=True` makes the claim commit before anything is sent (and
    refuses to run inside someone else's transaction, where it would not)."""
    try:
        with transaction.atomic(durable=True):
            return (
                Reminder.objects.create(
                    case=case,
                    threshold=threshold,
                    due_on=case.due_on,
                    recipient=recipient,
                    status=ReminderStatus.CLAIMED,
                    claimed_at=now(),
                ),
                False,
            )
    except IntegrityError:
        pass
    existing = Reminder.objects.get(
        case=case, threshold=threshold, due_on=case.due_on, recipient=recipient
    )
    if existing.status != ReminderStatus.FAILED:
        return None, False
    # A failed send is retried. The conditional update is atomic, so of two runs retrying at
    # once only one changes the row and sends.
    won = Reminder.objects.filter(pk=existing.pk, status=ReminderStatus.FAILED).update(
        status=ReminderStatus.CLAIMED, claimed_at=now(), error=""
    )
    if not won:
        return None, False
    existing.refresh_from_db()
    return existing, True


def _mark(reminder: Reminder, *, status: str, error: str = "") -> None:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=status,
        sent_at=now() if status == ReminderStatus.SENT else None,
        error=error[:ERROR_MAX_LENGTH],
    )


def _send(*, case: Case, threshold: str, recipient: Recipient, today: date) -> None:
    email = reminder_email(
        threshold=threshold,
        kind=recipient.kind,
        reference=case.notification.reference,
        icb_name=case.notification.icb.display_name,
        state=case.state,
        due_on=case.due_on,
        has_reviewer=case.reviewer_id is not None,
        today=today,
    )
    send_mail(
        subject=email.subject,
        message=render_to_string("casework/email/deadline_reminder.txt", email.context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[recipient.email],
    )


def deadline_reminders_send(
    *, today: date | None = None, on_sent: Callable[[Reminder], None] | None = None
) -> ReminderRun:
    """Send the reminders due on `today` (default: today in Europe/London). Guarantees:

    - at most one e-mail per (case, threshold, due date, recipient) ever, across repeated,
      concurrent and interrupted runs (see the module docstring);
    - a failed send is recorded with its error and retried by the next run;
    - a claim left unconfirmed by an interrupted run is never sent again automatically: it is
      listed in `ReminderRun.unconfirmed`;
    - one audit row for the run when it sent or failed anything.

    Must not be called inside a transaction: each claim has to commit before its e-mail is sent.
    `on_sent` is called after each confirmed send (the command uses it to show progress).
    """
    today = today or today_in_london()
    run = ReminderRun(today=today, started_at=now())
    recipients = _Recipients()
    for case in cases_due_for_reminders(today=today):
        status = due_status(due_on=case.due_on, today=today, active=True, on_hold=False)
        threshold = THRESHOLD_FOR.get(status)
        if threshold is None:
            continue
        people = recipients.for_case(case, threshold)
        if not people:
            run.unreachable.append(case.notification.reference)
            continue
        for recipient in people:
            reminder, retried = _claim(case=case, threshold=threshold, recipient=recipient.email)
            if reminder is None:
                run.already_claimed += 1
                continue
            run.retried += int(retried)
            outcome = Outcome(case.notification.reference, threshold, recipient.email)
            try:
                _send(case=case, threshold=threshold, recipient=recipient, today=today)
            except Exception as error:  # any failure of one send is recorded, and the run goes on
                message = f"{type(error).__name__}: {error}"
                _mark(reminder, status=ReminderStatus.FAILED, error=message)
                run.failed.append(
                    Outcome(outcome.reference, threshold, recipient.email, error=message)
                )
                continue
            _mark(reminder, status=ReminderStatus.SENT)
            run.sent.append(outcome)
            if on_sent:
                on_sent(reminder)
    run.unconfirmed = reminders_unconfirmed(before=run.started_at)
    if run.sent or run.failed:
        audit.record(
            actor=SYSTEM_ACTOR,
            action=AuditAction.CREATE,
            summary=(
                f"Deadline reminders for {today.isoformat()}: {len(run.sent)} sent, "
                f"{len(run.failed)} failed"
            ),
            details=run.summary(),
        )
    return run


def reminders_unconfirmed(*, before: datetime) -> list[Outcome]:
    """Reminders claimed before `before` and never marked sent or failed: a run stopped between
    claiming and confirming. Whether the e-mail went is unknown (the mail server's log can
    tell); none is sent again unless an operator resolves it."""
    rows = (
        Reminder.objects.filter(status=ReminderStatus.CLAIMED, claimed_at__lt=before)
        .select_related("case__notification")
        .order_by("claimed_at", "pk")
    )
    return [Outcome(r.case.notification.reference, r.threshold, r.recipient) for r in rows]


def reminders_unconfirmed_resolve(*, before: datetime, resend: bool) -> int:
    """An operator's decision about the unconfirmed claims older than `before` (after checking
    the mail server's log): `resend=True` marks them failed so the next run sends them again;
    `resend=False` marks them sent. Returns how many rows changed; audited."""
    with transaction.atomic():
        rows = Reminder.objects.filter(status=ReminderStatus.CLAIMED, claimed_at__lt=before)
        if resend:
            changed = rows.update(
                status=ReminderStatus.FAILED,
                error="Delivery not confirmed; released for sending again by an operator",
            )
        else:
            changed = rows.update(status=ReminderStatus.SENT, sent_at=now())
        if changed:
            audit.record(
                actor=SYSTEM_ACTOR,
                action=AuditAction.UPDATE,
                summary=(
                    f"{changed} unconfirmed deadline reminders "
                    + ("released to be sent again" if resend else "accepted as sent")
                ),
                details={"before": before.isoformat(), "resend": resend},
            )
    return changed
