from django.core.management.base import BaseCommand, CommandError

from leder.core.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain and name the first row that was edited, "
        "inserted or deleted."
    )

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken:
            raise CommandError(f"Audit chain broken after checking {checked} rows. {broken}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} rows verified."))
