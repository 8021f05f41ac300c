"""The daily e-mail reminders of SMART actions due soon or overdue, to the owner and the ICB's
local area contacts, each sent at most once per action, kind and due date."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from leder.accounts.models import Role
from leder.accounts.selectors import users_holding
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.core.time import today as today_in_london
from leder.governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionReminder,
    ActionReminderKind,
)
from leder.governance.presenters.actions import DUE_SOON_DAYS, action_reminder_email

# The actor named in audit rows written by the reminder job.
REMINDER_ACTOR = "system:action-reminders"


@dataclass
class ActionReminderRun:
    """What one run of `action_reminders_send` did."""

    today: date
    sent: list[tuple[str, str]] = field(default_factory=list)  # (reference, kind)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (reference, kind, error)
    already_sent: int = 0
    unreachable: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "sent": len(self.sent),
            "failed": len(self.failed),
            "already_sent": self.already_sent,
            "unreachable": len(self.unreachable),
        }


def reminder_kind(*, action: Action, day: date) -> str | None:
    """The reminder `action` is due on `day`: overdue once its due date has passed, due soon
    within `DUE_SOON_DAYS` days of it, none when it is finished or further off."""
    if action.status not in OPEN_ACTION_STATUSES:
        return None
    if action.due_on < day:
        return ActionReminderKind.OVERDUE
    if (action.due_on - day).days <= DUE_SOON_DAYS:
        return ActionReminderKind.DUE_SOON
    return None


def _recipients(action: Action, lacs: dict[int, list[str]]) -> list[str]:
    """The owner's e-mail (when given) and the ICB's local area contacts, each once."""
    if action.icb_id not in lacs:
        lacs[action.icb_id] = [
            u.email for u in users_holding(role=Role.LAC, organisation=action.icb) if u.email
        ]
    chosen: list[str] = []
    for email in [action.owner_email, *lacs[action.icb_id]]:
        email = (email or "").strip().lower()
        if email and email not in chosen:
            chosen.append(email)
    return chosen


def _claim(*, action: Action, kind: str, recipients: list[str]) -> ActionReminder | None:
    """Claim the reminder for this run: the row is committed before anything is sent, and the
    unique constraint lets only one run (of any number at once) have it."""
    try:
        with transaction.atomic(durable=True):
            return ActionReminder.objects.create(
                action=action, kind=kind, due_on=action.due_on, sent_at=now(), recipients=recipients
            )
    except IntegrityError:
        return None


def action_reminders_send(*, today: date | None = None) -> ActionReminderRun:
    """E-mail the owner and the ICB's local area contacts about each open or in-progress action
    due within 14 days, and again once it is overdue: once per action, kind and due date
    (`ActionReminder`), so the job is safe to run daily, twice, or in two places at once. A new
    due date allows new reminders.

    Each reminder is claimed (a committed row) before its e-mail goes. If sending raises, the
    claim is deleted so that the next run tries again; a run that dies between claiming and
    sending leaves the claim, and that reminder is not sent (at most once, as for the case
    deadline reminders). Must not run inside a transaction. One audit row per run that sent or
    failed anything."""
    day = today or today_in_london()
    run = ActionReminderRun(today=day)
    lacs: dict[int, list[str]] = {}
    due = (
        Action.objects.filter(
            status__in=OPEN_ACTION_STATUSES, due_on__lte=day + timedelta(days=DUE_SOON_DAYS)
        )
        .select_related("icb", "owner_organisation")
        .order_by("due_on", "reference")
    )
    for action in due:
        kind = reminder_kind(action=action, day=day)
        if kind is None:
            continue
        if ActionReminder.objects.filter(action=action, kind=kind, due_on=action.due_on).exists():
            run.already_sent += 1
            continue
        recipients = _recipients(action, lacs)
        if not recipients:
            run.unreachable.append(action.reference)
            continue
        claim = _claim(action=action, kind=kind, recipients=recipients)
        if claim is None:
            run.already_sent += 1
            continue
        email = action_reminder_email(action=action, kind=kind, today=day)
        try:
            send_mail(
                subject=email.subject,
                message=render_to_string("governance/actions/reminder_email.txt", email.context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        except Exception as error:  # one failed send is recorded and retried; the run goes on
            ActionReminder.objects.filter(pk=claim.pk).delete()
            run.failed.append((action.reference, kind, f"{type(error).__name__}: {error}"))
            continue
        run.sent.append((action.reference, kind))
    if run.sent or run.failed:
        audit.record(
            actor=REMINDER_ACTOR,
            action=AuditAction.CREATE,
            summary=(
                f"Action reminders for {day.isoformat()}: {len(run.sent)} sent, "
                f"{len(run.failed)} failed"
            ),
            details={
                **run.summary(),
                "references": [f"{ref} ({kind})" for ref, kind in run.sent],
            },
        )
    return run
