"""Send the deadline reminders due today, by hand. The scheduler (`manage.py scheduler`) runs
the same work every day at 07:15 as the periodic job "deadline-reminders"
(`leder.casework.jobs`). Running it twice, or again after a crash, never sends a reminder twice
(see `leder.casework.services.reminders`).

Exit status 1 when a send failed in this run or an earlier run left reminders unconfirmed, so
that cron's mail or the monitoring picks it up; the report says what to do.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from leder.casework.services.reminders import (
    deadline_reminders_send,
    reminders_unconfirmed_resolve,
)
from leder.core.time import now


class Command(BaseCommand):
    help = "Send deadline reminders (due soon, overdue, long overdue) by e-mail, once each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="today",
            type=date.fromisoformat,
            help="Decide due statuses as on this day (YYYY-MM-DD); default today, Europe/London.",
        )
        resolve = parser.add_mutually_exclusive_group()
        resolve.add_argument(
            "--resend-unconfirmed",
            action="store_true",
            help="Before sending, release reminders an interrupted run left unconfirmed, so "
            "that this run sends them again (after checking the mail log that they did not go).",
        )
        resolve.add_argument(
            "--accept-unconfirmed",
            action="store_true",
            help="Before sending, mark reminders an interrupted run left unconfirmed as sent "
            "(after checking the mail log that they went).",
        )

    def handle(self, *args, today=None, resend_unconfirmed=False, accept_unconfirmed=False, **kw):
        if resend_unconfirmed or accept_unconfirmed:
            changed = reminders_unconfirmed_resolve(before=now(), resend=resend_unconfirmed)
            what = "released to be sent again" if resend_unconfirmed else "accepted as sent"
            self.stdout.write(f"{changed} unconfirmed reminders {what}.")

        run = deadline_reminders_send(today=today)
        self.stdout.write(
            f"Deadline reminders for {run.today.isoformat()}: {len(run.sent)} sent "
            f"({run.retried} of them retries of earlier failures), {len(run.failed)} failed, "
            f"{run.already_claimed} already sent or claimed by an earlier run."
        )
        if run.unreachable:
            self.stdout.write(
                f"{len(run.unreachable)} cases are due a reminder but have no reviewer and no "
                f"local area contact to send it to: {', '.join(run.unreachable)}"
            )
        for outcome in run.failed:
            self.stderr.write(
                f"Failed: {outcome.reference} ({outcome.threshold}) to {outcome.recipient}: "
                f"{outcome.error}. The next run will try again."
            )
        for outcome in run.unconfirmed:
            self.stderr.write(
                f"Unconfirmed: {outcome.reference} ({outcome.threshold}) to {outcome.recipient}: "
                "a run stopped after claiming it, so it may or may not have been sent. It will "
                "not be sent again automatically."
            )
        if run.unconfirmed:
            self.stderr.write(
                "Check the mail server's log, then run again with --resend-unconfirmed (not "
                "delivered) or --accept-unconfirmed (delivered)."
            )
        if run.failed or run.unconfirmed:
            raise CommandError(
                f"{len(run.failed)} reminders failed and {len(run.unconfirmed)} are unconfirmed."
            )
