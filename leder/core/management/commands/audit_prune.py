from django.core.management.base import BaseCommand, CommandError

from leder.core.audit_prune import AuditPruneRefused, audit_prune


class Command(BaseCommand):
    help = (
        "Prune the start of the audit log that is past AUDIT_RETENTION_DAYS, only up to a signed "
        "checkpoint, leaving a signed anchor so audit_verify still verifies what remains (ADR "
        "0123). The daily retention job does this; --dry-run only says what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args, dry_run=False, **options):
        try:
            report = audit_prune(dry_run=dry_run)
        except AuditPruneRefused as refused:
            raise CommandError(str(refused)) from refused
        if not report.rows:
            self.stdout.write(f"Nothing pruned: {report.reason}.")
            return
        verb = "Would prune" if dry_run else "Pruned"
        self.stdout.write(
            f"{verb} {report.rows} audit rows ({report.pruned_from}–{report.pruned_to}); "
            f"anchor: row {report.pruned_to}, hash {report.anchor_hash}."
        )
