"""Load or update providers (GP practices, trusts, local authorities, care providers) from CSV.

    manage.py providers_load leder/organisations/data/demo_providers.csv

Columns: ods_code,name,kind,icb_ods_code,postcode,opened_on,closed_on (dates like 2026-04-01,
empty if not known). All or nothing: a file with any problem changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leder.organisations.errors import ProvidersLoadError
from leder.organisations.management.csv_rows import read_csv_rows
from leder.organisations.services import PROVIDER_COLUMNS, providers_load

# Enough to fix a file by; the rest are the same mistakes further down.
_MAX_PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = "Create or update providers from a CSV file, audited."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        rows = read_csv_rows(path, PROVIDER_COLUMNS)
        try:
            result = providers_load(rows=rows, actor="system:providers_load", source=str(path))
        except ProvidersLoadError as error:
            shown = error.problems[:_MAX_PROBLEMS_SHOWN]
            more = len(error.problems) - len(shown)
            raise CommandError(
                f"{path}: nothing was loaded.\n"
                + "\n".join(shown)
                + (f"\n…and {more} more problems." if more else "")
            ) from None
        self.stdout.write(
            f"{path}: {len(result.created)} providers created, {len(result.updated)} updated, "
            f"{result.unchanged} unchanged."
        )
