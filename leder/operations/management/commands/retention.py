"""`manage.py retention [--dry-run]`: apply the retention periods now (ADR 0122, ADR 0123)."""

from django.core.management.base import BaseCommand

from leder.operations.retention import retention_apply


class Command(BaseCommand):
    help = "Delete or blank data past its retention period; --dry-run only reports what would go."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what is due, change nothing"
        )

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention_apply(dry_run=dry_run)
        heading = "Would remove (dry run):" if dry_run else "Removed:"
        self.stdout.write(heading)
        for kind, count in report.counts.items():
            self.stdout.write(f"  {kind.replace('_', ' ')}: {count}")
        prune = report.audit_prune
        if prune.get("refused"):
            self.stdout.write(f"  audit rows: none; the prune was refused: {prune['refused']}")
        elif not prune.get("rows"):
            self.stdout.write(f"  audit rows: none ({prune.get('reason', '')})")
        else:
            self.stdout.write(
                f"  audit rows {prune['pruned_from']}–{prune['pruned_to']}, anchored at the signed "
                f"checkpoint of row {prune['pruned_to']} (ADR 0123)"
            )
