from django.core.management.base import BaseCommand, CommandError

from leder.core.audit import verify_chain
from leder.core.audit_checkpoints import anchors, checkpoint_dir, verify_checkpoints


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed hash chain and the signed checkpoints kept outside the "
        "database; name the first row that was edited, inserted, deleted or re-chained, and a "
        "history cut short after a checkpoint."
    )

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken:
            raise CommandError(f"Audit chain broken after checking {checked} rows. {broken}")
        count, problems = verify_checkpoints()
        if problems:
            raise CommandError(
                f"Audit chain of {checked} rows does not match its checkpoints. "
                + " ".join(str(p) for p in problems)
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} rows verified."))
        signed_anchors, _ = anchors()
        if signed_anchors:
            anchor = signed_anchors[-1]
            self.stdout.write(
                f"Rows up to {anchor.sequence} were pruned under the retention period "
                f"({anchor.pruned_at}); verified from their signed anchor."
            )
        if count:
            self.stdout.write(f"Matches {count} signed checkpoint(s) in {checkpoint_dir()}.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    "No signed checkpoint found: rows deleted from the end cannot be detected."
                )
            )
