"""Send the action reminders due today, by hand. The scheduler (`manage.py scheduler`) runs the
same work every day at 07:20 as the periodic job "action-reminders" (`leder.governance.jobs`).
Each reminder (action, due soon or overdue, due date) goes once, however often and wherever it
runs (see `leder.governance.services.actions.action_reminders_send`).

Exit status 1 when a send failed, so that monitoring picks it up; the next
run tries those again.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from leder.governance.services.actions import action_reminders_send


class Command(BaseCommand):
    help = "E-mail reminders about actions due within 14 days or overdue, once each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="today",
            type=date.fromisoformat,
            help="Decide what is due as on this day (YYYY-MM-DD); default today, Europe/London.",
        )

    def handle(self, *args, today=None, **options):
        run = action_reminders_send(today=today)
        self.stdout.write(
            f"Action reminders for {run.today.isoformat()}: {len(run.sent)} sent, "
            f"{len(run.failed)} failed, {run.already_sent} already sent by an earlier run."
        )
        if run.unreachable:
            self.stdout.write(
                f"{len(run.unreachable)} actions are due a reminder but have no owner e-mail "
                f"and no local area contact to send it to: {', '.join(run.unreachable)}"
            )
        for reference, kind, error in run.failed:
            self.stderr.write(f"Failed: {reference} ({kind}): {error}. The next run tries again.")
        if run.failed:
            raise CommandError(f"{len(run.failed)} action reminders could not be sent.")
